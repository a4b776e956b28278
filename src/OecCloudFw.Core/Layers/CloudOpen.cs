using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The <c>open</c> verb on any cloud layer (<c>aws open</c>, <c>azure open</c>): one read, the plan to the policy, the
/// adds (idempotent), then with prune the tool's own extras removed, and what the rest of the path still refuses (a
/// subnet's network ACL or NSG, a Deny above), judged on the layer as the plan leaves it.
/// </summary>
public static class CloudOpen
{
    public static async Task<CloudOpenResult> RunAsync(ICloudLayer layer, FirewallPolicy policy, bool prune, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(policy);
        var state = await layer.ReadAsync(cancellationToken);
        var plan = layer.Plan(state, policy, prune);
        CloudApplyResult? opened = null;
        CloudApplyResult? closed = null;
        if (!dryRun && plan.Opens)
        {
            opened = await layer.OpenAsync(plan, cancellationToken);
        }

        if (!dryRun && plan.Closes)
        {
            try
            {
                closed = await layer.CloseAsync(plan, cancellationToken);
            }
            catch (LayerFailureException ex) when (opened is { Created.Count: > 0 })
            {
                // A partial change is said as it is: what was created stays (it is what the policy wants), with its undo.
                throw new LayerFailureException(
                    $"{ex.Message}; already done before that: created {string.Join(", ", opened.Created)} in {layer.Target} (kept: the policy wants it; to undo: {string.Join("; ", layer.UndoCommands(plan, opened))})", ex);
            }
        }

        var planned = layer.PlannedView(state, plan);
        var stillClosed = policy.DesiredRules()
            .Where(r => r.Action == RuleAction.Allow)
            .Select(r =>
            {
                var from = planned.Evaluate(r.Protocol, r.Ports.From, r.Source);
                return (Rule: r, Verdict: from.Admitted ? planned.Evaluate(r.Protocol, r.Ports.To, r.Source) : from);
            })
            .Where(x => !x.Verdict.Admitted)
            .Select(x => new StillClosed(x.Rule, x.Verdict))
            .ToList();
        return new CloudOpenResult(state, plan, opened, closed, stillClosed);
    }
}
