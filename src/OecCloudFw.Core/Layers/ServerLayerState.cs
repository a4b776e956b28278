using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Layers;

/// <summary>The server's firewall as read once.</summary>
/// <param name="Target">The server.</param>
/// <param name="Lines">The firewall's rules and configuration as read, canonical lines in order (counters left out).</param>
/// <param name="View">What the audit evaluates.</param>
/// <param name="Facts">The adapter's own facts, handed back to it by <see cref="IServerLayer.Plan"/>.</param>
public sealed record ServerLayerState(string Target, IReadOnlyList<string> Lines, ILayerView View, object Facts)
{
    /// <summary>The digest of <see cref="Lines"/>.</summary>
    public string Digest { get; } = LayerDigest.Of(Lines);
}
