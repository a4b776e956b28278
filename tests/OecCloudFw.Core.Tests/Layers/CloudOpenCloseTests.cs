using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Tests.Fakes;

namespace OecCloudFw.Core.Tests.Layers;

/// <summary>
/// The <c>open</c> and <c>close</c> verbs on any cloud layer: what they write, what a partial change says, that a dry
/// run writes nothing, and that what is still closed (or still open) is judged on the layer as the plan leaves it.
/// </summary>
public sealed class CloudOpenCloseTests
{
    private static readonly Cidr Office = Cidr.Parse("198.18.7.0/24");

    private static readonly FirewallPolicy Web = new(
    [
        new PortRequirement(PortRange.Single(443), Protocol.Tcp, [Cidr.AnyIPv4], "HTTPS", "https"),
        new PortRequirement(PortRange.Single(22), Protocol.Tcp, [Office], "SSH", "ssh", IsSsh: true),
    ], ipv6: false);

    private readonly CallLog _log = new();
    private readonly FakeCloudFirewall _remote;
    private readonly FakeCloudLayer _layer;

    public CloudOpenCloseTests()
    {
        _remote = new FakeCloudFirewall(_log);
        _layer = new FakeCloudLayer(_remote);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenRunAsync_MissingRules_CreatesThemAndASecondRunCreatesNothing()
    {
        var first = await CloudOpen.RunAsync(_layer, Web, prune: false, dryRun: false, Token);
        var second = await CloudOpen.RunAsync(_layer, Web, prune: false, dryRun: false, Token);

        Assert.True(first.Applied);
        Assert.Equal(2, first.Created.Count);
        Assert.Equal(first.Created, _remote.Rules.Select(r => r.Id));
        Assert.Empty(first.StillClosed);
        Assert.False(second.Applied);
        Assert.Empty(second.Created);
        Assert.True(second.Plan.IsNoOp);
        Assert.Single(_log.Writes, w => w.StartsWith("cloud open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenRunAsync_DryRun_WritesNothingButPlansTheAdds()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(8069), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-odoo"));
        var before = _remote.Rules.ToList();

        var result = await CloudOpen.RunAsync(_layer, Web, prune: true, dryRun: true, Token);

        Assert.False(result.Applied);
        Assert.Null(result.Opened);
        Assert.Null(result.Closed);
        Assert.Empty(result.Created);
        Assert.Empty(result.Removed);
        Assert.Equal(2, result.Plan.Changes.ToAdd.Count());
        Assert.Equal(["fr-odoo"], result.Plan.Changes.ToRemove.Select(r => r.Id));
        Assert.Empty(_log.Writes);
        Assert.Equal(before, _remote.Rules);
    }

    [Fact]
    public async Task OpenRunAsync_DryRun_StillClosedIsJudgedOnThePlannedView()
    {
        // Nothing is in the layer yet: on the layer as read, both rules would be "still closed". As the plan leaves it,
        // only 443 is: the upstream filter drops it whatever the rules say.
        _remote.UpstreamDrops.Add(443);

        var result = await CloudOpen.RunAsync(_layer, Web, prune: false, dryRun: true, Token);

        var still = Assert.Single(result.StillClosed);
        Assert.Equal(443, still.Rule.Ports.From);
        Assert.True(still.Verdict.Refused);
        Assert.Contains("upstream acl drops 443", still.Verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("upstream acl drops 443", still.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("tcp/443 from 0.0.0.0/0: ", still.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenRunAsync_PortRangeAdmittedAtOneEndOnly_IsStillClosed()
    {
        var range = new FirewallPolicy([new PortRequirement(new PortRange(8000, 8010), Protocol.Tcp, [Cidr.AnyIPv4], "app", "app")], ipv6: false);
        _remote.UpstreamDrops.Add(8010);

        var result = await CloudOpen.RunAsync(_layer, range, prune: false, dryRun: false, Token);

        var still = Assert.Single(result.StillClosed);
        Assert.Contains("upstream acl drops 8010", still.Verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenRunAsync_CloseFailsAfterTheAdds_SaysWhatWasCreatedAndItsUndo()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(8069), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-odoo"));
        _remote.FailRemove = "fakecloud: rule fr-odoo is locked: try again";

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(_layer, Web, prune: true, dryRun: false, Token));

        var created = _remote.Rules.Where(r => r.Id != "fr-odoo").Select(r => r.Id!).ToList();
        Assert.Equal(2, created.Count);
        Assert.Equal(
            $"fakecloud: rule fr-odoo is locked: try again; already done before that: created {created[0]}, {created[1]} in fakecloud fw-1 " +
            $"(kept: the policy wants it; to undo: fakecloud delete-rule --firewall fw-1 --rule {created[0]}; fakecloud delete-rule --firewall fw-1 --rule {created[1]})",
            ex.Message);
        Assert.IsType<LayerFailureException>(ex.InnerException);
        Assert.Equal(3, _remote.Rules.Count);
    }

    [Fact]
    public async Task OpenRunAsync_CloseFailsWithNothingCreated_TheFailureIsSaidAsItIs()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4, Origin: RuleOrigin.Tool));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(22), Office, Origin: RuleOrigin.Tool));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(8069), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-odoo"));
        _remote.FailRemove = "fakecloud: rule fr-odoo is locked: try again";

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(_layer, Web, prune: true, dryRun: false, Token));

