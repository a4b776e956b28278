using OecCloudFw.Core;
using OecCloudFw.Server.Backends;

namespace OecCloudFw.Application.Plans;

/// <summary>What shapes plan's and apply's change besides the policy.</summary>
/// <param name="Backend">The server's frontend, when forced: ufw, firewalld, iptables or nftables.</param>
/// <param name="Docker">Docker's published ports: following the policy, or left alone.</param>
/// <param name="Harden">Also harden sshd and run fail2ban's sshd jail in the same change.</param>
/// <param name="Prune">Also remove the cloud rules this tool created that the policy no longer wants.</param>
public sealed record LayersOptions(string? Backend = null, DockerMode Docker = DockerMode.Policy, bool Harden = false, bool Prune = false)
{
    public SavedOptions Save() => new(Docker == DockerMode.Leave ? "leave" : "policy", Harden, Prune, Backend);

    /// <summary>The options a saved plan names; a value this version does not know is bad input naming the file.</summary>
    public static LayersOptions From(SavedOptions saved, string file)
    {
        ArgumentNullException.ThrowIfNull(saved);
        if (saved.Backend is not (null or "ufw" or "firewalld" or "iptables" or "nftables"))
        {
            throw new InvalidInputException($"--plan {file}: options.backend '{saved.Backend}' is not a frontend: use ufw, firewalld, iptables or nftables");
        }

        var docker = saved.Docker switch
        {
            "policy" => DockerMode.Policy,
            "leave" => DockerMode.Leave,
            _ => throw new InvalidInputException($"--plan {file}: options.docker '{saved.Docker}' is not a mode: use policy or leave"),
        };
        return new LayersOptions(saved.Backend, docker, saved.Harden, saved.Prune);
    }
}
