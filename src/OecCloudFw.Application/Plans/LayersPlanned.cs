using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Application.Plans;

/// <summary>What <see cref="PlanLayers"/> found: both layers as read, the plan, and what it would give.</summary>
/// <param name="Targets">The targets planned.</param>
/// <param name="Options">The options planned with.</param>
/// <param name="Policy">The policy planned to (the given one, or the one recorded on the server).</param>
/// <param name="Record">What the server's applied-policy record will say the policy came from; null: nothing recorded.</param>
/// <param name="PolicyNote">Said when the server's recorded policy stands instead of the defaults.</param>
/// <param name="State">Both layers as read.</param>
/// <param name="Plan">The plan.</param>
/// <param name="PlannedCloud">The cloud layer as the plan leaves it, when there is one.</param>
/// <param name="Expected">The audit the result would give (not probed).</param>
/// <param name="LockoutRisks">Where the operator's own address would not be definitely admitted to SSH afterwards.</param>
public sealed record LayersPlanned(
    LayersTargets Targets,
    LayersOptions Options,
    FirewallPolicy Policy,
    string? Record,
    string? PolicyNote,
    LayersState State,
    LayersPlan Plan,
    ILayerView? PlannedCloud,
    AuditReport Expected,
    IReadOnlyList<string> LockoutRisks)
{
    /// <summary>The server layer the plan was made with (it applies it); set by <see cref="PlanLayers"/>.</summary>
    internal IServerLayer ServerLayer { get; init; } = null!;

    /// <summary>The digest of what the plan changes (and of the states it was made from).</summary>
    public string Digest => PlanDigest.Of(Plan);

    /// <summary>The plan as a file saves it: everything apply --plan needs, typed.</summary>
    public SavedPlan Save(Core.IEnvironment environment) => new(
        SavedPlan.CurrentSchema,
        Plan.IsNoOp,
        Digest,
        Targets.Save(environment),
        SavedPolicy.From(Policy, Record),
        Options.Save(),
        new SavedServerPlan(Plan.Server.Target, State.Server.Digest, State.Server.Lines, Plan.Server.Backend, Plan.Server.Install, Plan.Server.Commands),
        State.Cloud is null || Plan.Cloud is null ? null : new SavedCloudPlan(Plan.Cloud.Target, State.Cloud.Digest, State.Cloud.Lines, Plan.Cloud.Writes));
}
