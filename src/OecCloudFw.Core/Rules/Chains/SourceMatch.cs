using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the source address: a CIDR list, a range, or a set (ipset, nft set) whose members were read. A set
/// that could not be read is unknown.
/// </summary>
public sealed class SourceMatch(AddressSet? v4, AddressSet? v6, bool negated, string? unknownWhy = null) : RuleMatch
{
    public bool Negated => negated;

    public override bool OnSource => true;

    public override string? Condition => unknownWhy;

    public static SourceMatch Of(IReadOnlyList<Cidr> cidrs, bool negated)
    {
        ArgumentNullException.ThrowIfNull(cidrs);
        if (cidrs.Count == 1)
        {
            // The common case (one -s per rule, thousands of rules): no sorting, no list.
            var one = AddressSet.Of(cidrs[0]);
            return one.Family == IpFamily.IPv4
                ? new SourceMatch(one, AddressSet.Empty(IpFamily.IPv6), negated)
                : new SourceMatch(AddressSet.Empty(IpFamily.IPv4), one, negated);
        }

        return new SourceMatch(AddressSet.Of(IpFamily.IPv4, cidrs), AddressSet.Of(IpFamily.IPv6, cidrs), negated);
    }

    public static SourceMatch Unreadable(string why, bool negated) => new(null, null, negated, why);

    public AddressSet? Set(IpFamily family) => family == IpFamily.IPv4 ? v4 : v6;

    public override Ternary Evaluate(PacketContext packet) => Ternary.True;

    public override AddressSet? Narrow(AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var set = Set(sources.Family);
        if (set is null)
        {
            return null;
        }

        return negated ? sources.Except(set) : sources.Intersect(set);
    }
}
