using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Plans;
using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Output;
using OecCloudFw.Cli.Output.Documents;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// <c>plan</c> and <c>apply</c>: the policy across both layers in one step. Every layer is read once; the plan shows
/// per layer what would be added, kept, left alone (someone else's) or removed (--prune), and the audit the result
/// would give. Apply opens in the cloud layer first, changes the server lockout-proof, then closes in the cloud layer,
/// and audits what it left. A saved plan is applied only while every layer still matches the digests it recorded.
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
        [Option("out", Description = "Save the plan (JSON, with a digest of every state it read) for apply --plan.")] string? @out = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            (server, cloud, policy) = inventory.Select(server, cloud, policy, context.Environment, context.Providers);
            var wanted = policy.Build();
            var docker = layers.Validate();
            var target = Target(server);
            using var cloudLayer = await CloudLayers.CreateAsync(cloud, context.Environment, null, cancellationToken);
            await using var shell = await inventory.ConnectAsync(target, context.Environment, context.Providers, cancellationToken);
            var serverLayer = new ServerFirewallLayer(shell, TimeProvider.System, layers.Backend, docker, layers.Harden);
            var state = await BothLayers.ReadAsync(cloudLayer?.Layer, serverLayer, cancellationToken);
            var note = Remembered(ref wanted, ref serverLayer, policy, state, shell, layers, docker);
            if (note is not null)
            {
                await context.Error.WriteLineAsync(note);
            }

            var plan = BothLayers.Plan(cloudLayer?.Layer, serverLayer, state, wanted, layers.Prune);
            var plannedCloud = cloudLayer is null || state.Cloud is null || plan.Cloud is null ? null : cloudLayer.Layer.PlannedView(state.Cloud, plan.Cloud);
            var expected = ServerAudit.Evaluate(serverLayer.Target, ServerFirewallLayer.Facts(state.Server), plannedCloud,
                ServerFirewallLayer.Planned(state.Server, plan.Server), wanted, "expected after apply (not probed; apply audits again)");
            var risks = LockoutRisks(state, plan, plannedCloud);
            foreach (var risk in risks)
            {
                // A warning, not a refusal: apply refuses it unless --allow-lockout-risk.
                await context.Error.WriteLineAsync($"warning: {risk}; apply refuses this unless you pass --allow-lockout-risk");
            }

            var document = new PlanDocument(
                SavedArguments(context.Arguments),
                plan.IsNoOp,
                PlanDigest.Of(plan),
                state.Cloud is null || plan.Cloud is null ? null : CloudPlanView.From(state.Cloud, plan.Cloud),
                ServerPlanView.From(state.Server, plan.Server),
                AuditDocuments.Json(expected));
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
                foreach (var risk in risks)
                {
                    renderer.Line($"warning: {risk}");
                }

                renderer.LayersPlan(document);
                renderer.Line("Expected audit after apply:");
                renderer.Audit(expected);
                renderer.Findings(expected.Findings);
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
        [Option("plan", Description = "Apply exactly this saved plan (plan --out): refused with exit 5 if any layer moved since.")] string? planFile = null,
        [Option("confirm-timeout", Description = "Seconds after which the server restores the previous rules unless a new SSH connection has confirmed the change.")] int confirmTimeout = 60,
        [Option("fail-on", Description = "Exit 1 when the audit afterwards has a finding this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("no-probe", Description = "Do not probe the ports over the network in the audit afterwards.")] bool noProbe = false,
        [Option("allow-lockout-risk", Description = "Go on (warned) when the change would not definitely admit your own address to SSH; by default that is refused with exit 4 before anything changes. The armed rollback remains.")] bool allowLockoutRisk = false,
        [Option("output", Description = "table or json.")] string output = "table",
        [Option("verify-plan", Hidden = true)] string? verifyPlan = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            if (confirmTimeout is < 3 or > 3600)
            {
                throw new InvalidInputException("--confirm-timeout must be 3-3600 seconds");
            }

            if (planFile is not null)
            {
                return await ApplySavedAsync(planFile, cancellationToken);
            }

            (server, cloud, policy) = inventory.Select(server, cloud, policy, context.Environment, context.Providers);
            var wanted = policy.Build();
            var docker = layers.Validate();
            var target = Target(server);
            var saved = verifyPlan is null ? null : SavedPlan.Load(verifyPlan);
            using var cloudLayer = await CloudLayers.CreateAsync(cloud, context.Environment, null, cancellationToken);
            await using var shell = await inventory.ConnectAsync(target, context.Environment, context.Providers, cancellationToken);
            var serverLayer = new ServerFirewallLayer(shell, TimeProvider.System, layers.Backend, docker, layers.Harden);
            var state = await BothLayers.ReadAsync(cloudLayer?.Layer, serverLayer, cancellationToken);
            if (Remembered(ref wanted, ref serverLayer, policy, state, shell, layers, docker) is { } note)
            {
                await context.Error.WriteLineAsync(note);
            }

            var plan = BothLayers.Plan(cloudLayer?.Layer, serverLayer, state, wanted, layers.Prune);
            if (saved is not null)
            {
                if (!saved.Intact)
                {
                    // The file's changes are not the ones its digest was made of: what was reviewed is not what would run.
                    return await EditedAsync(format, saved, PlanDigest.Lines(plan));
                }

                var drift = BothLayers.Drift(saved.Cloud, saved.Server, state);
                if (drift.Count > 0 || PlanDigest.Of(plan) != saved.PlanDigest)
                {
                    return await StaleAsync(format, saved, drift);
                }
            }

            // The operator's own SSH access after the change, named before anything changes.
            var risks = LockoutRisks(state, plan, cloudLayer is null || state.Cloud is null || plan.Cloud is null ? null : cloudLayer.Layer.PlannedView(state.Cloud, plan.Cloud));
            if (risks.Count > 0 && !allowLockoutRisk)
            {
                throw new LockoutRiskException(string.Join("; ", risks));
            }

            foreach (var risk in risks)
            {
                await context.Error.WriteLineAsync($"warning: {risk}; going on (--allow-lockout-risk): the armed rollback remains");
            }

            var result = await BothLayers.ApplyAsync(cloudLayer?.Layer, serverLayer, plan, TimeSpan.FromSeconds(confirmTimeout), cancellationToken);
            // The audit reads both layers again; the server over the connection already open.
            using var cache = new CloudReadCache();
            var audit = result.Outcome is LayersApplyOutcome.Applied or LayersApplyOutcome.CloudCloseFailed
                ? await new ServerAudit(context.Environment, context.Providers, cache) { Route = inventory.Route(context.Environment, context.Providers) }.RunAsync(target.Target, cloud, wanted, !noProbe, TimeSpan.FromSeconds(2), null, shell, cancellationToken: cancellationToken)
                : null;
            return await ReportAsync(format, PlanDigest.Of(plan), result, audit, threshold);
        }, cancellationToken);

    private async Task<int> ApplySavedAsync(string planFile, CancellationToken cancellationToken)
    {
        var others = context.Arguments.Skip(1).Where(a => a.StartsWith('-') && !ApplyOwnFlags.Contains(a.Split('=')[0])).ToList();
        if (others.Count > 0)
        {
            throw new InvalidInputException($"apply --plan applies the plan's own targets and policy: {string.Join(' ', others)} cannot be given with it");
        }

        var saved = SavedPlan.Load(planFile);
        var own = new List<string>();
        for (var i = 1; i < context.Arguments.Count; i++)
        {
            var flag = context.Arguments[i].Split('=')[0];
            if (flag == "--plan")
            {
                i += context.Arguments[i].Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            own.Add(context.Arguments[i]);
        }

        return await CliApp.RunAsync(["apply", .. saved.Arguments, .. own, "--verify-plan", planFile], context, cancellationToken);
    }

    /// <summary>A saved plan whose changes were edited after it was saved: refused (exit 5), naming the lines that differ from the plan made now.</summary>
    private async Task<int> EditedAsync(OutputFormat format, SavedPlan saved, List<string> now)
    {
        var differences = new List<string>();
        for (var i = 0; i < Math.Max(saved.Lines.Count, now.Count) && differences.Count < 5; i++)
        {
            var (file, planned) = (i < saved.Lines.Count ? saved.Lines[i] : null, i < now.Count ? now[i] : null);
            if (file != planned)
            {
                differences.Add(file is null ? $"missing from the file: '{planned}'" : planned is null ? $"added in the file: '{file}'" : $"the file says '{file}' where the plan says '{planned}'");
            }
        }

        var what = differences.Count > 0 ? string.Join("; ", differences) : "its digest does not match its changes";
        if (format == OutputFormat.Json)
        {
            Json.Write(context.Output, new ApplyDocument("stale-plan", saved.PlanDigest, [], null, null, [], null, $"the plan file was edited after it was saved: {what}", [], [], null));
        }

        await context.Error.WriteLineAsync($"error: the plan file was edited after it was saved (its changes no longer match its digest): {what}; nothing was changed: run plan --out again and review it");
        return ExitCodes.StalePlan;
    }

    private async Task<int> StaleAsync(OutputFormat format, SavedPlan saved, IReadOnlyList<LayerDrift> drift)
    {
        if (format == OutputFormat.Json)
        {
            Json.Write(context.Output, new ApplyDocument("stale-plan", saved.PlanDigest, [], null, null, [], null,
                drift.Count > 0 ? "a layer moved since the plan was made" : "the policy or the flags give another plan than the one saved", [], drift.Select(DriftView.From).ToList(), null));
        }
        else
        {
            var renderer = new HumanRenderer(context.Console);
            foreach (var layer in drift)
            {
                renderer.Line($"{layer.Target} moved since the plan was made ({layer.PlannedDigest[..15]}… now {layer.LiveDigest[..15]}…):");
                foreach (var line in layer.Summary())
                {
                    renderer.Line($"  {line}");
                }
            }
        }

        await context.Error.WriteLineAsync(drift.Count > 0
            ? $"error: the plan is stale: {string.Join(", ", drift.Select(d => d.Target))} moved since it was made; nothing was changed: run plan again and review it"
            : "error: the plan is stale: the policy (or a file it names) now gives another plan than the one saved; nothing was changed: run plan again and review it");
        return ExitCodes.StalePlan;
    }

    private async Task<int> ReportAsync(OutputFormat format, string planDigest, LayersApplyResult result, Core.Audit.AuditReport? audit, Core.Audit.Severity? threshold)
    {
        if (format == OutputFormat.Json)
        {
            Json.Write(context.Output, new ApplyDocument(
                Outcome(result.Outcome), planDigest, result.Opened?.Created ?? [], result.Server?.Outcome.ToString().ToLowerInvariant(), result.Server?.Detail,
                result.Closed?.Removed ?? [], result.FailedLayer, result.Failure, result.Undo, [], audit is null ? null : AuditDocuments.Json(audit)));
        }
        else
        {
            var renderer = new HumanRenderer(context.Console);
            renderer.LayersApply(result);
            if (audit is not null)
            {
                renderer.Line("Audit after apply:");
                renderer.Audit(audit);
                renderer.Findings(audit.Findings);
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

    /// <summary>
    /// The policy: without --policy or a policy flag, the one recorded on the server (its note returned); else the one
    /// given, which the server layer records when it applies it.
    /// </summary>
    private static string? Remembered(ref Core.Policy.FirewallPolicy wanted, ref ServerFirewallLayer serverLayer, ServerPolicyFlags policy, LayersState state,
        Server.Shells.IServerShell shell, LayersFlags layers, Server.Backends.DockerMode docker)
    {
        var chosen = RememberedPolicy.Choose(policy, ServerFirewallLayer.Facts(state.Server), shell.Target);
        wanted = chosen?.Policy ?? wanted;
        serverLayer = new ServerFirewallLayer(shell, TimeProvider.System, layers.Backend, docker, layers.Harden,
            chosen is null ? RememberedPolicy.Record(wanted, policy, TimeProvider.System) : null);
        return chosen?.Note;
    }

    /// <summary>
    /// Where the operator's own address (the server's view of this SSH session; locally, the session the tool runs in)
    /// would not be definitely admitted to SSH after the plan: the server layer as planned, and the cloud layer's
    /// planned view when there is one.
    /// </summary>
    private static List<string> LockoutRisks(LayersState state, LayersPlan plan, Core.Audit.ILayerView? plannedCloud)
    {
        var risks = new List<string>();
        if (plan.Server.LockoutRisk is { } server)
        {
            risks.Add($"{plan.Server.Target}: {server}");
        }

        var facts = ServerFirewallLayer.Facts(state.Server);
        if (plannedCloud is not null && plan.Cloud is { IsNoOp: false } && LockoutCheck.Operator(facts) is { } address &&
            LockoutCheck.Risk(plannedCloud, facts.SshPorts, address) is { } cloud)
        {
            risks.Add($"{plan.Cloud.Target}: {cloud}");
        }

        return risks;
    }

    private static string Outcome(LayersApplyOutcome outcome) => outcome switch
    {
        LayersApplyOutcome.Applied => "applied",
        LayersApplyOutcome.CloudOpenFailed => "cloud-open-failed",
        LayersApplyOutcome.ServerFailed => "server-failed",
        LayersApplyOutcome.ServerRolledBack => "server-rolled-back",
        _ => "cloud-close-failed",
    };

    private static ServerTarget Target(ServerTarget server)
    {
        if (server.Host is null && !server.Local)
        {
            throw new InvalidInputException("name the server: --host HOST (over SSH) or --local (this machine)");
        }

        return server;
    }

    /// <summary>The plan's command line without its verb and its output flags: what apply --plan runs again.</summary>
    private static List<string> SavedArguments(IReadOnlyList<string> arguments)
    {
        var saved = new List<string>();
        for (var i = 1; i < arguments.Count; i++)
        {
            var flag = arguments[i].Split('=')[0];
            if (flag is "--out" or "--output")
            {
                i += arguments[i].Contains('=', StringComparison.Ordinal) ? 0 : 1;
                continue;
            }

            saved.Add(arguments[i]);
        }

        return saved;
    }
}
