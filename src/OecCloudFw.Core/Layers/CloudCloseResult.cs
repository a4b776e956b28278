using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>What <see cref="CloudClose"/> read, planned and removed.</summary>
/// <param name="State">The layer as read.</param>
/// <param name="Plan">The close: the tool's rules it removes, the other rules that admit what is closed (extra).</param>
/// <param name="Closed">What was removed; null on a dry run or when nothing of the tool's matched.</param>
/// <param name="LeftForeign">Anyone else's rules for exactly what was closed: never removed by the tool.</param>
/// <param name="StillAdmittedBy">Every other rule that still admits some of it (anyone else's, or broader).</param>
/// <param name="StillAdmitted">The layer's verdicts, as the close leaves it, that do not refuse what was closed.</param>
public sealed record CloudCloseResult(
    CloudLayerState State,
    CloudLayerPlan Plan,
    CloudApplyResult? Closed,
    IReadOnlyList<Rule> LeftForeign,
    IReadOnlyList<Rule> StillAdmittedBy,
    IReadOnlyList<LayerVerdict> StillAdmitted)
{
    public bool Applied => Closed is not null;

    /// <summary>The tool's rules the close removes (or removed).</summary>
    public IReadOnlyList<Rule> Removed => [.. Plan.Changes.ToRemove];

    /// <summary>The port is still reachable through this layer after the close, or someone else's rule still names it.</summary>
    public bool StillOpen => StillAdmitted.Count > 0 || StillAdmittedBy.Count > 0;
}
