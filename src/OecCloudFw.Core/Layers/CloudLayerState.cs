using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Layers;

/// <summary>A cloud layer as read once.</summary>
/// <param name="Target">What was read.</param>
/// <param name="Lines">Every rule read, one canonical line each (sorted where order means nothing): what a saved plan's digest covers and what a stale plan's diff shows.</param>
/// <param name="View">What the audit evaluates.</param>
/// <param name="Snapshot">The adapter's own snapshot, handed back to it by <see cref="ICloudLayer.Plan"/>.</param>
public sealed record CloudLayerState(string Target, IReadOnlyList<string> Lines, ILayerView View, object Snapshot)
{
    /// <summary>The digest of <see cref="Lines"/>: a saved plan is applied only while it still matches.</summary>
    public string Digest { get; } = LayerDigest.Of(Lines);
}
