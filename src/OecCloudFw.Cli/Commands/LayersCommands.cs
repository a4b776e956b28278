using OecCloudFw.Application.Plans;
using OecCloudFw.Application.Policies;
using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Audit;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// <c>plan</c> and <c>apply</c>: the policy across both layers in one step, as the application layer's use cases
/// (<see cref="PlanLayers"/>, <see cref="ApplyLayers"/>) do it; here the flags are parsed and the results rendered.
/// </summary>
internal sealed class LayersCommands(CliContext context)
{
    private static readonly string[] ApplyOwnFlags = ["--plan", "--confirm-timeout", "--fail-on", "--output", "--no-probe", "--allow-lockout-risk"];

    [Command("plan", Description = "Show what apply would change in the cloud layer and on the server, and the audit the result would give; change nothing. --out saves it for apply --plan.")]
    public Task<int> Plan(
        ServerTarget server,
        ServerPolicyFlags policy,
        CloudFlags cloud,
        InventoryFlags inventory,
        LayersFlags layers,
        [Option("out", Description = "Save the plan (JSON: the targets, the policy, every state read with its digest, the changes with theirs) for apply --plan.")] string? @out = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var (targets, wanted, options) = Inputs(server, policy, cloud, inventory, layers);
            var planned = await new PlanLayers(context.Environment, context.Providers, TimeProvider.System, Record)
                .RunAsync(targets, wanted, options, cancellationToken);
            if (planned.PolicyNote is { } note)
            {
                await context.Error.WriteLineAsync(note);
            }

            foreach (var risk in planned.LockoutRisks)
            {
                // A warning, not a refusal: apply refuses it unless --allow-lockout-risk.
                await context.Error.WriteLineAsync($"warning: {risk}; apply refuses this unless you pass --allow-lockout-risk");
            }

            var document = PlanDocument.From(planned.Save(context.Environment), planned.Plan.Cloud, AuditDocuments.Json(planned.Expected));
            if (@out is not null)
            {
                await using var file = new StreamWriter(@out);
                Json.Write(file, document);
            }

            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, document);
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                foreach (var risk in planned.LockoutRisks)
                {
                    renderer.Line($"warning: {risk}");
                }

