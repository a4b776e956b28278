using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The typed side of the <see cref="ICloudLayer"/> seam: an adapter works on its own snapshot and plan types, and the
/// use cases hand back only what this layer read and planned (a state or plan of another layer is refused here, once,
/// not cast in every method). Layers hold no state between calls: everything a later step needs is in the state, the
/// plan or the apply result.
/// </summary>
/// <typeparam name="TSnapshot">What one read holds.</typeparam>
/// <typeparam name="TNative">What one plan holds.</typeparam>
public abstract class CloudLayer<TSnapshot, TNative> : ICloudLayer
    where TSnapshot : class
    where TNative : class
{
    public abstract string Target { get; }

    /// <inheritdoc cref="ICloudLayer.ReadAsync"/>
    public abstract Task<CloudLayerState<TSnapshot>> ReadAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ICloudLayer.Plan"/>
    public abstract CloudLayerPlan<TNative> Plan(CloudLayerState<TSnapshot> state, FirewallPolicy policy, bool prune);

    /// <inheritdoc cref="ICloudLayer.PlanClose"/>
    public abstract CloudLayerPlan<TNative> PlanClose(CloudLayerState<TSnapshot> state, CloseSelection selection);

    /// <inheritdoc cref="ICloudLayer.PlannedView"/>
    public abstract ILayerView PlannedView(CloudLayerState<TSnapshot> state, CloudLayerPlan<TNative> plan);

    /// <inheritdoc cref="ICloudLayer.Findings"/>
    public abstract IReadOnlyList<Finding> Findings(CloudLayerState<TSnapshot> state);

    /// <inheritdoc cref="ICloudLayer.Fixes"/>
    public abstract IReadOnlyList<Fix> Fixes(CloudLayerState<TSnapshot> state, FixKind kind, int port, IReadOnlyList<Cidr> sources);

    /// <inheritdoc cref="ICloudLayer.OpenAsync"/>
    public abstract Task<CloudApplyResult> OpenAsync(CloudLayerPlan<TNative> plan, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ICloudLayer.CloseAsync"/>
    public abstract Task<CloudApplyResult> CloseAsync(CloudLayerPlan<TNative> plan, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ICloudLayer.UndoCommands"/>
    public abstract IReadOnlyList<string> UndoCommands(CloudLayerPlan<TNative> plan, CloudApplyResult opened);

    async Task<CloudLayerState> ICloudLayer.ReadAsync(CancellationToken cancellationToken) => await ReadAsync(cancellationToken).ConfigureAwait(false);

    public CloudLayerPlan<TNative> Plan(CloudLayerState state, FirewallPolicy policy, bool prune) => Plan(Own(state), policy, prune);

    public CloudLayerPlan<TNative> PlanClose(CloudLayerState state, CloseSelection selection) => PlanClose(Own(state), selection);

    public ILayerView PlannedView(CloudLayerState state, CloudLayerPlan plan) => PlannedView(Own(state), NativeOf(plan));

    public IReadOnlyList<Finding> Findings(CloudLayerState state) => Findings(Own(state));

    public IReadOnlyList<Fix> Fixes(CloudLayerState state, FixKind kind, int port, IReadOnlyList<Cidr> sources) => Fixes(Own(state), kind, port, sources);

    public Task<CloudApplyResult> OpenAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default) => OpenAsync(NativeOf(plan), cancellationToken);

    public Task<CloudApplyResult> CloseAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default) => CloseAsync(NativeOf(plan), cancellationToken);

    public IReadOnlyList<string> UndoCommands(CloudLayerPlan plan, CloudApplyResult opened) => UndoCommands(NativeOf(plan), opened);

    /// <inheritdoc cref="ICloudLayer.Written"/>
    public virtual IReadOnlyList<string> Written(CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return opened.Created;
    }

    /// <inheritdoc cref="ICloudLayer.RemoveCommand"/>
    public string? RemoveCommand(CloudLayerState state, Rules.Rule rule) => RemoveCommand(Own(state), rule);

    /// <inheritdoc cref="ICloudLayer.RemoveCommand"/>
    protected virtual string? RemoveCommand(CloudLayerState<TSnapshot> state, Rules.Rule rule) => null;

    CloudLayerPlan ICloudLayer.Plan(CloudLayerState state, FirewallPolicy policy, bool prune) => Plan(Own(state), policy, prune);

    CloudLayerPlan ICloudLayer.PlanClose(CloudLayerState state, CloseSelection selection) => PlanClose(Own(state), selection);

    /// <summary>The adapter's own plan inside a plan this kind of layer made (another layer's plan is refused).</summary>
    protected static CloudLayerPlan<TNative> NativeOf(CloudLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan as CloudLayerPlan<TNative> ?? throw new ArgumentException($"a plan made by another kind of layer ({plan.Target}) was handed to a {typeof(TNative).DeclaringType?.Name ?? typeof(TNative).Name}", nameof(plan));
    }

    /// <summary>The adapter's own snapshot inside a state this kind of layer read (another layer's state is refused).</summary>
    protected static CloudLayerState<TSnapshot> SnapshotOf(CloudLayerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state as CloudLayerState<TSnapshot> ?? throw new ArgumentException($"a state read by another kind of layer ({state.Target}) was handed to a {typeof(TSnapshot).DeclaringType?.Name ?? typeof(TSnapshot).Name}", nameof(state));
    }

    private static CloudLayerState<TSnapshot> Own(CloudLayerState state) => SnapshotOf(state);
}
