using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Configure;

/// <summary>
/// The server's own firewall behind the layer seam: the facts in one exec, the configure planner's exact commands, and
/// the rollback-armed apply (arm, apply, prove with a new connection, confirm; or the server restores).
/// </summary>
/// <param name="shell">The server.</param>
/// <param name="time">The clock.</param>
/// <param name="backend">A forced frontend, or null for the guide's order.</param>
/// <param name="docker">Docker's published ports.</param>
/// <param name="harden">sshd hardening and fail2ban's jail in the same armed change.</param>
/// <param name="remember">The policy file to record on the server as the applied policy; null records nothing.</param>
public sealed class ServerFirewallLayer(IServerShell shell, TimeProvider time, string? backend = null, DockerMode docker = DockerMode.Policy, bool harden = false, string? remember = null) : ServerLayer<ServerFacts, ServerFirewallLayer.Native>
{
    public override string Target => shell.Target;

    public override async Task<ServerLayerState<ServerFacts>> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (harden)
        {
            Harden.KeyLogin.Require(shell);
        }

        var facts = await FactsCollector.CollectAsync(shell, cancellationToken);
        return new ServerLayerState<ServerFacts>(Target, facts.FirewallState, new ServerLayerView(facts), facts);
    }

    public override ServerLayerPlan<Native> Plan(ServerLayerState<ServerFacts> state, FirewallPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        var facts = state.Facts;
        var serverPolicy = ServerPolicy.For(policy, facts);
        var plan = ConfigurePlanner.Plan(facts, serverPolicy, backend, docker);
        // sshd hardening rides in the same armed change, after the firewall's commands (--harden).
        // fail2ban's ban action goes through the frontend this plan configures; the policy's SSH sources are never banned.
        IReadOnlyList<string> hardening = harden
            ? [.. Harden.SshHardening.Plan(facts, Harden.RootLogin.ProhibitPassword),
               .. Harden.Fail2BanJail.Plan(facts, plan.Backend, serverPolicy.Ssh.SelectMany(r => r.Sources).Where(c => !c.IsInternet).Distinct().ToList())]
            : [];
        return new ServerLayerPlan<Native>(Target, state.Digest, plan.Backend, plan.Install, [.. plan.Commands, .. hardening], new Native(facts, serverPolicy, plan, hardening))
        {
            LockoutRisk = LockoutCheck.Risk(facts, serverPolicy, !plan.IsNoOp),
        };
    }

    public override async Task<ServerApplyResult> ApplyAsync(ServerLayerPlan<Native> plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        if (plan.IsNoOp)
        {
            var recorded = await new ServerConfigurator(shell, time, remember).RememberUnchangedAsync(native.Facts, cancellationToken);
            return new ServerApplyResult(ServerApplyOutcome.Unchanged, "already right: no change made" + recorded);
        }

        if (native.Hardening.Count > 0)
        {
            await Harden.KeyLogin.ProveAsync(shell, cancellationToken);
        }

        var (_, outcome, detail, _) = await new ServerConfigurator(shell, time, remember).ApplyAsync(native.Facts, native.Policy, native.Plan, confirmTimeout, native.Hardening, cancellationToken);
        return new ServerApplyResult(
            outcome switch
            {
                ApplyOutcome.Confirmed => ServerApplyOutcome.Confirmed,
                ApplyOutcome.RolledBack => ServerApplyOutcome.RolledBack,
                _ => ServerApplyOutcome.FailedAndRestored,
            },
            detail);
    }

    /// <summary>The server's firewall as this plan would leave it (for the audit a plan predicts).</summary>
    public static Core.Audit.ILayerView Planned(ServerLayerState state, ServerLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new PlannedServerView(state.View, NativeOf(plan).Native.Policy, !plan.IsNoOp);
    }

    /// <summary>The server's facts as this layer read them (the policy it last applied, its sshd, its frontend).</summary>
    public static ServerFacts Facts(ServerLayerState state) => FactsOf(state).Facts;

    /// <summary>What a plan carries for its apply.</summary>
    public sealed record Native(ServerFacts Facts, ServerPolicy Policy, ConfigurePlan Plan, IReadOnlyList<string> Hardening);
}
