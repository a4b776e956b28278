using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Planning;

/// <summary>Computes the difference between a layer's rules and the rules a policy wants.</summary>
public static class Planner
{
    /// <summary>
    /// Adds what is missing, keeps what is present (an existing allow for the same sources over a wider port range
    /// counts as present), reports the rest as extra, and, only with <paramref name="prune"/>, removes extra rules that
    /// the tool itself created.
    /// </summary>
    public static Plan Build(IEnumerable<Rule> desired, IEnumerable<Rule> current, bool prune = false)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(current);
        var existing = current.Where(r => r.Action == RuleAction.Allow).ToList();
        var wanted = desired.Distinct().ToList();
        var used = new HashSet<Rule>(ReferenceEqualityComparer.Instance);
        var changes = new List<Change>();
        foreach (var want in wanted)
        {
            // A broader rule stands in for a wanted one only when it admits the same sources over a wider port range,
            // is not an every-port or every-protocol rule (a finding to remove: removing it must not cut a wanted
            // port), and is not one of the tool's own rules the policy no longer wants. So restricting the sources of
            // what the tool opened adds the narrow rule, and the broad one becomes extra (removed with prune).
            var cover = existing.FirstOrDefault(r => r.SameMatch(want)) ??
                        existing.FirstOrDefault(r => want.IsCoveredBy(r) && r.Source == want.Source && !r.Ports.IsAll && r.Protocol != Protocol.All &&
                                                     (r.Origin != RuleOrigin.Tool || wanted.Any(r.SameMatch)));
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
