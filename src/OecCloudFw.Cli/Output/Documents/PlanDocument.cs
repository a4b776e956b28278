using OecCloudFw.Core.Layers;

namespace OecCloudFw.Cli.Output.Documents;

/// <summary>
/// JSON of <c>plan</c> (schema oec-cloudfw/plan/v3, with an audit/v3 document; a saved v1 or v2 plan still applies), and the file <c>plan --out</c> saves: the command line it was
/// made with, each layer's state as read (canonical lines and their digest) and its changes, a digest of the changes,
/// and the audit the result would give.
/// </summary>
internal sealed record PlanDocument(
    IReadOnlyList<string> Arguments,
    bool NoChange,
    string PlanDigest,
    CloudPlanView? Cloud,
    ServerPlanView Server,
    AuditDocument Expected)
{
    public string Schema { get; } = "oec-cloudfw/plan/v3";
}

/// <summary>The cloud layer in a plan: its state as read and what the apply would write.</summary>
internal sealed record CloudPlanView(string Target, string Digest, IReadOnlyList<string> State, IReadOnlyList<ChangeView> Changes, IReadOnlyList<string> Writes)
{
    public static CloudPlanView From(CloudLayerState state, CloudLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        return new CloudPlanView(plan.Target, state.Digest, state.Lines, plan.Changes.Changes.Select(ChangeView.From).ToList(), plan.Writes);
    }
}

/// <summary>The server in a plan: its firewall as read and the exact commands the rollback-armed apply would run.</summary>
internal sealed record ServerPlanView(string Target, string Digest, IReadOnlyList<string> State, string Backend, IReadOnlyList<string> Install, IReadOnlyList<string> Commands)
{
    public static ServerPlanView From(ServerLayerState state, ServerLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        return new ServerPlanView(plan.Target, state.Digest, state.Lines, plan.Backend, plan.Install, plan.Commands);
    }
}

/// <summary>JSON of <c>apply</c> (schema oec-cloudfw/apply/v3, with an audit/v3 document): each step, how it ended, and the audit read afterwards.</summary>
internal sealed record ApplyDocument(
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
    public string Schema { get; } = "oec-cloudfw/apply/v3";
}

/// <summary>A layer that moved since its plan was saved: the lines gone and the lines new.</summary>
internal sealed record DriftView(string Target, string PlannedDigest, string LiveDigest, IReadOnlyList<string> Gone, IReadOnlyList<string> New)
{
    public static DriftView From(LayerDrift drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        return new DriftView(drift.Target, drift.PlannedDigest, drift.LiveDigest, drift.Gone, drift.New);
    }
}
