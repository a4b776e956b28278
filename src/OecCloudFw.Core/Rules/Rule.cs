using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules;

/// <summary>
/// A normalized inbound rule of any layer: which packets <c>(protocol, port, source)</c> it matches and what it does.
/// </summary>
/// <param name="Protocol">The protocol it matches.</param>
/// <param name="Ports">The destination ports it matches; "all" for icmp and for AWS's protocol -1.</param>
/// <param name="Source">The source network it matches.</param>
/// <param name="Action">Allow or deny.</param>
/// <param name="Description">The provider's description or comment.</param>
/// <param name="Origin">Whether the tool created it.</param>
/// <param name="Id">The provider's id for the rule (sgr-…, rule name, line), when it has one.</param>
public sealed record Rule(
    Protocol Protocol,
    PortRange Ports,
    Cidr Source,
    RuleAction Action = RuleAction.Allow,
    string? Description = null,
    RuleOrigin Origin = RuleOrigin.Foreign,
    string? Id = null)
{
    public IpFamily Family => Source.Family;

    /// <summary>True when the rule matches a packet to <paramref name="port"/> from every address of <paramref name="source"/>.</summary>
    public bool Matches(Protocol protocol, int port, Cidr source) =>
        Protocol.Covers(protocol) && Ports.Contains(port) && Source.Contains(source);

    /// <summary>True when every packet this rule's allow would admit is also admitted by <paramref name="other"/>.</summary>
    public bool IsCoveredBy(Rule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Action == Action && other.Protocol.Covers(Protocol) && other.Ports.Contains(Ports) && other.Source.Contains(Source);
    }

    /// <summary>Same packets matched, whatever the description, origin or id.</summary>
    public bool SameMatch(Rule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Protocol == Protocol && other.Ports == Ports && other.Source == Source && other.Action == Action;
    }

    public override string ToString() =>
        $"{Action.ToString().ToLowerInvariant()} {Protocol.ToName()}/{Ports} from {Source}";
}