        Assert.Equal(_remote.FailRemove, ex.Message);
        Assert.DoesNotContain(_log.Writes, w => w.StartsWith("cloud open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenRunAsync_Prune_RemovesOnlyTheToolsOwnExtras()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(8069), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-odoo"));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(3306), Cidr.AnyIPv4, Origin: RuleOrigin.Foreign, Id: "fr-mysql"));

        var result = await CloudOpen.RunAsync(_layer, Web, prune: true, dryRun: false, Token);

        Assert.Equal(["fr-odoo"], result.Removed);
        Assert.Contains(_remote.Rules, r => r.Id == "fr-mysql");
        Assert.DoesNotContain(_remote.Rules, r => r.Id == "fr-odoo");
        // The adds are written before the removals.
        Assert.StartsWith("cloud open", _log.Writes[0], StringComparison.Ordinal);
        Assert.StartsWith("cloud close", _log.Writes[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseRunAsync_ToolsRuleAndSomeoneElses_RemovesOnlyTheToolsAndSaysThePortIsStillOpen()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-own"));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Origin: RuleOrigin.Foreign, Id: "fr-theirs"));

        var result = await CloudClose.RunAsync(_layer, CloseSelection.TcpPort(5432), dryRun: false, Token);

        Assert.True(result.Applied);
        Assert.Equal(["fr-own"], result.Closed!.Removed);
        Assert.Equal(["fr-own"], result.Removed.Select(r => r.Id));
        Assert.Equal(["fr-theirs"], result.LeftForeign.Select(r => r.Id));
        Assert.True(result.StillOpen);
        var still = Assert.Single(result.StillAdmitted);
        Assert.Contains("fr-theirs", still.Evidence, StringComparison.Ordinal);
        Assert.Equal(["fr-theirs"], _remote.Rules.Select(r => r.Id));
    }

    [Fact]
    public async Task CloseRunAsync_DryRun_WritesNothingAndJudgesStillOpenOnThePlannedView()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-own"));

        var result = await CloudClose.RunAsync(_layer, CloseSelection.TcpPort(5432), dryRun: true, Token);

        Assert.False(result.Applied);
        Assert.Null(result.Closed);
        Assert.Equal(["fr-own"], result.Removed.Select(r => r.Id));
        Assert.Empty(_log.Writes);
        Assert.Equal(["fr-own"], _remote.Rules.Select(r => r.Id));
        // The layer as read admits 5432; as the close would leave it, nothing does.
        Assert.True(result.State.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Admitted);
        Assert.False(result.StillOpen);
        Assert.Empty(result.StillAdmitted);
    }

    [Fact]
    public async Task CloseRunAsync_BroaderRuleOfSomeoneElse_IsListedAsStillAdmittingAndNotRemoved()
    {
        _remote.Seed(new Rule(Protocol.Tcp, new PortRange(5000, 6000), Cidr.AnyIPv4, Origin: RuleOrigin.Foreign, Id: "fr-range"));

        var result = await CloudClose.RunAsync(_layer, CloseSelection.TcpPort(5432), dryRun: false, Token);

        Assert.False(result.Applied);
        Assert.Empty(result.Removed);
        Assert.Empty(result.LeftForeign);
        Assert.Equal(["fr-range"], result.StillAdmittedBy.Select(r => r.Id));
        Assert.True(result.StillOpen);
        Assert.Contains(result.StillAdmitted, v => v.Evidence.Contains("fr-range", StringComparison.Ordinal));
        Assert.Empty(_log.Writes);
    }

    [Fact]
    public async Task CloseRunAsync_FromOneSource_RemovesOnlyThatSourcesRuleAndJudgesOnlyThatSource()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(22), Office, Origin: RuleOrigin.Tool, Id: "fr-office"));
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.Parse("198.18.9.0/24"), Origin: RuleOrigin.Tool, Id: "fr-vpn"));

        var result = await CloudClose.RunAsync(_layer, new CloseSelection([PortRange.Single(22)], [Office], Protocol.Tcp), dryRun: false, Token);

        Assert.Equal(["fr-office"], result.Closed!.Removed);
        Assert.Equal(["fr-vpn"], _remote.Rules.Select(r => r.Id));
        Assert.Empty(result.StillAdmitted);
    }

    [Fact]
    public async Task CloseRunAsync_RemovalFails_TheFailurePropagatesAndNothingIsRemoved()
    {
        _remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Origin: RuleOrigin.Tool, Id: "fr-own"));
        _remote.FailRemove = "fakecloud: rule fr-own is locked: try again";

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => CloudClose.RunAsync(_layer, CloseSelection.TcpPort(5432), dryRun: false, Token));

        Assert.Equal(_remote.FailRemove, ex.Message);
        Assert.Equal(["fr-own"], _remote.Rules.Select(r => r.Id));
    }
}
