using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Configure;

/// <summary>preflight and configure on one server: facts in one exec, the plan, the rollback-armed apply, the re-run preflight.</summary>
/// <param name="shell">The server.</param>
/// <param name="time">The clock.</param>
/// <param name="remember">The policy file to record on the server as the applied policy (<see cref="AppliedPolicyRecord"/>); null records nothing.</param>
public sealed class ServerConfigurator(IServerShell shell, TimeProvider time, string? remember = null)
{
    /// <summary>
    /// The policy recorded on the server, to use instead of the one given (when the operator gave none), with the note
    /// that says so; returns null to keep the given one. Read from the same facts, in the same exec.
    /// </summary>
    public Func<ServerFacts, (FirewallPolicy Policy, string Note)?>? Remembered { get; init; }

    public async Task<PreflightReport> PreflightAsync(FirewallPolicy policy, CancellationToken cancellationToken = default)
    {
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        return Remembered?.Invoke(facts) is { } chosen ? Preflight(facts, chosen.Policy) with { PolicyNote = chosen.Note } : Preflight(facts, policy);
    }

    public async Task<ConfigureResult> ConfigureAsync(FirewallPolicy policy, bool dryRun, TimeSpan confirmTimeout, string? backend = null, CancellationToken cancellationToken = default) =>
        await ConfigureAsync(policy, dryRun, confirmTimeout, backend, DockerMode.Policy, cancellationToken: cancellationToken);

    /// <param name="policy">The policy.</param>
    /// <param name="dryRun">Plan, change nothing.</param>
    /// <param name="confirmTimeout">How long the server waits for the proof before it restores.</param>
    /// <param name="backend">A forced frontend, or null for the guide's order.</param>
    /// <param name="docker">Docker's published ports.</param>
    /// <param name="allowLockoutRisk">Go on (warned) when the change would not definitely admit the operator's own address to SSH; otherwise refused before anything changes.</param>
    /// <param name="cancellationToken">Cancels the wait, not an armed rollback.</param>
    public async Task<ConfigureResult> ConfigureAsync(FirewallPolicy policy, bool dryRun, TimeSpan confirmTimeout, string? backend, DockerMode docker, bool allowLockoutRisk = false, CancellationToken cancellationToken = default)
    {
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        var chosen = Remembered?.Invoke(facts);
        if (chosen is not null)
        {
            // The policy recorded on the server is applied again as it is: nothing new to record.
            return await new ServerConfigurator(shell, time).ConfigureAsync(facts, chosen.Value.Policy, chosen.Value.Note, dryRun, confirmTimeout, backend, docker, allowLockoutRisk, cancellationToken);
        }

        return await ConfigureAsync(facts, policy, null, dryRun, confirmTimeout, backend, docker, allowLockoutRisk, cancellationToken);
    }

    private async Task<ConfigureResult> ConfigureAsync(
        ServerFacts facts, FirewallPolicy policy, string? note, bool dryRun, TimeSpan confirmTimeout, string? backend, DockerMode docker, bool allowLockoutRisk, CancellationToken cancellationToken)
    {
        var serverPolicy = ServerPolicy.For(policy, facts);
        var plan = ConfigurePlanner.Plan(facts, serverPolicy, backend, docker);
        var before = PreflightCheck.Evaluate(shell.Target, facts, serverPolicy, [.. plan.AllCommands]) with { PolicyNote = note };
        var risk = LockoutCheck.Risk(facts, serverPolicy, !plan.IsNoOp);
        if (dryRun)
        {
            return new ConfigureResult(plan, true, null, "dry run: nothing was changed", before, null) { LockoutRisk = risk };
        }

        if (risk is not null && !allowLockoutRisk)
        {
            throw new Core.Layers.LockoutRiskException($"{shell.Target}: {risk}");
        }

        if (plan.IsNoOp)
        {
            var recorded = await RememberUnchangedAsync(facts, cancellationToken);
            return new ConfigureResult(plan, false, null, "already right: no change made" + recorded, before, before);
        }

        var (applied, outcome, detail, afterFacts) = await ApplyAsync(facts, serverPolicy, plan, confirmTimeout, null, cancellationToken);
        var after = outcome == ApplyOutcome.Confirmed && afterFacts is not null ? Preflight(afterFacts, policy)
            : Preflight(await FactsCollector.CollectAsync(shell, cancellationToken), policy);
        return new ConfigureResult(applied, false, outcome, detail, before, after) { LockoutRisk = risk };
    }

