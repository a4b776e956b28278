using OecCloudFw.Core;
using OecCloudFw.Server.Backends;

namespace OecCloudFw.Cli.Commands;

/// <summary>How plan and apply change the layers: the cloud layer's own extras, the server's frontend, Docker's ports.</summary>
internal sealed record LayersFlags(
    [Option("prune", Description = "Also remove the cloud rules this tool created that the policy no longer wants.")] bool Prune = false,
    [Option("backend", Description = "Force the server's frontend: ufw, firewalld, iptables or nftables.")] string? Backend = null,
    [Option("docker", Description = "Docker's published ports: policy (default: DOCKER-USER admits only the policy's ports from their sources) or leave.")] string Docker = "policy",
    [Option("harden", Description = "Also harden sshd (keys only, root by key only) and run fail2ban's sshd jail (the policy's SSH sources never banned) in the same lockout-proof change, as server harden does.")] bool Harden = false) : ICommandParameterSet
{
    /// <summary>The Docker mode, the backend validated (bad input before anything is read; --harden's key login is the server layer's to require).</summary>
    public DockerMode Validate()
    {
        if (Backend is not null && Backend is not ("ufw" or "firewalld" or "iptables" or "nftables"))
        {
            throw new InvalidInputException($"--backend '{Backend}' is not a frontend: use ufw, firewalld, iptables or nftables");
        }

        return DockerModes.Parse(Docker);
    }
}
