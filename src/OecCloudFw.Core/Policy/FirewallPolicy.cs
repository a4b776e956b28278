using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// What the operator wants: which ports are open to which sources. Built by <see cref="PolicyBuilder"/> from
/// the defaults (22/80/443 from anywhere), a policy file and command-line flags.
/// </summary>
public sealed class FirewallPolicy
{
    public FirewallPolicy(IEnumerable<PortRequirement> requirements, bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        Requirements = requirements.ToList();
        Ipv6 = ipv6;
    }

    /// <summary>The default policy of the guide: SSH, HTTP and HTTPS from anywhere (IPv4).</summary>
    public static FirewallPolicy Default { get; } = PolicyBuilder.Build(new PolicyOptions());

    public IReadOnlyList<PortRequirement> Requirements { get; }

    /// <summary>Whether rules for the internet are also made for ::/0.</summary>
    public bool Ipv6 { get; }

    /// <summary>The SSH (management) port requirements.</summary>
    public IEnumerable<PortRequirement> Ssh => Requirements.Where(r => r.IsSsh);

    /// <summary>The allow rules that realize the policy.</summary>
    public IReadOnlyList<Rule> DesiredRules() => Requirements.SelectMany(r => r.ToRules()).Distinct().ToList();

    /// <summary>The requirement covering <paramref name="port"/>, if any.</summary>
    public PortRequirement? For(int port) => Requirements.FirstOrDefault(r => r.Ports.Contains(port));

    /// <summary>The policy restricted to the given ports (for <c>--port</c>).</summary>
    public FirewallPolicy Only(IReadOnlyCollection<PortRange> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return new FirewallPolicy(Requirements.Where(r => ports.Any(p => p.Overlaps(r.Ports))), Ipv6);
    }
}
