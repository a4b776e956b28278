using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Planning;

/// <summary>Computes the difference between a layer's rules and the rules a policy wants.</summary>
public static class Planner
{
    /// <summary>
    /// Adds what is missing, keeps what is present (a broader existing allow counts as present), reports the rest as
    /// extra, and, only with <paramref name="prune"/>, removes extra rules that the tool itself created.
    /// </summary>
    public static Plan Build(IEnumerable<Rule> desired, IEnumerable<Rule> current, bool prune = false)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(current);
        var existing = current.Where(r => r.Action == RuleAction.Allow).ToList();
        var used = new HashSet<Rule>(ReferenceEqualityComparer.Instance);
        var changes = new List<Change>();
        foreach (var want in desired.Distinct())
        {
            var cover = existing.FirstOrDefault(r => r.SameMatch(want)) ?? existing.FirstOrDefault(want.IsCoveredBy);
            if (cover is null)
            {
                changes.Add(new Change(ChangeKind.Add, want));
            }
            else
            {
                used.Add(cover);
                changes.Add(new Change(ChangeKind.Keep, want, cover));
            }
        }

        foreach (var rule in current.Where(r => !used.Contains(r) && r.Origin != RuleOrigin.Default))
        {
            changes.Add(new Change(prune && rule.Origin == RuleOrigin.Tool ? ChangeKind.Remove : ChangeKind.Extra, rule));
        }

        return new Plan(changes);
    }
}
