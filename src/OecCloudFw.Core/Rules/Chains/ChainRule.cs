using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// One rule of an iptables/nftables chain: its matches (all must hold), its target and the text it came from. Every
/// match is modelled three-valued; a match the parser does not understand is kept as an unknown match, never dropped.
/// </summary>
public sealed record ChainRule
{
    public IReadOnlyList<RuleMatch> Matches { get; init; } = [];

    public ChainTarget Target { get; init; }

    /// <summary>For Jump/Goto: the chain.</summary>
    public string? Chain { get; init; }

    /// <summary>The line it came from: evidence.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>
    /// Splits <paramref name="sources"/> into the addresses for which this rule certainly matches and those for which
    /// whether it matches is unknown; the rest certainly do not match.
    /// </summary>
    public RuleSplit Split(PacketContext packet, AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(sources);
        var unknown = false;
        string? later = null;
        string? condition = null;
        string? why = null;
        // Indexed loops: this runs for every rule of every evaluation (an interface enumerator would allocate each time).
        var matches = Matches;
        var sourceMatches = 0;
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            if (match.OnSource)
            {
                sourceMatches++;
                continue;
            }

            switch (match.Evaluate(packet))
            {
                case Ternary.False when match.Later is { } after:
                    // Not for this connection, but for a later one from the same source: the rule still counts.
                    later ??= after;
                    break;
                case Ternary.False:
                    return new RuleSplit(AddressSet.Empty(sources.Family), AddressSet.Empty(sources.Family), null, null);
                case Ternary.Unknown:
                    unknown = true;
                    why ??= match.UnknownWhy ?? match.Condition;
                    break;
                default:
                    condition ??= match.Holding;
                    break;
            }
        }

        // Source matches narrow the sources: certainly (yes) or perhaps (maybe: an unread set, a service tag).
        var selected = sources;
        var maybe = AddressSet.Empty(sources.Family);
        for (var i = 0; i < matches.Count && sourceMatches > 0; i++)
        {
            var match = matches[i];
            if (!match.OnSource)
            {
                continue;
            }

            var all = maybe.IsEmpty ? selected : selected.Union(maybe);
            if (match.Partition(all) is { } part)
            {
                maybe = part.Maybe.IsEmpty && maybe.IsEmpty
                    ? maybe
                    : maybe.Intersect(part.Yes.Union(part.Maybe)).Union(selected.Intersect(part.Maybe));
                selected = selected.Intersect(part.Yes);
                if (!maybe.IsEmpty)
                {
                    why ??= match.Condition;
                }
            }
            else
            {
                maybe = all;
                selected = AddressSet.Empty(sources.Family);
                why ??= match.Condition;
            }

            if (selected.IsEmpty && maybe.IsEmpty)
            {
                break;
            }
        }

        if (later is not null)
        {
            var none = AddressSet.Empty(sources.Family);
            return new RuleSplit(none, none, null, null) { Later = maybe.IsEmpty ? selected : selected.Union(maybe), LaterWhy = later };
        }

        return unknown
            ? new RuleSplit(AddressSet.Empty(sources.Family), maybe.IsEmpty ? selected : selected.Union(maybe), condition, why ?? "a match the tool does not model")
            : new RuleSplit(selected, maybe, condition, maybe.IsEmpty ? null : why ?? "a match the tool does not model");
    }
}

/// <summary>
/// The sources a rule matches for certain, those it may match, the condition of a match and why it may; and the
/// sources it matches only for later connections (<see cref="RuleMatch.Later"/>), with what to say.
/// </summary>
public readonly record struct RuleSplit(AddressSet Yes, AddressSet Unknown, string? Condition, string? UnknownWhy)
{
    public AddressSet? Later { get; init; }

    public string? LaterWhy { get; init; }
}
