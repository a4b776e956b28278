using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// What happens to a packet before the filter decides, per family: whether the raw table exempts it from connection
/// tracking (iptables <c>-j CT --notrack</c>/<c>NOTRACK</c>, nft <c>notrack</c>: its state is then UNTRACKED, and no
/// nat applies), and whether nat PREROUTING translates its destination (REDIRECT, DNAT, nft redirect/dnat, firewalld's
/// forward-ports): the filter then sees the translated port. Each is read as a chain walk whose "refused" means
/// "untracked" or "translated by this rule", so sources are split exactly as the filter splits them.
/// </summary>
public sealed class Prerouting
{
    private readonly ChainRuleSet? _untracking;
    private readonly ChainRuleSet? _translating;
    private readonly IReadOnlyDictionary<string, NatTarget> _targets;

    private Prerouting(ChainRuleSet? untracking, ChainRuleSet? translating, IReadOnlyDictionary<string, NatTarget> targets)
    {
        _untracking = untracking;
        _translating = translating;
        _targets = targets;
    }

    /// <summary>The untracking and translating walks (each in the kernel's order); null when there is neither.</summary>
    public static Prerouting? From(IEnumerable<ChainRuleSet?> untracking, IEnumerable<ChainRuleSet?> translating, IReadOnlyDictionary<string, NatTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(untracking);
        ArgumentNullException.ThrowIfNull(translating);
        var u = Merge(untracking);
        var t = Merge(translating);
        return u is null && t is null ? null : new Prerouting(u, t, targets);
    }

    /// <summary>The parts of <paramref name="sources"/> and what prerouting does to each.</summary>
    public IReadOnlyList<PreroutingPiece> Evaluate(PacketContext packet, AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(sources);
        var result = new List<PreroutingPiece>();
        IReadOnlyList<VerdictPiece> tracking = _untracking?.EvaluatePieces(packet, sources) ?? [new VerdictPiece(sources, Decision.Admitted, string.Empty)];
        foreach (var piece in tracking)
        {
            if (piece.Region.IsEmpty)
            {
                continue;
            }

            switch (piece.Decision)
            {
                case Decision.Refused:
                    result.Add(new PreroutingPiece(piece.Region, true, null, $"untracked by raw PREROUTING ({piece.Evidence})"));
                    continue;
                case Decision.Indeterminate:
                    result.Add(new PreroutingPiece(piece.Region, false, null, $"whether raw PREROUTING untracks it is not known: {piece.Evidence}", Unknown: true));
                    continue;
            }

            if (_translating is null)
            {
                result.Add(new PreroutingPiece(piece.Region, false, null, null));
                continue;
            }

            foreach (var nat in _translating.EvaluatePieces(packet, piece.Region))
            {
                if (nat.Region.IsEmpty)
                {
                    continue;
                }

                result.Add(nat.Decision switch
                {
                    Decision.Admitted => new PreroutingPiece(nat.Region, false, null, null),
                    Decision.Refused when _targets.TryGetValue(nat.Evidence, out var target) => new PreroutingPiece(nat.Region, false, target, target.Rule),
                    _ => new PreroutingPiece(nat.Region, false, null, $"whether nat PREROUTING translates it is not known: {nat.Evidence}", Unknown: true),
                });
            }
        }

        return result;
    }

    private static ChainRuleSet? Merge(IEnumerable<ChainRuleSet?> sets)
    {
        var list = sets.OfType<ChainRuleSet>().Where(s => s.BaseChains.Count > 0).ToList();
        if (list.Count <= 1)
        {
            return list.Count == 0 ? null : list[0];
        }

        var chains = new Dictionary<string, Chain>(StringComparer.Ordinal);
        foreach (var set in list)
        {
            foreach (var (name, chain) in set.Chains)
            {
                chains[name] = chain;
            }
        }

        return new ChainRuleSet(chains, list.SelectMany(s => s.BaseChains).ToList());
    }
}

/// <summary>
/// Sources that prerouting treats alike: untracked, translated by <paramref name="Translation"/>, neither, or (Unknown)
/// not known, with the rule that makes it so.
/// </summary>
public readonly record struct PreroutingPiece(AddressSet Region, bool Untracked, NatTarget? Translation, string? Evidence, bool Unknown = false);
