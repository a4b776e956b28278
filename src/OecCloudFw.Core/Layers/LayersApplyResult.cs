namespace OecCloudFw.Core.Layers;

/// <summary>What an apply across both layers did, step by step.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Opened">What the cloud layer's first step wrote.</param>
/// <param name="Server">The server's apply.</param>
/// <param name="Closed">What the cloud layer's last step removed.</param>
/// <param name="FailedLayer">The layer that failed (its target), if any.</param>
/// <param name="Failure">Why it failed.</param>
/// <param name="Undo">The provider commands that undo what the cloud step opened, when the apply did not finish.</param>
public sealed record LayersApplyResult(
    LayersApplyOutcome Outcome,
    CloudApplyResult? Opened,
    ServerApplyResult? Server,
    CloudApplyResult? Closed,
    string? FailedLayer,
    string? Failure,
    IReadOnlyList<string> Undo);
