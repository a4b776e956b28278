using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Policy;

/// <summary>One line of a policy: these ports, this protocol, admitted from these sources.</summary>
/// <param name="Ports">The ports.</param>
/// <param name="Protocol">The protocol.</param>
/// <param name="Sources">Where from; the internet is 0.0.0.0/0 (and ::/0 when IPv6 is on).</param>
/// <param name="Description">The description a rule carries, in the guide's words.</param>
/// <param name="Comment">The short comment a server firewall rule carries.</param>
/// <param name="IsSsh">True for the management (SSH) port, which must never be cut.</param>
public sealed record PortRequirement(
    PortRange Ports,
    Protocol Protocol,
    IReadOnlyList<Cidr> Sources,
    string Description,
    string Comment,
    bool IsSsh = false)
{
    /// <summary>The allow rules that realize this requirement, one per source.</summary>
    public IEnumerable<Rule> ToRules() =>
        Sources.Select(source => new Rule(Protocol, Ports, source, RuleAction.Allow, Description, RuleOrigin.Tool));

    /// <summary>True when the requirement admits the whole internet of some family.</summary>
    public bool IsOpenToInternet => Sources.Any(s => s.IsInternet);
}
