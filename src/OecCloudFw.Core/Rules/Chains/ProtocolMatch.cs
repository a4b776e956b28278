using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the layer-4 protocol by name or number (<c>-p tcp</c>, <c>meta l4proto { icmp, ipv6-icmp }</c>): an
/// ICMP-only rule never matches a TCP packet.
/// </summary>
public sealed class ProtocolMatch(IReadOnlyList<string> names, bool negated) : RuleMatch
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["6"] = "tcp",
        ["17"] = "udp",
        ["1"] = "icmp",
        ["58"] = "icmpv6",
        ["ipv6-icmp"] = "icmpv6",
        ["icmp6"] = "icmpv6",
        ["132"] = "sctp",
        ["50"] = "esp",
        ["51"] = "ah",
        ["47"] = "gre",
        ["136"] = "udplite",
        ["33"] = "dccp",
    };

    private readonly HashSet<string> _names = names.Select(Canonical).ToHashSet(StringComparer.Ordinal);

    private readonly bool _any = names.Any(n => n is "all" or "0");

    public static string Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.Trim().ToLowerInvariant();
        return Aliases.GetValueOrDefault(lower, lower);
    }

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_any)
        {
            return negated ? Ternary.False : Ternary.True;
        }

        var name = packet.Protocol switch
        {
            Protocol.Tcp => "tcp",
            Protocol.Udp => "udp",
            Protocol.Icmp => packet.Family == IpFamily.IPv4 ? "icmp" : "icmpv6",
            _ => null,
        };
        if (name is null)
        {
            return Ternary.Unknown;
        }

        return _names.Contains(name) != negated ? Ternary.True : Ternary.False;
    }
}
