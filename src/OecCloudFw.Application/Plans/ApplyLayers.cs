using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Providers;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// The apply use case, for a plan made now and for a saved one: in the order that never cuts access (the cloud layer
/// first for what opens, the server lockout-proof, then the cloud layer's removals), then the audit of what it left.
/// A saved plan is applied only when its file is intact (its changes give its digest), every layer still reads as it
/// did (the same digests), and a plan made now from its saved policy gives exactly its changes, line for line.
/// </summary>
/// <param name="environment">Where settings and credentials are read.</param>
/// <param name="providers">The registered cloud providers.</param>
/// <param name="time">The clock.</param>
/// <param name="record">The text of the server's applied-policy record: the policy and what it came from.</param>
public sealed class ApplyLayers(IEnvironment environment, IReadOnlyList<ICloudProvider> providers, TimeProvider time, Func<FirewallPolicy, string, string> record)
{
    /// <summary>Plans and applies in one go.</summary>
    public async Task<LayersApplied> RunAsync(LayersTargets targets, PolicyInput policy, LayersOptions options, ApplyOptions apply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apply);
        await using var session = await LayersSession.OpenAsync(targets, environment, providers, cancellationToken);
        var planned = await new PlanLayers(environment, providers, time, record).PlanAsync(session, policy, options, cancellationToken);
        return await ApplyAsync(session, planned, apply, cancellationToken);
    }

    /// <summary>Applies a saved plan exactly, or refuses it (<see cref="LayersApplied.Refusal"/>) before anything changes.</summary>
    /// <param name="saved">The plan as read back.</param>
    /// <param name="file">Where it was read from, for messages.</param>
    /// <param name="apply">How to apply.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<LayersApplied> RunSavedAsync(SavedPlan saved, string file, ApplyOptions apply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(apply);
        // Everything the file names is checked before anything is read.
        var targets = LayersTargets.From(saved.Targets, providers, file);
        var options = LayersOptions.From(saved.Options, file);
        var policy = new PolicyInput(saved.Policy.ToPolicy(file), saved.Policy.Record);
        await using var session = await LayersSession.OpenAsync(targets, environment, providers, cancellationToken);
        var planned = await new PlanLayers(environment, providers, time, record).PlanAsync(session, policy, options, cancellationToken);
        var now = PlanDigest.Lines(planned.Plan);
        if (!saved.Intact)
        {
            // What was reviewed is not what would run: named against the plan made now from the same policy.
            return new LayersApplied(saved.PlanDigest, null, null, null,
                new SavedPlanRefusal(SavedPlanRefusalKind.Edited, Differences(saved.Lines, now, "the file says", "the plan says"), []));
        }

        var drift = BothLayers.Drift(saved.CloudState, saved.ServerState, planned.State);
        if (drift.Count > 0)
        {
            return new LayersApplied(saved.PlanDigest, null, null, null, new SavedPlanRefusal(SavedPlanRefusalKind.Moved, [], drift));
        }

        if (!now.SequenceEqual(saved.Lines, StringComparer.Ordinal))
        {
            // The layers read as they did, the file is intact, yet its policy now plans otherwise (another version of
            // the tool, a setting the digest does not cover): the saved changes are not applied blind.
            return new LayersApplied(saved.PlanDigest, null, null, null,
                new SavedPlanRefusal(SavedPlanRefusalKind.Replanned, Differences(saved.Lines, now, "the file says", "a plan made now says"), []));
        }

        // The changes applied are the saved ones: the plan made now equals them line for line (its own typed plan is
        // what the layers take back).
        return await ApplyAsync(session, planned, apply, cancellationToken);
    }

    private async Task<LayersApplied> ApplyAsync(LayersSession session, LayersPlanned planned, ApplyOptions apply, CancellationToken cancellationToken)
    {
        if (planned.PolicyNote is { } note)
        {
            apply.Note?.Invoke(note);
        }

        // The operator's own SSH access after the change, named before anything changes.
        if (planned.LockoutRisks.Count > 0 && !apply.AllowLockoutRisk)
        {
            throw new LockoutRiskException(string.Join("; ", planned.LockoutRisks));
        }

        foreach (var risk in planned.LockoutRisks)
        {
            apply.Note?.Invoke($"warning: {risk}; going on (--allow-lockout-risk): the armed rollback remains");
        }

        var result = await BothLayers.ApplyAsync(session.Cloud?.Layer, planned.ServerLayer, planned.Plan, apply.ConfirmTimeout, cancellationToken);
        // The audit reads both layers again; the server over the connection already open.
        using var cache = new CloudReadCache();
        var audit = result.Outcome is LayersApplyOutcome.Applied or LayersApplyOutcome.CloudCloseFailed
            ? await new ServerAudit(environment, providers, cache) { Route = session.Route }
                .RunAsync(session.Targets.Server, session.Targets.Cloud, planned.Policy, apply.Probe, TimeSpan.FromSeconds(2), null, session.Shell, cancellationToken: cancellationToken)
            : null;
        return new LayersApplied(planned.Digest, planned, result, audit, null);
    }

    /// <summary>The first lines (at most five) where a saved plan and another differ, each said once.</summary>
    private static List<string> Differences(IReadOnlyList<string> file, List<string> now, string fileSays, string nowSays)
    {
        var differences = new List<string>();
        for (var i = 0; i < Math.Max(file.Count, now.Count) && differences.Count < 5; i++)
        {
            var (saved, planned) = (i < file.Count ? file[i] : null, i < now.Count ? now[i] : null);
            if (saved != planned)
            {
                differences.Add(saved is null ? $"missing from the file: '{planned}'"
                    : planned is null ? $"added in the file: '{saved}'"
                    : $"{fileSays} '{saved}' where {nowSays} '{planned}'");
            }
        }

        return differences;
    }
}

