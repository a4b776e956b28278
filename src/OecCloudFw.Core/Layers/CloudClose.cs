using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The <c>close</c> verb on any cloud layer (<c>aws close</c>, <c>azure close</c>): one read, the tool's own matching
/// rules removed (or narrowed), anyone else's left and named, and whether the port is still admitted, judged on the
/// layer as the close leaves it.
/// </summary>
public static class CloudClose
{
    public static async Task<CloudCloseResult> RunAsync(ICloudLayer layer, CloseSelection selection, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(selection);
        var state = await layer.ReadAsync(cancellationToken);
        var plan = layer.PlanClose(state, selection);
        var closed = !dryRun && plan.Closes ? await layer.CloseAsync(plan, cancellationToken) : null;
        var view = layer.PlannedView(state, plan);
        IReadOnlyList<Cidr> from = selection.Sources.Count > 0 ? selection.Sources : [Cidr.AnyIPv4, Cidr.AnyIPv6];
        var still = selection.Ports
            .SelectMany(p => new[] { p.From, p.To }.Distinct())
            .SelectMany(port => from.Select(source => view.Evaluate(selection.Protocol, port, source)))
            .Where(v => v.Decision != Decision.Refused)
            .DistinctBy(v => v.Evidence)
            .ToList();
        var extra = plan.Changes.Extra.ToList();
        return new CloudCloseResult(state, plan, closed, extra.Where(r => r.Origin != RuleOrigin.Tool && selection.MatchesExactly(r)).ToList(), extra, still);
    }
}
