using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Tests.Fakes;

namespace OecCloudFw.Core.Tests.Layers;

/// <summary>
/// The apply across both layers never cuts access: the cloud opens first, the server changes rollback-armed, the
/// cloud closes only once the server is confirmed; a failure stops what follows and reports what stays, with its undo.
/// </summary>
public sealed class BothLayersTests
{
    private static readonly TimeSpan Confirm = TimeSpan.FromSeconds(60);

    private static readonly Cidr Admins = Cidr.Parse("198.18.7.0/24");

    /// <summary>HTTPS from the internet, SSH from the admins.</summary>
    private static readonly FirewallPolicy Policy = new(
    [
        new PortRequirement(PortRange.Single(443), Protocol.Tcp, [Cidr.AnyIPv4], "HTTPS", "https"),
        new PortRequirement(PortRange.Single(22), Protocol.Tcp, [Admins], "SSH", "ssh", IsSsh: true),
    ], ipv6: false);

    private readonly CallLog _log = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeCloudFirewall _remote;
    private readonly FakeCloudLayer _cloud;
    private readonly FakeServerLayer _server;

    public BothLayersTests()
    {
        _remote = new FakeCloudFirewall(_log);
        _cloud = new FakeCloudLayer(_remote);
        _server = new FakeServerLayer(_log, _time);
        // SSH from the admins is there already; the tool's old 8069 rule is what prune takes away.
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(22), Admins, Origin: RuleOrigin.Foreign, Id: "fr-ssh"));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(8069), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-odoo"));
    }

    private async Task<LayersPlan> PlanAsync(bool prune = true, ICloudLayer? cloud = null, bool noCloud = false)
    {
        var layer = noCloud ? null : cloud ?? _cloud;
        var state = await BothLayers.ReadAsync(layer, _server, TestContext.Current.CancellationToken);
        return BothLayers.Plan(layer, _server, state, Policy, prune);
    }

    private Task<LayersApplyResult> ApplyAsync(LayersPlan plan, bool noCloud = false) =>
        BothLayers.ApplyAsync(noCloud ? null : _cloud, _server, plan, Confirm, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ApplyAsync_OpensAndCloses_CloudOpensBeforeTheServerAndClosesAfterItIsConfirmed()
    {
        var plan = await PlanAsync();

        var result = await ApplyAsync(plan);

        Assert.Equal(
        [
            "cloud open allow tcp/443 from 0.0.0.0/0",
            "server apply ufw allow proto tcp from 0.0.0.0/0 to any port 443; ufw allow proto tcp from 198.18.7.0/24 to any port 22",
            "server confirmed",
            "cloud close fr-odoo",
        ], _log.Writes);
        Assert.Equal(LayersApplyOutcome.Applied, result.Outcome);
        var created = Assert.Single(result.Opened!.Created);
        Assert.Equal(["fr-odoo"], result.Closed!.Removed);
        Assert.Equal(ServerApplyOutcome.Confirmed, result.Server!.Outcome);
        Assert.Null(result.FailedLayer);
        Assert.Null(result.Failure);
        Assert.Empty(result.Undo);
        Assert.Equal(["fr-ssh", created], _remote.Rules.Select(r => r.Id).ToList());
        Assert.Equal(Confirm, _server.ConfirmTimeout);
    }

    [Fact]
    public async Task ApplyAsync_ConfirmationComesBeforeTheTimeout_CloudClosesOnlyAfterTheServerIsConfirmed()
    {
        var plan = await PlanAsync();
        _server.Proof = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var apply = ApplyAsync(plan);
        await _server.Armed.Task;
        _time.Advance(Confirm - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud close", StringComparison.Ordinal));
        _server.Proof.SetResult();
        var result = await apply;

        Assert.Equal(LayersApplyOutcome.Applied, result.Outcome);
        Assert.Equal(["server confirmed", "cloud close fr-odoo"], _log.Writes.Skip(2).ToList());
        Assert.DoesNotContain(_remote.Rules, r => r.Id == "fr-odoo");
    }

    [Fact]
    public async Task ApplyAsync_NoNewConnectionWithinTheConfirmTimeout_RolledBackNothingClosedAndTheOpenReportedWithItsUndo()
    {
        var plan = await PlanAsync();
        _server.Proof = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var apply = ApplyAsync(plan);
        await _server.Armed.Task;
        _time.Advance(Confirm);
        var result = await apply;

        Assert.Equal(LayersApplyOutcome.ServerRolledBack, result.Outcome);
        Assert.Equal(_server.Target, result.FailedLayer);
        Assert.Equal("no new SSH connection within 60s: the previous rules were restored", result.Failure);
        Assert.Equal(ServerApplyOutcome.RolledBack, result.Server!.Outcome);
        Assert.Null(result.Closed);
        var created = Assert.Single(result.Opened!.Created);
        Assert.Equal([$"fakecloud delete-rule --firewall fw-1 --rule {created}"], result.Undo);
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud close", StringComparison.Ordinal));
        Assert.Contains(_remote.Rules, r => r.Id == "fr-odoo");
        Assert.Empty(_server.Rules);
    }

    [Fact]
    public async Task ApplyAsync_CloudOpenFails_TheServerIsNotTouchedAndNothingIsClosed()
    {
        var plan = await PlanAsync();
        _remote.FailAdd = "fakecloud: quota of rules reached (RulesPerFirewallLimitExceeded): remove a rule";

        var result = await ApplyAsync(plan);

        Assert.Equal(LayersApplyOutcome.CloudOpenFailed, result.Outcome);
        Assert.Equal(_cloud.Target, result.FailedLayer);
        Assert.Equal(_remote.FailAdd, result.Failure);
        Assert.Null(result.Opened);
        Assert.Null(result.Server);
        Assert.Null(result.Closed);
        Assert.Empty(result.Undo);
        Assert.Equal(["cloud open allow tcp/443 from 0.0.0.0/0"], _log.Writes);
        Assert.Null(_server.ConfirmTimeout);
    }

    [Fact]
    public async Task ApplyAsync_ServerFails_WhatTheCloudOpenedIsReportedWithItsExactUndoAndNothingIsClosed()
    {
        var plan = await PlanAsync();
        _server.FailApply = "ssh: connection to 198.18.0.10 port 22 timed out: check the address";

        var result = await ApplyAsync(plan);

        Assert.Equal(LayersApplyOutcome.ServerFailed, result.Outcome);
        Assert.Equal(_server.Target, result.FailedLayer);
        Assert.Equal(_server.FailApply, result.Failure);
        Assert.Null(result.Server);
        Assert.Null(result.Closed);
        var created = Assert.Single(result.Opened!.Created);
        Assert.Equal([$"fakecloud delete-rule --firewall fw-1 --rule {created}"], result.Undo);
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud close", StringComparison.Ordinal));
        Assert.Contains(_remote.Rules, r => r.Id == "fr-odoo");
    }

    [Fact]
    public async Task ApplyAsync_InterruptedDuringTheServersApply_TheInterruptionSaysWhatTheCloudOpenedAndItsUndo()
    {
        var plan = await PlanAsync();
        using var stop = new CancellationTokenSource();
        const string armed = "root@198.18.0.10:22: stopped after the change was applied and before it was confirmed: the armed rollback restores the previous rules in 60 s unless confirmed";
        _server.DuringApply = () =>
        {
            stop.Cancel();
            throw new OperationInterruptedException(armed, stop.Token);
        };

        var ex = await Assert.ThrowsAsync<OperationInterruptedException>(() => BothLayers.ApplyAsync(_cloud, _server, plan, Confirm, stop.Token));

        var created = _remote.Rules.Single(r => r.Origin == RuleOrigin.Tool && r.Ports.From == 443).Id;
        Assert.Equal($"{armed}; already done before that: created {created} in fakecloud fw-1 (to undo: fakecloud delete-rule --firewall fw-1 --rule {created})", ex.Message);
        Assert.Equal(stop.Token, ex.CancellationToken);
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud close", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_CancelledDuringTheServersApply_TheInterruptionNamesTheServerAndWhatTheCloudOpened()
    {
        var plan = await PlanAsync();
        using var stop = new CancellationTokenSource();
        _server.DuringApply = () =>
        {
            stop.Cancel();
            stop.Token.ThrowIfCancellationRequested();
        };

        var ex = await Assert.ThrowsAsync<OperationInterruptedException>(() => BothLayers.ApplyAsync(_cloud, _server, plan, Confirm, stop.Token));

        var created = _remote.Rules.Single(r => r.Origin == RuleOrigin.Tool && r.Ports.From == 443).Id;
        Assert.Equal($"root@198.18.0.10:22: stopped during the server's apply; already done before that: created {created} in fakecloud fw-1 (to undo: fakecloud delete-rule --firewall fw-1 --rule {created})", ex.Message);
    }

    [Fact]
    public async Task ApplyAsync_InterruptedWhenTheCloudOpenedNothing_TheServersInterruptionIsPassedOnAsItIs()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4, Origin: RuleOrigin.Foreign));
        var plan = await PlanAsync();
        using var stop = new CancellationTokenSource();
        var interruption = new OperationInterruptedException("root@198.18.0.10:22: stopped while the change was being armed and applied", stop.Token);
        _server.DuringApply = () =>
        {
            stop.Cancel();
            throw interruption;
        };

        var ex = await Assert.ThrowsAsync<OperationInterruptedException>(() => BothLayers.ApplyAsync(_cloud, _server, plan, Confirm, stop.Token));

        Assert.Same(interruption, ex);
    }

    [Fact]
    public async Task ApplyAsync_ServerFailsAfterACloudStepThatOpenedNothing_NoUndoIsReported()
    {
        // 443 is in the cloud already: the cloud's plan only closes, so nothing is written before the server.
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4, Origin: RuleOrigin.Foreign));
        var plan = await PlanAsync();
        _server.FailApply = "ssh: permission denied (publickey): check the key";

        var result = await ApplyAsync(plan);

        Assert.False(plan.Cloud!.Opens);
        Assert.True(plan.Cloud.Closes);
        Assert.Equal(LayersApplyOutcome.ServerFailed, result.Outcome);
        Assert.Null(result.Opened);
        Assert.Empty(result.Undo);
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_CloudCloseFails_BothOtherStepsStayAppliedAndTheFailureIsTheCloudLayers()
    {
        var plan = await PlanAsync();
        _remote.FailRemove = "fakecloud: rule fr-odoo is locked: try again";

        var result = await ApplyAsync(plan);

        Assert.Equal(LayersApplyOutcome.CloudCloseFailed, result.Outcome);
        Assert.Equal(_cloud.Target, result.FailedLayer);
        Assert.Equal(_remote.FailRemove, result.Failure);
        Assert.Single(result.Opened!.Created);
        Assert.Equal(ServerApplyOutcome.Confirmed, result.Server!.Outcome);
        Assert.Null(result.Closed);
        // What was opened is what the policy wants and the server is confirmed: nothing to undo.
        Assert.Empty(result.Undo);
        Assert.Equal("cloud close fr-odoo", _log.Writes[^1]);
    }

    [Fact]
    public async Task ApplyAsync_NoOpPlan_WritesNothingInEitherLayer()
    {
        _remote.Rules.RemoveAll(r => r.Id == "fr-odoo");
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-https"));
        _server.Rules.AddRange(Policy.DesiredRules());
        var rulesBefore = _remote.Rules.ToList();
        var plan = await PlanAsync();

        var result = await ApplyAsync(plan);

        Assert.True(plan.IsNoOp);
        Assert.Equal(LayersApplyOutcome.Applied, result.Outcome);
        Assert.Null(result.Opened);
        Assert.Null(result.Closed);
        Assert.Equal(ServerApplyOutcome.Unchanged, result.Server!.Outcome);
        Assert.Equal(["server apply (nothing to do)"], _log.Writes);
        Assert.Equal(rulesBefore, _remote.Rules);
        Assert.Equal(Policy.DesiredRules(), _server.Rules);
    }

    [Fact]
    public async Task ApplyAsync_WithoutPrune_TheToolsExtraRuleIsLeftAndNothingIsClosed()
    {
        var plan = await PlanAsync(prune: false);

        var result = await ApplyAsync(plan);

        Assert.Equal(LayersApplyOutcome.Applied, result.Outcome);
        Assert.Null(result.Closed);
        Assert.Contains(_remote.Rules, r => r.Id == "fr-odoo");
        Assert.Contains(plan.Cloud!.Changes.Extra, r => r.Id == "fr-odoo");
    }

    [Fact]
    public async Task ApplyAsync_NoCloudLayer_OnlyTheServerIsPlannedAndApplied()
    {
        var plan = await PlanAsync(noCloud: true);

        var result = await ApplyAsync(plan, noCloud: true);

        Assert.Null(plan.Cloud);
        Assert.Equal(LayersApplyOutcome.Applied, result.Outcome);
        Assert.Null(result.Opened);
        Assert.DoesNotContain(_log.Calls, c => c.StartsWith("cloud", StringComparison.Ordinal));
        Assert.Equal(2, _server.Rules.Count);
    }

    [Fact]
    public async Task ReadAsync_BothLayers_StatesCarryTheDigestsOfTheirLinesAndPlansCarryTheStatesDigests()
    {
        var state = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);
        var plan = BothLayers.Plan(_cloud, _server, state, Policy, prune: true);

        Assert.Equal(["cloud read", "server read"], _log.Calls.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(LayerDigest.Of(state.Cloud!.Lines), state.Cloud.Digest);
        Assert.Equal(state.Cloud.Digest, plan.Cloud!.Digest);
        Assert.Equal(state.Server.Digest, plan.Server.Digest);
        Assert.NotEqual(state.Cloud.Digest, state.Server.Digest);
    }

    [Fact]
    public async Task Drift_NothingMovedSinceThePlan_NoDrift()
    {
        var then = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);
        var now = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);

        Assert.Empty(BothLayers.Drift(Saved(then.Cloud!), Saved(then.Server), now));
    }

    [Fact]
    public async Task Drift_SomeoneChangedBothLayersSinceThePlan_EachLayerNamesTheLinesGoneAndNew()
    {
        var then = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);
        _remote.Rules.RemoveAll(r => r.Id == "fr-odoo");
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Id: "fr-db"));
        _server.Rules.Add(new Rule(Protocol.Tcp, PortRange.Single(3306), Cidr.AnyIPv4));
        var now = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);

        var drift = BothLayers.Drift(Saved(then.Cloud!), Saved(then.Server), now);

        Assert.Equal(2, drift.Count);
        Assert.Equal(_cloud.Target, drift[0].Target);
        Assert.Equal(then.Cloud!.Digest, drift[0].PlannedDigest);
        Assert.Equal(now.Cloud!.Digest, drift[0].LiveDigest);
        Assert.Equal(["fr-odoo allow tcp/8069 from 0.0.0.0/0 (Tool)"], drift[0].Gone);
        Assert.Equal(["fr-db allow tcp/5432 from 0.0.0.0/0 (Foreign)"], drift[0].New);
        Assert.Equal(_server.Target, drift[1].Target);
        Assert.Empty(drift[1].Gone);
        Assert.Equal(["allow tcp/3306 from 0.0.0.0/0"], drift[1].New);
    }

    [Fact]
    public async Task Drift_OnlyTheServerMoved_OnlyTheServerIsNamed()
    {
        var then = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);
        _server.Rules.Add(new Rule(Protocol.Tcp, PortRange.Single(3306), Cidr.AnyIPv4));
        var now = await BothLayers.ReadAsync(_cloud, _server, TestContext.Current.CancellationToken);

        var drift = Assert.Single(BothLayers.Drift(Saved(then.Cloud!), Saved(then.Server), now));

        Assert.Equal(_server.Target, drift.Target);
    }

    private static SavedLayerState Saved(CloudLayerState state) => new(state.Target, state.Digest, state.Lines);

    private static SavedLayerState Saved(ServerLayerState state) => new(state.Target, state.Digest, state.Lines);
}
