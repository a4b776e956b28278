using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>What happens to the packets from one part of the sources, and which rule decided.</summary>
public sealed record VerdictPiece(AddressSet Region, Decision Decision, string Evidence, string? Condition = null)
{
    /// <summary>
    /// Sums pieces up: the decision of the largest share of the sources (admitted on a tie: exposure is what an audit
    /// must not miss), with the other parts named as exceptions.
    /// </summary>
    public static ChainVerdict Summarize(IReadOnlyList<VerdictPiece> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var real = pieces.Where(p => !p.Region.IsEmpty).ToList();
        if (real.Count == 0)
        {
            return new ChainVerdict(Decision.Indeterminate, "no source to evaluate");
        }

        var shares = real.GroupBy(p => p.Decision).Select(g => (Decision: g.Key, Share: g.Sum(p => p.Region.Fraction))).ToList();
        var best = shares.Max(s => s.Share);
        var winner = shares.Where(s => s.Share >= best * (1 - 1e-12)).Select(s => s.Decision)
            .OrderBy(d => d switch { Decision.Admitted => 0, Decision.Indeterminate => 1, _ => 2 }).First();
        var main = real.Where(p => p.Decision == winner).OrderByDescending(p => p.Region.Fraction).First();
        var others = real.Where(p => p.Decision != winner).ToList();
        string? exceptions = null;
        if (others.Count > 0)
        {
            exceptions = string.Join("; ", others.Take(3).Select(p => $"{Word(p.Decision)} from {p.Region} by {p.Evidence}")) +
                         (others.Count > 3 ? $"; and {others.Count - 3} more" : string.Empty);
        }

        return new ChainVerdict(winner, main.Evidence, exceptions, main.Condition);
    }

    /// <summary>
    /// A packet passes two filters in a row only if both admit it: refused anywhere is refused; admitted by the first
    /// goes on to the second; indeterminate stays so unless the second refuses. What both admit is said by
    /// <paramref name="admittedBy"/> (the first's evidence, the second's): the first's alone by default.
    /// </summary>
    public static IReadOnlyList<VerdictPiece> Then(IReadOnlyList<VerdictPiece> first, Func<AddressSet, IReadOnlyList<VerdictPiece>> next, Func<string, string, string>? admittedBy = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(next);
        var result = new List<VerdictPiece>();
        foreach (var piece in first)
        {
            if (piece.Decision == Decision.Refused || piece.Region.IsEmpty)
            {
                result.Add(piece);
                continue;
            }

            foreach (var after in next(piece.Region))
            {
                result.Add(piece.Decision == Decision.Admitted || after.Decision == Decision.Refused
                    ? after with { Evidence = after.Decision == Decision.Admitted ? admittedBy?.Invoke(piece.Evidence, after.Evidence) ?? piece.Evidence : after.Evidence, Condition = after.Condition ?? piece.Condition }
                    : piece with { Region = after.Region });
            }
        }

        return result;
    }

    private static string Word(Decision decision) => decision switch
    {
        Decision.Admitted => "admitted",
        Decision.Refused => "refused",
        _ => "indeterminate",
    };
}
