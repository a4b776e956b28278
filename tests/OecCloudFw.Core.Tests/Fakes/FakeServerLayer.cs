using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>
/// A server firewall on the seam, rollback-armed as the real one is: the change is applied, a timer of the confirm
/// timeout is armed on the injected clock, and unless a new connection proves access (<see cref="Proof"/>) before it
/// fires, the previous rules are restored. With no <see cref="Proof"/> set the proof succeeds at once.
/// </summary>
internal sealed class FakeServerLayer(CallLog log, TimeProvider time) : IServerLayer
{
    public string Target => "root@198.18.0.10:22";

    public List<Rule> Rules { get; } = [];

    /// <summary>Set: the apply fails before arming (unreachable), nothing changed.</summary>
    public string? FailApply { get; set; }

    /// <summary>Set: run once the apply has begun (the operator pressing Ctrl+C: cancel and throw as the real layer does).</summary>
    public Action? DuringApply { get; set; }

    /// <summary>Set: the new connection that proves access succeeds when this completes.</summary>
    public TaskCompletionSource? Proof { get; set; }

    /// <summary>Completes when the rollback is armed and the change applied.</summary>
    public TaskCompletionSource Armed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TimeSpan? ConfirmTimeout { get; private set; }

    public Task<ServerLayerState> ReadAsync(CancellationToken cancellationToken = default)
    {
        log.Add("server read");
        var rules = Rules.ToList();
        return Task.FromResult<ServerLayerState>(new ServerLayerState<List<Rule>>(Target, [.. rules.Select(r => r.ToString())], FakePaths.View("ufw", rules), rules));
    }

    public ServerLayerPlan Plan(ServerLayerState state, FirewallPolicy policy)
    {
        var present = state is ServerLayerState<List<Rule>> read ? read.Facts : throw new ArgumentException("not this fake's state", nameof(state));
        var add = policy.DesiredRules().Where(w => !present.Any(r => r.Protocol == w.Protocol && r.Ports == w.Ports && r.Source == w.Source)).ToList();
        return new ServerLayerPlan<List<Rule>>(Target, state.Digest, "ufw", [],
            [.. add.Select(r => $"ufw allow proto {r.Protocol.ToString().ToLowerInvariant()} from {r.Source} to any port {r.Ports}")], add);
    }

    public async Task<ServerApplyResult> ApplyAsync(ServerLayerPlan plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default)
    {
        ConfirmTimeout = confirmTimeout;
        if (plan.IsNoOp)
        {
            log.Add("server apply (nothing to do)");
            return new ServerApplyResult(ServerApplyOutcome.Unchanged, "nothing to do");
        }

        log.Add($"server apply {string.Join("; ", plan.Commands)}");
        if (FailApply is { } failure)
        {
            throw new LayerFailureException(failure);
        }

        DuringApply?.Invoke();
        var before = Rules.ToList();
        Rules.AddRange(plan is ServerLayerPlan<List<Rule>> own ? own.Native : throw new ArgumentException("not this fake's plan", nameof(plan)));
        if (Proof is null)
        {
            log.Add("server confirmed");
            return new ServerApplyResult(ServerApplyOutcome.Confirmed, "confirmed");
        }

        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ => expired.TrySetResult(), null, confirmTimeout, Timeout.InfiniteTimeSpan);
        Armed.TrySetResult();
        if (await Task.WhenAny(Proof.Task, expired.Task) == expired.Task)
        {
            Rules.Clear();
            Rules.AddRange(before);
            log.Add("server rolled back");
            return new ServerApplyResult(ServerApplyOutcome.RolledBack, $"no new SSH connection within {confirmTimeout.TotalSeconds:0}s: the previous rules were restored");
        }

        log.Add("server confirmed");
        return new ServerApplyResult(ServerApplyOutcome.Confirmed, "confirmed");
    }
}
