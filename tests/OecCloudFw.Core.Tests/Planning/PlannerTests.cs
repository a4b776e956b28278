using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Planning;

public sealed class PlannerTests
{
    /// <summary>The default policy with internet rules for IPv4 only (the default has ::/0 too).</summary>
    private static readonly FirewallPolicy Ipv4Only = PolicyBuilder.Build(new PolicyOptions { Ipv6 = false });

    private static Rule Tcp(int port, string source, RuleOrigin origin = RuleOrigin.Foreign) =>
        new(Protocol.Tcp, PortRange.Single(port), Cidr.Parse(source), RuleAction.Allow, null, origin, $"r{port}");

    [Fact]
    public void Build_EmptyLayer_AddsEverything()
    {
        var plan = Planner.Build(Ipv4Only.DesiredRules(), []);

        Assert.Equal(3, plan.ToAdd.Count());
        Assert.False(plan.IsNoOp);
    }

    [Fact]
    public void Build_SameSourcesOverAWiderPortRange_CountsAsPresent()
    {
        var web = new Rule(Protocol.Tcp, new PortRange(80, 443), Cidr.AnyIPv4, RuleAction.Allow, null, RuleOrigin.Foreign, "web");

        var plan = Planner.Build(Ipv4Only.DesiredRules().Where(r => r.Ports.From != 22), [web]);

        Assert.True(plan.IsNoOp);
        Assert.All(plan.Changes.Where(c => c.Kind == ChangeKind.Keep), c => Assert.Same(web, c.CoveredBy));
    }

    [Fact]
    public void Build_EveryPortRule_IsNoCover_TheWantedPortsAreAddedExactly_SoRemovingItCutsNothing()
    {
        var wide = new Rule(Protocol.All, PortRange.All, Cidr.AnyIPv4);

        var plan = Planner.Build(Ipv4Only.DesiredRules(), [wide]);

        Assert.Equal([22, 80, 443], plan.ToAdd.Select(r => r.Ports.From).Order());
        Assert.Equal([wide], plan.Extra);
    }

    [Fact]
    public void Build_RestrictingWhatTheToolOpened_AddsTheNarrowRule_AndPruneRemovesTheBroadOne()
    {
        var world = Tcp(5432, "0.0.0.0/0", RuleOrigin.Tool);
        var narrow = new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.Parse("10.0.0.5/32"));

        var additive = Planner.Build([narrow], [world]);
        var pruned = Planner.Build([narrow], [world], prune: true);

        Assert.Equal([narrow], additive.ToAdd);
        Assert.Equal([world], additive.Extra);
        Assert.Equal([narrow], pruned.ToAdd);
        Assert.Equal([world], pruned.ToRemove);
    }

    [Fact]
    public void Build_SomeoneElsesBroaderSource_IsNoCover_TheNarrowRuleIsAdded_AndTheirsIsLeftAlone()
    {
        var theirs = Tcp(22, "0.0.0.0/0");
        var ssh = new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.Parse("203.0.113.10/32"));

        var plan = Planner.Build([ssh], [theirs], prune: true);

        Assert.Equal([ssh], plan.ToAdd);
        Assert.Equal([theirs], plan.Extra);
        Assert.Empty(plan.ToRemove);
    }

    [Fact]
    public void Build_ExtraRules_ReportedAndOnlyOwnOnesPrunedWhenAsked()
    {
        var current = new[] { Tcp(22, "0.0.0.0/0"), Tcp(80, "0.0.0.0/0"), Tcp(443, "0.0.0.0/0"), Tcp(5432, "0.0.0.0/0", RuleOrigin.Tool), Tcp(3306, "0.0.0.0/0") };

        var keep = Planner.Build(Ipv4Only.DesiredRules(), current);
        var prune = Planner.Build(Ipv4Only.DesiredRules(), current, prune: true);

        Assert.True(keep.IsNoOp);
        Assert.Equal([5432, 3306], keep.Extra.Select(r => r.Ports.From));
        Assert.Equal([5432], prune.ToRemove.Select(r => r.Ports.From));
        Assert.Equal([3306], prune.Extra.Select(r => r.Ports.From));
    }

    [Fact]
    public void Build_DenyRuleDoesNotCoverAnAllow()
    {
        var deny = new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.AnyIPv4, RuleAction.Deny);

        var plan = Planner.Build(Ipv4Only.DesiredRules(), [deny]);

        Assert.Contains(plan.ToAdd, r => r.Ports.From == 22);
    }
}
