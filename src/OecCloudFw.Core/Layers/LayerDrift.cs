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

    /// <summary>
    /// What moved, for a person: "- line" for each line gone, "+ line" for each new one, in the layer's own terms, at
    /// most <paramref name="max"/> lines (then "… N more lines moved"), a very long line shortened.
    /// </summary>
    public IReadOnlyList<string> Summary(int max = 40)
    {
        var moved = Gone.Select(l => $"- {l}").Concat(New.Select(l => $"+ {l}")).ToList();
        var shown = moved.Take(moved.Count > max ? max - 1 : max).Select(l => l.Length > LongLine ? $"{l[..(LongLine - 1)]}…" : l).ToList();
        if (moved.Count > shown.Count)
        {
            shown.Add($"… {moved.Count - shown.Count} more lines moved (--output json lists them all)");
        }

        return shown;
    }

    private const int LongLine = 240;
}
