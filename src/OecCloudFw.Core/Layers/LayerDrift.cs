namespace OecCloudFw.Core.Layers;

/// <summary>How one layer moved since a plan was made: the lines that are gone and the lines that are new.</summary>
public sealed record LayerDrift(string Target, string PlannedDigest, string LiveDigest, IReadOnlyList<string> Gone, IReadOnlyList<string> New)
{
    public static LayerDrift Between(SavedLayerState saved, string target, IReadOnlyList<string> live, string liveDigest)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(live);
        var now = live.ToHashSet(StringComparer.Ordinal);
        var then = saved.Lines.ToHashSet(StringComparer.Ordinal);
        return new LayerDrift(target, saved.Digest, liveDigest, saved.Lines.Where(l => !now.Contains(l)).ToList(), live.Where(l => !then.Contains(l)).ToList());
    }
}
