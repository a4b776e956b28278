using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Configure;

/// <summary>preflight and configure on one server: facts in one exec, the plan, the rollback-armed apply, the re-run preflight.</summary>
public sealed class ServerConfigurator(IServerShell shell, TimeProvider time)
{
    public async Task<PreflightReport> PreflightAsync(FirewallPolicy policy, CancellationToken cancellationToken = default)
    {
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        return Preflight(facts, policy);
    }

    public async Task<ConfigureResult> ConfigureAsync(FirewallPolicy policy, bool dryRun, TimeSpan confirmTimeout, string? backend = null, CancellationToken cancellationToken = default) =>
        await ConfigureAsync(policy, dryRun, confirmTimeout, backend, DockerMode.Policy, cancellationToken);

    public async Task<ConfigureResult> ConfigureAsync(FirewallPolicy policy, bool dryRun, TimeSpan confirmTimeout, string? backend, DockerMode docker, CancellationToken cancellationToken = default)
    {
        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        var serverPolicy = ServerPolicy.For(policy, facts);
        var plan = ConfigurePlanner.Plan(facts, serverPolicy, backend, docker);
        var before = PreflightCheck.Evaluate(shell.Target, facts, serverPolicy, [.. plan.AllCommands]);
        if (dryRun)
        {
            return new ConfigureResult(plan, true, null, "dry run: nothing was changed", before, null);
        }

        if (plan.IsNoOp)
        {
            return new ConfigureResult(plan, false, null, "already right: no change made", before, before);
        }

        var (applied, outcome, detail, afterFacts) = await ApplyAsync(facts, serverPolicy, plan, confirmTimeout, null, cancellationToken);
        var after = outcome == ApplyOutcome.Confirmed && afterFacts is not null ? Preflight(afterFacts, policy) : await PreflightAsync(policy, cancellationToken);
        return new ConfigureResult(applied, false, outcome, detail, before, after);
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
        var (outcome, detail) = await new RollbackArmedApply(shell, time, ruleset: new RulesetProof([.. serverPolicy.Ssh])).ApplyAsync([.. plan.Commands, .. then ?? []], confirmTimeout,
            async () => afterFacts = await FactsCollector.CollectAsync(shell, cancellationToken), cancellationToken);
        return (plan, outcome, detail, afterFacts);
    }

    private PreflightReport Preflight(ServerFacts facts, FirewallPolicy policy)
    {
        var serverPolicy = ServerPolicy.For(policy, facts);
        return PreflightCheck.Evaluate(shell.Target, facts, serverPolicy, [.. ConfigurePlanner.Plan(facts, serverPolicy, null).AllCommands]);
    }
}
