using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Providers;

/// <summary>A cloud layer and the client it owns (disposed with it; none when the run's cache owns the client).</summary>
public sealed class OwningLayer(ICloudLayer layer, IDisposable? owned) : ICloudLayer, IDisposable
{
    /// <summary>The layer itself (an adapter's verbs ask it for what only it knows).</summary>
    public ICloudLayer Inner => layer;

    public string Target => layer.Target;

    public Task<CloudLayerState> ReadAsync(CancellationToken cancellationToken = default) => layer.ReadAsync(cancellationToken);

    public CloudLayerPlan Plan(CloudLayerState state, FirewallPolicy policy, bool prune) => layer.Plan(state, policy, prune);

    public CloudLayerPlan PlanClose(CloudLayerState state, CloseSelection selection) => layer.PlanClose(state, selection);

    public ILayerView PlannedView(CloudLayerState state, CloudLayerPlan plan) => layer.PlannedView(state, plan);

    public IReadOnlyList<Finding> Findings(CloudLayerState state) => layer.Findings(state);

    public IReadOnlyList<Fix> Fixes(CloudLayerState state, FixKind kind, int port, IReadOnlyList<Cidr> sources) => layer.Fixes(state, kind, port, sources);

    public Task<CloudApplyResult> OpenAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default) => layer.OpenAsync(plan, cancellationToken);

    public Task<CloudApplyResult> CloseAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default) => layer.CloseAsync(plan, cancellationToken);

    public IReadOnlyList<string> UndoCommands(CloudLayerPlan plan, CloudApplyResult opened) => layer.UndoCommands(plan, opened);

    public IReadOnlyList<string> Written(CloudApplyResult opened) => layer.Written(opened);

    public string? RemoveCommand(CloudLayerState state, Rules.Rule rule) => layer.RemoveCommand(state, rule);

    public void Dispose()
    {
        owned?.Dispose();
        (layer as IDisposable)?.Dispose();
    }
}