    /// <summary>
    /// Applies a plan made from <paramref name="facts"/>: installs the frontend first (falling back to the next one if
    /// that fails), then the changes under an armed rollback, proven by a new connection. The facts are read again on
    /// the existing connection while the new one is tried (returned when the change is confirmed).
    /// </summary>
    /// <param name="facts">The server as read.</param>
    /// <param name="serverPolicy">The policy as this server needs it.</param>
    /// <param name="plan">The plan made from <paramref name="facts"/>.</param>
    /// <param name="confirmTimeout">How long the server waits for the confirmation before it restores.</param>
    /// <param name="then">Commands applied in the same armed change after the firewall's (sshd hardening).</param>
    /// <param name="cancellationToken">Cancels the wait, not the armed rollback.</param>
    public async Task<(ConfigurePlan Plan, ApplyOutcome Outcome, string Detail, ServerFacts? After)> ApplyAsync(
        ServerFacts facts, ServerPolicy serverPolicy, ConfigurePlan plan, TimeSpan confirmTimeout, IReadOnlyList<string>? then = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Install.Count > 0)
        {
            var installed = await shell.RunScriptAsync(string.Join('\n', plan.Install), cancellationToken);
            if (!installed.Succeeded)
            {
                // UFW cannot be had here: the guide's fallback is firewalld, then iptables.
                var next = plan.Fallbacks.FirstOrDefault(b => b != "ufw") ??
                           throw new Core.LayerFailureException($"{shell.Target}: installing {plan.Backend} failed and there is no fallback: {installed.Stderr.Trim()}");
                plan = ConfigurePlanner.PlanFor(next, facts, serverPolicy, plan.Fallbacks.SkipWhile(b => b != next).Skip(1).ToList(), plan.Docker);
            }
        }

        // The facts are read again on the existing connection while the new connection is being tried.
        ServerFacts? afterFacts = null;
        // The applied policy is recorded last, in the same armed change: a rollback restores the previous record too.
        IReadOnlyList<string> record = remember is null ? [] : [AppliedPolicyRecord.Command(remember)];
        var (outcome, detail) = await new RollbackArmedApply(shell, time, ruleset: new RulesetProof([.. serverPolicy.Ssh])).ApplyAsync([.. plan.Commands, .. then ?? [], .. record], confirmTimeout,
            async () => afterFacts = await FactsCollector.CollectAsync(shell, cancellationToken), cancellationToken);
        if (outcome == ApplyOutcome.Confirmed && record.Count > 0)
        {
            detail += $"; the applied policy is recorded in {AppliedPolicy.Path}";
        }

        return (plan, outcome, detail, afterFacts);
    }

    /// <summary>
    /// A firewall already right still gets the policy recorded when the record differs: no rule changes, so nothing is
    /// armed; the file is written atomically all the same. Returns what to add to the detail.
    /// </summary>
    public async Task<string> RememberUnchangedAsync(ServerFacts facts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (remember is null || !AppliedPolicyRecord.Differs(facts, remember))
        {
            return string.Empty;
        }

        var written = await shell.RunScriptAsync(AppliedPolicyRecord.Command(remember), cancellationToken);
        return written.Succeeded
            ? $"; the applied policy is recorded in {AppliedPolicy.Path}"
            : $"; recording the applied policy in {AppliedPolicy.Path} failed: {written.Stderr.Trim()}";
    }

    private PreflightReport Preflight(ServerFacts facts, FirewallPolicy policy)
    {
        var serverPolicy = ServerPolicy.For(policy, facts);
        return PreflightCheck.Evaluate(shell.Target, facts, serverPolicy, [.. ConfigurePlanner.Plan(facts, serverPolicy, null).AllCommands]);
    }
}