/// <summary>How to apply.</summary>
/// <param name="ConfirmTimeout">After this, the server restores its previous rules unless a new SSH connection confirmed the change.</param>
/// <param name="AllowLockoutRisk">Go on (warned) when the operator's own address would not be definitely admitted to SSH.</param>
/// <param name="Probe">Probe the ports over the network in the audit afterwards.</param>
/// <param name="Note">Told each note and warning as it comes (the policy used, a lockout risk gone on with).</param>
public sealed record ApplyOptions(TimeSpan ConfirmTimeout, bool AllowLockoutRisk = false, bool Probe = true, Action<string>? Note = null);

/// <summary>What an apply did, or why a saved plan was refused before anything changed.</summary>
/// <param name="PlanDigest">The plan's digest (the saved one when refused).</param>
/// <param name="Planned">The plan applied.</param>
/// <param name="Result">Each step and how it ended.</param>
/// <param name="Audit">The audit read afterwards (when the server's change stood).</param>
/// <param name="Refusal">Why a saved plan was not applied; nothing was changed then.</param>
public sealed record LayersApplied(string PlanDigest, LayersPlanned? Planned, LayersApplyResult? Result, Core.Audit.AuditReport? Audit, SavedPlanRefusal? Refusal);

/// <summary>Why a saved plan was refused (exit 5).</summary>
public enum SavedPlanRefusalKind
{
    /// <summary>The file's changes no longer give its digest: edited after review.</summary>
    Edited,

    /// <summary>A layer moved since the plan was made (its digest differs).</summary>
    Moved,

    /// <summary>The layers read as they did, but a plan made now from the saved policy differs.</summary>
    Replanned,
}

/// <summary>A saved plan refused: the lines that differ, or the layers that moved.</summary>
/// <param name="Kind">Why.</param>
/// <param name="Differences">The differing lines, said for a person ("the file says '…' where the plan says '…'").</param>
/// <param name="Drift">The layers that moved, with the lines gone and new.</param>
public sealed record SavedPlanRefusal(SavedPlanRefusalKind Kind, IReadOnlyList<string> Differences, IReadOnlyList<LayerDrift> Drift)
{
    /// <summary>Why the plan was refused, as apply's document says it.</summary>
    public string Reason => Kind switch
    {
        SavedPlanRefusalKind.Edited => $"the plan file was edited after it was saved: {DifferencesOr("its digest does not match its changes")}",
        SavedPlanRefusalKind.Moved => "a layer moved since the plan was made",
        _ => $"its policy now gives another plan than the one saved: {DifferencesOr("the plans differ")}",
    };

    /// <summary>The error line: why, that nothing was changed, and what to do.</summary>
    public string Error => Kind switch
    {
        SavedPlanRefusalKind.Edited => $"error: the plan file was edited after it was saved (its changes no longer match its digest): {DifferencesOr("its digest does not match its changes")}; nothing was changed: run plan --out again and review it",
        SavedPlanRefusalKind.Moved => $"error: the plan is stale: {string.Join(", ", Drift.Select(d => $"{d.Target} moved since it was made (its state was {d.PlannedDigest}, now {d.LiveDigest})"))}; nothing was changed: run plan again and review it",
        _ => $"error: the plan is stale: the layers read as saved, but its policy now gives another plan: {DifferencesOr("the plans differ")}; nothing was changed: run plan again and review it",
    };

    private string DifferencesOr(string none) => Differences.Count > 0 ? string.Join("; ", Differences) : none;
}
