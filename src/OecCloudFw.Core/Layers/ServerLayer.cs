using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The typed side of the <see cref="IServerLayer"/> seam, as <see cref="CloudLayer{TSnapshot, TNative}"/> is for the
/// clouds: an adapter works on its own facts and plan types; a state or plan of another layer is refused here, once.
/// </summary>
/// <typeparam name="TFacts">What one read holds.</typeparam>
/// <typeparam name="TNative">What one plan holds.</typeparam>
public abstract class ServerLayer<TFacts, TNative> : IServerLayer
    where TFacts : class
    where TNative : class
{
    public abstract string Target { get; }

    /// <inheritdoc cref="IServerLayer.ReadAsync"/>
    public abstract Task<ServerLayerState<TFacts>> ReadAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc cref="IServerLayer.Plan"/>
    public abstract ServerLayerPlan<TNative> Plan(ServerLayerState<TFacts> state, FirewallPolicy policy);

    /// <inheritdoc cref="IServerLayer.ApplyAsync"/>
    public abstract Task<ServerApplyResult> ApplyAsync(ServerLayerPlan<TNative> plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default);

    async Task<ServerLayerState> IServerLayer.ReadAsync(CancellationToken cancellationToken) => await ReadAsync(cancellationToken).ConfigureAwait(false);

    public ServerLayerPlan<TNative> Plan(ServerLayerState state, FirewallPolicy policy) => Plan(FactsOf(state), policy);

    ServerLayerPlan IServerLayer.Plan(ServerLayerState state, FirewallPolicy policy) => Plan(FactsOf(state), policy);

    public Task<ServerApplyResult> ApplyAsync(ServerLayerPlan plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default) =>
        ApplyAsync(NativeOf(plan), confirmTimeout, cancellationToken);

    /// <summary>The adapter's own facts inside a state this kind of layer read (another layer's state is refused).</summary>
    protected static ServerLayerState<TFacts> FactsOf(ServerLayerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state as ServerLayerState<TFacts> ?? throw new ArgumentException($"a state read by another kind of server layer ({state.Target}) was handed to a {typeof(TFacts).Name} layer", nameof(state));
    }

    /// <summary>The adapter's own plan inside a plan this kind of layer made (another layer's plan is refused).</summary>
    protected static ServerLayerPlan<TNative> NativeOf(ServerLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan as ServerLayerPlan<TNative> ?? throw new ArgumentException($"a plan made by another kind of server layer ({plan.Target}) was handed to a {typeof(TNative).Name} layer", nameof(plan));
    }
}
