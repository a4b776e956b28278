using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// One rule of an iptables/nftables chain, reduced to what decides whether a NEW inbound TCP/UDP packet
/// <c>(protocol, destination port, source)</c> arriving on an outside interface matches it.
/// </summary>
public sealed record ChainRule
{
    /// <summary>The protocol matched; null for any.</summary>
    public Protocol? Protocol { get; init; }

    /// <summary>Destination ports matched; null for any. Several for multiport / sets.</summary>
    public IReadOnlyList<PortRange>? Ports { get; init; }

    public bool PortsNegated { get; init; }

    /// <summary>Source networks matched; null for any.</summary>
    public IReadOnlyList<Cidr>? Sources { get; init; }

    public bool SourcesNegated { get; init; }

    /// <summary>True when the rule only matches packets of an established or related connection (never a NEW one).</summary>
    public bool NotNew { get; init; }

    /// <summary>True when the rule only matches loopback traffic (<c>-i lo</c>).</summary>
    public bool LoopbackOnly { get; init; }

    /// <summary>True when the rule can never match a first packet from outside (source port, recent --update, multicast destination…).</summary>
    public bool NeverMatchesNew { get; init; }

    public ChainTarget Target { get; init; }

    /// <summary>For Jump/Goto: the chain.</summary>
    public string? Chain { get; init; }

    /// <summary>The line it came from: evidence.</summary>
    public string Text { get; init; } = string.Empty;

    public bool Matches(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (NotNew || LoopbackOnly || NeverMatchesNew)
        {
            return false;
        }

        if (Protocol is { } p && !p.Covers(protocol))
        {
            return false;
        }

        if (Ports is { } ports && ports.Any(r => r.Contains(port)) == PortsNegated)
        {
            return false;
        }

        if (Sources is { } sources)
        {
            var inside = sources.Any(s => s.Contains(source));
            var outside = !sources.Any(s => s.Overlaps(source));
            if (SourcesNegated ? !outside : !inside)
            {
                return false;
            }
        }

        return true;
    }
}
