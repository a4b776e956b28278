using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// The policy as one server needs it: SSH ports are the ones detected on the server (sshd -T, ssh.socket and the
/// current connection), so a non-standard port is opened and the connection in use is never cut.
/// Server firewalls (ufw, firewalld, iptables/ip6tables) cover both families, so "anywhere" means both.
/// </summary>
public sealed record ServerPolicy(IReadOnlyList<ServerRequirement> Requirements)
{
    public static ServerPolicy For(FirewallPolicy policy, ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);
        IReadOnlyList<Cidr> Widen(IReadOnlyList<Cidr> sources) =>
            sources.Any(s => s.IsInternet) ? [Cidr.AnyIPv4, Cidr.AnyIPv6, .. sources.Where(s => !s.IsInternet)] : sources;

        var requirements = new List<ServerRequirement>();
        var ssh = policy.Ssh.ToList();
        var sshSources = ssh.Count > 0 ? ssh[0].Sources : [Cidr.AnyIPv4];
        var sshPorts = facts.SshPorts.Count > 0 ? facts.SshPorts : ssh.Select(r => r.Ports.From).ToList();
        foreach (var port in sshPorts)
        {
            requirements.Add(new ServerRequirement(Protocol.Tcp, PortRange.Single(port), Widen(sshSources), "SSH", true));
        }

        foreach (var requirement in policy.Requirements.Where(r => !r.IsSsh))
        {
            requirements.Add(new ServerRequirement(requirement.Protocol, requirement.Ports, Widen(requirement.Sources), requirement.Comment, false));
        }

        return new ServerPolicy(requirements);
    }

    public IEnumerable<ServerRequirement> Ssh => Requirements.Where(r => r.IsSsh);
}
