namespace OecCloudFw.Core.Layers;

/// <summary>A layer's state as a saved plan recorded it: its target, its canonical lines and their digest.</summary>
public sealed record SavedLayerState(string Target, string Digest, IReadOnlyList<string> Lines);
