using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the destination address (<c>-d</c>, <c>ip daddr</c>). The packet goes to one of the server's own
/// addresses: known when they all fall inside (or outside) the match, unknown when the addresses were not read.
/// Multicast and broadcast destinations never hold for a unicast connection.
/// </summary>
public sealed class DestinationMatch(AddressSet? v4, AddressSet? v6, bool negated) : RuleMatch
{
    public static DestinationMatch Of(IReadOnlyList<Cidr> cidrs, bool negated)
    {
        var list = cidrs;
        return new DestinationMatch(AddressSet.Of(IpFamily.IPv4, list), AddressSet.Of(IpFamily.IPv6, list), negated);
    }

    public override string? Condition => "the server address the packet is sent to is not known";

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var set = packet.Family == IpFamily.IPv4 ? v4 : v6;
        Ternary result;
        if (set is null)
        {
            result = Ternary.Unknown;
        }
        else if (set.IsEmpty || set.Intersect(Unicast(packet.Family)).IsEmpty)
        {
            result = Ternary.False;
        }
        else if (packet.Destination is not { IsEmpty: false } destination)
        {
            result = set.IsAll ? Ternary.True : Ternary.Unknown;
        }
        else
        {
            result = set.Contains(destination) ? Ternary.True : set.Overlaps(destination) ? Ternary.Unknown : Ternary.False;
        }

        return !negated || result == Ternary.Unknown ? result : result == Ternary.True ? Ternary.False : Ternary.True;
    }

    private static readonly AddressSet UnicastV4 =
        AddressSet.All(IpFamily.IPv4).Except(AddressSet.Of(IpFamily.IPv4, [Cidr.Parse("224.0.0.0/4"), Cidr.Parse("255.255.255.255/32")]));

    private static readonly AddressSet UnicastV6 = AddressSet.All(IpFamily.IPv6).Except(AddressSet.Of(Cidr.Parse("ff00::/8")));

    private static AddressSet Unicast(IpFamily family) => family == IpFamily.IPv4 ? UnicastV4 : UnicastV6;
}
