using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on a port list (<c>--dport</c>, multiport, nft sets, conntrack's <c>--ctorigdstport</c>). The destination
/// port is the packet's; the source port of a client is one of Linux's ephemeral ports (32768-60999), so a source-port
/// match is known only when the range covers all of them or none.
/// </summary>
public sealed class PortMatch(IReadOnlyList<PortRange> ranges, bool negated, PortField portField = PortField.Destination) : RuleMatch
{
    /// <summary>Linux's default ip_local_port_range.</summary>
    public static PortRange Ephemeral { get; } = new(32768, 60999);

    public IReadOnlyList<PortRange> Ranges => ranges;

    public bool Negated => negated;

    public PortField Field => portField;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Protocol is not (Protocol.Tcp or Protocol.Udp))
        {
            return Ternary.False;
        }

        Ternary result;
        if (portField is PortField.Destination or PortField.OriginalDestination)
        {
            result = Ternary.False;
            var port = portField == PortField.OriginalDestination && packet.Original is { } original ? original.Port : packet.Port;
            for (var i = 0; i < ranges.Count; i++)
            {
                if (ranges[i].Contains(port))
                {
                    result = Ternary.True;
                    break;
                }
            }
        }
        else
        {
            var source = packet.SourcePort is { } known ? new PortRange(known, known) : Ephemeral;
            var covering = ranges.Any(r => r.Contains(source));
            var touching = ranges.Any(r => r.From <= source.To && r.To >= source.From);
            result = covering ? Ternary.True : touching ? Ternary.Unknown : Ternary.False;
            if (portField == PortField.Either)
            {
                result = ranges.Any(r => r.Contains(packet.Port)) ? Ternary.True : result;
            }
        }

        return !negated || result == Ternary.Unknown ? result : result == Ternary.True ? Ternary.False : Ternary.True;
    }
}

/// <summary>Which port a <see cref="PortMatch"/> looks at.</summary>
public enum PortField
{
    Destination,
    Source,

    /// <summary>multiport's <c>--ports</c>: source or destination.</summary>
    Either,

    /// <summary>The destination port the packet arrived with, before nat PREROUTING translated it (<c>--ctorigdstport</c>).</summary>
    OriginalDestination,
}
