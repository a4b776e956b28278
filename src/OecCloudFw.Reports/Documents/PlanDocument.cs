using OecCloudFw.Application.Plans;
using OecCloudFw.Core.Layers;

namespace OecCloudFw.Reports.Documents;

/// <summary>
/// JSON of <c>plan</c> (schema oec-cloudfw/plan/v4, with an audit/v4 document; a saved v3 plan still applies), and the file <c>plan --out</c> saves:
/// the saved plan (<see cref="SavedPlan"/>: the targets, the policy as data, the options, each layer's state as read and
/// its changes, a digest of the changes) with, for the review, each cloud change and the audit the result would give.
/// <c>apply --plan</c> reads the file back as a <see cref="SavedPlan"/> (the review's fields are not read).
/// </summary>
public sealed record PlanDocument(
    bool NoChange,
    string PlanDigest,
    SavedTargets Targets,
    SavedPolicy Policy,
    SavedOptions Options,
    CloudPlanView? Cloud,
    SavedServerPlan Server,
    AuditDocument Expected)
{
    public string Schema { get; } = SavedPlan.CurrentSchema;

    public static PlanDocument From(SavedPlan saved, CloudLayerPlan? cloud, AuditDocument expected)
    {
        ArgumentNullException.ThrowIfNull(saved);
        return new PlanDocument(saved.NoChange, saved.PlanDigest, saved.Targets, saved.Policy, saved.Options,
            saved.Cloud is { } c && cloud is not null ? new CloudPlanView(c.Target, c.Digest, c.State, [.. cloud.Changes.Changes.Select(ChangeView.From)], c.Writes) : null,
            saved.Server, expected);
    }
}

/// <summary>The cloud layer in a plan: its state as read, each change for the review, and what the apply would write.</summary>
public sealed record CloudPlanView(string Target, string Digest, IReadOnlyList<string> State, IReadOnlyList<ChangeView> Changes, IReadOnlyList<string> Writes);

/// <summary>JSON of <c>apply</c> (schema oec-cloudfw/apply/v4, with an audit/v4 document): each step, how it ended, and the audit read afterwards.</summary>
public sealed record ApplyDocument(
    string Outcome,
    string PlanDigest,
    IReadOnlyList<string> CloudCreated,
    string? ServerOutcome,
    string? ServerDetail,
    IReadOnlyList<string> CloudRemoved,
    string? FailedLayer,
    string? Failure,
    IReadOnlyList<string> Undo,
    IReadOnlyList<DriftView> Drift,
    AuditDocument? Audit)
{
    public string Schema { get; } = "oec-cloudfw/apply/v4";

    /// <summary>What an apply across both layers did, step by step, and the audit read afterwards (null: none).</summary>
    public static ApplyDocument From(string planDigest, LayersApplyResult result, AuditDocument? audit)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ApplyDocument(OutcomeName(result.Outcome), planDigest, result.Opened?.Created ?? [], result.Server?.Outcome.ToString().ToLowerInvariant(), result.Server?.Detail,
            result.Closed?.Removed ?? [], result.FailedLayer, result.Failure, result.Undo, [], audit);
    }

    /// <summary>A saved plan refused: <paramref name="why"/>, and each layer that moved since the plan was made.</summary>
    public static ApplyDocument Stale(string planDigest, string why, IEnumerable<LayerDrift> drift) =>
        new("stale-plan", planDigest, [], null, null, [], null, why, [], [.. drift.Select(DriftView.From)], null);

    private static string OutcomeName(LayersApplyOutcome outcome) => outcome switch
    {
        LayersApplyOutcome.Applied => "applied",
        LayersApplyOutcome.CloudOpenFailed => "cloud-open-failed",
        LayersApplyOutcome.ServerFailed => "server-failed",
        LayersApplyOutcome.ServerRolledBack => "server-rolled-back",
        _ => "cloud-close-failed",
    };
}

/// <summary>A layer that moved since its plan was saved: the lines gone and the lines new.</summary>
public sealed record DriftView(string Target, string PlannedDigest, string LiveDigest, IReadOnlyList<string> Gone, IReadOnlyList<string> New)
{
    public static DriftView From(LayerDrift drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        return new DriftView(drift.Target, drift.PlannedDigest, drift.LiveDigest, drift.Gone, drift.New);
    }
}
