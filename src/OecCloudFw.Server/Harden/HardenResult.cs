using OecCloudFw.Server.SafeApply;

namespace OecCloudFw.Server.Harden;

/// <summary>What <c>server harden</c> did.</summary>
/// <param name="Commands">The exact commands (run under an armed rollback, or printed on a dry run).</param>
/// <param name="DryRun">Nothing was changed.</param>
/// <param name="Outcome">Confirmed, rolled back or failed and restored; null when there was nothing to do or on a dry run.</param>
/// <param name="Detail">What happened, in words.</param>
public sealed record HardenResult(IReadOnlyList<string> Commands, bool DryRun, ApplyOutcome? Outcome, string Detail);
