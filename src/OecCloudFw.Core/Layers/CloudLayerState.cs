using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Layers;

/// <summary>A cloud layer as read once: what every use case sees of it (the adapter's own snapshot is in <see cref="CloudLayerState{TSnapshot}"/>).</summary>
/// <param name="Target">What was read.</param>
/// <param name="Lines">Every rule read, one canonical line each (sorted where order means nothing): what a saved plan's digest covers and what a stale plan's diff shows.</param>
/// <param name="View">What the audit evaluates.</param>
public abstract record CloudLayerState(string Target, IReadOnlyList<string> Lines, ILayerView View)
{
    /// <summary>The digest of <see cref="Lines"/>: a saved plan is applied only while it still matches.</summary>
    public string Digest { get; } = LayerDigest.Of(Lines);
}

/// <summary>A cloud layer as read once, with the adapter's own typed snapshot (handed back to it by <see cref="CloudLayer{TSnapshot, TNative}"/>).</summary>
/// <typeparam name="TSnapshot">The adapter's snapshot.</typeparam>
public sealed record CloudLayerState<TSnapshot>(string Target, IReadOnlyList<string> Lines, ILayerView View, TSnapshot Snapshot)
    : CloudLayerState(Target, Lines, View)
    where TSnapshot : class;
