using OecCloudFw.Core.Planning;

namespace OecCloudFw.Core.Layers;

/// <summary>What <see cref="CloudOpen"/> read, planned and wrote.</summary>
/// <param name="State">The layer as read.</param>
/// <param name="Plan">The plan made from it.</param>
/// <param name="Opened">What the adds wrote; null when nothing was added (a dry run, nothing missing).</param>
/// <param name="Closed">What the removals removed; null when nothing was removed.</param>
/// <param name="StillClosed">Wanted rules the rest of the path still refuses once the plan is applied.</param>
public sealed record CloudOpenResult(CloudLayerState State, CloudLayerPlan Plan, CloudApplyResult? Opened, CloudApplyResult? Closed, IReadOnlyList<StillClosed> StillClosed)
{
    public bool Applied => Opened is not null || Closed is not null;

    /// <summary>The changes as carried out: a rule someone else added meanwhile is reported as kept.</summary>
    public Plan Changes => Opened?.Carried ?? Plan.Changes;

    public IReadOnlyList<string> Created => Opened?.Created ?? [];

    public IReadOnlyList<string> Removed => Closed?.Removed ?? [];
}