                renderer.LayersPlan(document);
                renderer.Line("Expected audit after apply:");
                renderer.Audit(AuditRunDocuments.Server(planned.Expected, null));
                if (@out is not null)
                {
                    renderer.Line($"Saved to {@out}: apply it with oec-cloudfw apply --plan {@out}");
                }
            }

            return ExitCodes.Ok;
        }, cancellationToken);

    [Command("apply", Description = "Plan and apply in one go across the cloud layer and the server (or apply --plan FILE exactly): cloud opens first, the server lockout-proof, cloud removals last; then audit.")]
    public Task<int> Apply(
        ServerTarget server,
        ServerPolicyFlags policy,
        CloudFlags cloud,
        InventoryFlags inventory,
        LayersFlags layers,
        [Option("plan", Description = "Apply exactly this saved plan (plan --out): refused with exit 5 if it was edited, a layer moved since, or its policy now plans otherwise.")] string? planFile = null,
        [Option("confirm-timeout", Description = "Seconds after which the server restores the previous rules unless a new SSH connection has confirmed the change.")] int confirmTimeout = 60,
        [Option("fail-on", Description = "Exit 1 when the audit afterwards has a finding this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("no-probe", Description = "Do not probe the ports over the network in the audit afterwards.")] bool noProbe = false,
        [Option("allow-lockout-risk", Description = "Go on (warned) when the change would not definitely admit your own address to SSH; by default that is refused with exit 4 before anything changes. The armed rollback remains.")] bool allowLockoutRisk = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var confirm = ConfirmTimeout.Parse(confirmTimeout);

            // Notes and warnings as they come (before the change they are about), on standard error.
            var apply = new ApplyOptions(confirm, allowLockoutRisk, !noProbe, context.Error.WriteLine);
            var useCase = new ApplyLayers(context.Environment, context.Providers, TimeProvider.System, Record);
            LayersApplied applied;
            if (planFile is not null)
            {
                var others = context.Arguments.Skip(1).Where(a => a.StartsWith('-') && !ApplyOwnFlags.Contains(a.Split('=')[0])).ToList();
                if (others.Count > 0)
                {
                    throw new InvalidInputException($"apply --plan applies the plan's own targets, policy and options: {string.Join(' ', others)} cannot be given with it");
                }

                applied = await useCase.RunSavedAsync(SavedPlan.Load(planFile), planFile, apply, cancellationToken);
            }
            else
            {
                var (targets, wanted, options) = Inputs(server, policy, cloud, inventory, layers);
                applied = await useCase.RunAsync(targets, wanted, options, apply, cancellationToken);
            }

            return applied.Refusal is { } refusal
                ? await RefusedAsync(format, applied.PlanDigest, refusal)
                : await ReportAsync(format, applied.PlanDigest, applied.Result!, applied.Audit, threshold);
        }, cancellationToken);

    /// <summary>The use cases' inputs from the flags (or the inventory entry they select), validated before anything is read.</summary>
    private (LayersTargets Targets, PolicyInput Policy, LayersOptions Options) Inputs(ServerTarget server, ServerPolicyFlags policy, CloudFlags cloud, InventoryFlags inventory, LayersFlags layers)
    {
        (server, cloud, policy) = inventory.Select(server, cloud, policy, context.Environment, context.Providers);
        var wanted = policy.Build();
        var docker = layers.Validate();
        if (server.Host is null && !server.Local)
        {
            throw new InvalidInputException("name the server: --host HOST (over SSH) or --local (this machine)");
        }

        var entry = inventory.Inventory is null ? null : new SavedInventoryEntry(Path.GetFullPath(inventory.Inventory), inventory.Server!);
        var given = policy.Given;
        return (new LayersTargets(server.Target, cloud, entry),
            new PolicyInput(wanted, given.Origin, (facts, where) => RememberedPolicy.Choose(given, facts, where)),
            new LayersOptions(layers.Backend, docker, layers.Harden, layers.Prune));
    }

    private static string Record(Core.Policy.FirewallPolicy policy, string origin) => RememberedPolicy.Record(policy, origin, CliApp.Version, TimeProvider.System);

    /// <summary>A saved plan refused (exit 5): the differing lines, or what moved, and that nothing was changed.</summary>
    private async Task<int> RefusedAsync(OutputFormat format, string planDigest, SavedPlanRefusal refusal)
    {
        if (format == OutputFormat.Json)
        {
            Json.Write(context.Output, ApplyDocument.Stale(planDigest, refusal.Reason, refusal.Drift));
        }
        else
        {
            var renderer = new HumanRenderer(context.Console);
            foreach (var layer in refusal.Drift)
            {
                renderer.Line($"{layer.Target} moved since the plan was made ({layer.PlannedDigest[..15]}… now {layer.LiveDigest[..15]}…):");
                foreach (var line in layer.Summary())
                {
                    renderer.Line($"  {line}");
                }
            }
        }

        await context.Error.WriteLineAsync(refusal.Error);
        return ExitCodes.StalePlan;
    }

    private async Task<int> ReportAsync(OutputFormat format, string planDigest, LayersApplyResult result, Core.Audit.AuditReport? audit, Core.Audit.Severity? threshold)
    {
        if (format == OutputFormat.Json)
        {
            Json.Write(context.Output, ApplyDocument.From(planDigest, result, audit is null ? null : AuditDocuments.Json(audit)));
        }
        else
        {
            var renderer = new HumanRenderer(context.Console);
            renderer.LayersApply(result);
            if (audit is not null)
            {
                renderer.Line("Audit after apply:");
                renderer.Audit(AuditRunDocuments.Server(audit, null));
            }
        }

        if (result.Failure is not null)
        {
            await context.Error.WriteLineAsync($"error: {result.FailedLayer}: {result.Failure}");
        }

        return result.Outcome switch
        {
            LayersApplyOutcome.ServerRolledBack => ExitCodes.RolledBack,
            LayersApplyOutcome.CloudOpenFailed or LayersApplyOutcome.ServerFailed or LayersApplyOutcome.CloudCloseFailed => ExitCodes.LayerFailure,
            _ => FailOn.ExitCode(audit?.Findings ?? [], threshold),
        };
    }
}
