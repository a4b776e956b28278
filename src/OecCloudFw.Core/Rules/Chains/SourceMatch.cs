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

    public override (AddressSet Yes, AddressSet Maybe)? Partition(AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var set = Set(sources.Family);
        if (set is null)
        {
            return null;
        }

        var maybe = sources.Intersect(Maybe(sources.Family));
        var yes = negated ? sources.Except(set).Except(maybe) : sources.Intersect(set);
        return (yes, maybe);
    }

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

    /// <summary>
    /// A source whose members are known only in part: certainly <paramref name="yes"/>, perhaps <paramref name="maybe"/>
    /// (a service tag's or a security group's addresses, which are not read), never the rest.
    /// </summary>
    public static SourceMatch Partly(IReadOnlyList<Cidr> yes, IReadOnlyList<Cidr> maybe, string why)
    {
        ArgumentNullException.ThrowIfNull(yes);
        ArgumentNullException.ThrowIfNull(maybe);
        return new SourceMatch(AddressSet.Of(IpFamily.IPv4, yes), AddressSet.Of(IpFamily.IPv6, yes), false, why)
        {
            MaybeV4 = AddressSet.Of(IpFamily.IPv4, maybe).Except(AddressSet.Of(IpFamily.IPv4, yes)),
            MaybeV6 = AddressSet.Of(IpFamily.IPv6, maybe).Except(AddressSet.Of(IpFamily.IPv6, yes)),
        };
    }

    private AddressSet? MaybeV4 { get; init; }

    private AddressSet? MaybeV6 { get; init; }

    /// <summary>The addresses the match may or may not hold (unknown membership); empty when it is exact.</summary>
    public AddressSet Maybe(IpFamily family) => (family == IpFamily.IPv4 ? MaybeV4 : MaybeV6) ?? AddressSet.Empty(family);

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
