namespace OecCloudFw.Core.Layers;

/// <summary>Both layers as read once, in parallel.</summary>
/// <param name="Cloud">The cloud layer, when one was given.</param>
/// <param name="Server">The server.</param>
public sealed record LayersState(CloudLayerState? Cloud, ServerLayerState Server);
