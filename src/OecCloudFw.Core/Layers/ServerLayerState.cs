using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Layers;

/// <summary>The server's firewall as read once: what every use case sees of it (the adapter's own facts are in <see cref="ServerLayerState{TFacts}"/>).</summary>
/// <param name="Target">The server.</param>
/// <param name="Lines">The firewall's rules and configuration as read, canonical lines in order (counters left out).</param>
/// <param name="View">What the audit evaluates.</param>
public abstract record ServerLayerState(string Target, IReadOnlyList<string> Lines, ILayerView View)
{
    /// <summary>The digest of <see cref="Lines"/>.</summary>
    public string Digest { get; } = LayerDigest.Of(Lines);
}

/// <summary>The server's firewall as read once, with the adapter's own typed facts (handed back to it by <see cref="ServerLayer{TFacts, TNative}"/>).</summary>
/// <typeparam name="TFacts">The adapter's facts.</typeparam>
public sealed record ServerLayerState<TFacts>(string Target, IReadOnlyList<string> Lines, ILayerView View, TFacts Facts)
    : ServerLayerState(Target, Lines, View)
    where TFacts : class;
