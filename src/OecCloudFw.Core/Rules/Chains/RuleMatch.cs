using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// One match of a chain rule (a protocol, a port, an interface, a conntrack state…). A rule matches when all of its
/// matches hold. Matches on the source narrow the set of sources instead (<see cref="SourceMatch"/>).
/// </summary>
public abstract class RuleMatch
{
    /// <summary>Whether the match holds for the packet, whatever its source.</summary>
    public abstract Ternary Evaluate(PacketContext packet);

    /// <summary>The match's sub-set of <paramref name="sources"/>; null when it cannot be known (an unreadable set).</summary>
    public virtual AddressSet? Narrow(AddressSet sources) => sources;

    /// <summary>
    /// The sources the match certainly holds for and those it may hold for (a service tag, a group's members: whose
    /// addresses are not known); null when it is unknown for every source. By default what <see cref="Narrow"/> says.
    /// </summary>
    public virtual (AddressSet Yes, AddressSet Maybe)? Partition(AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return Narrow(sources) is { } narrowed ? (narrowed, AddressSet.Empty(sources.Family)) : null;
    }

    /// <summary>True for matches that narrow the sources (and so are applied through <see cref="Narrow"/>).</summary>
    public virtual bool OnSource => false;

    /// <summary>When the match holds only under a condition the first packet may not meet later (a rate limit): what to say.</summary>
    public virtual string? Condition => null;

    /// <summary>What to say when the match is unknown for the packet (its <see cref="Condition"/> when not given).</summary>
    public virtual string? UnknownWhy => null;

    /// <summary>
    /// When the match holds, the condition it holds under (a rate limit's); null when holding is holding. Most matches'
    /// <see cref="Condition"/> says only why they may be unknown (an address not read, an untracked packet).
    /// </summary>
    public virtual string? Holding => null;

    /// <summary>
    /// When the match fails for a source's first connection but holds for later ones (a recent list's hit count, a rate
    /// above its limit): what to say, so that a refusing rule makes what passes it admitted only conditionally.
    /// </summary>
    public virtual string? Later => null;
}
