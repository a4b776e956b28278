using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Planning;

public sealed class PlannerTests
{
    private static Rule Tcp(int port, string source, RuleOrigin origin = RuleOrigin.Foreign) =>
        new(Protocol.Tcp, PortRange.Single(port), Cidr.Parse(source), RuleAction.Allow, null, origin, $"r{port}");

    [Fact]
    public void Build_EmptyLayer_AddsEverything()
    {
        var plan = Planner.Build(FirewallPolicy.Default.DesiredRules(), []);

        Assert.Equal(3, plan.ToAdd.Count());
        Assert.False(plan.IsNoOp);
    }

    [Fact]
    public void Build_BroaderExistingRule_CountsAsPresent()
    {
        var wide = new Rule(Protocol.All, PortRange.All, Cidr.AnyIPv4);

        var plan = Planner.Build(FirewallPolicy.Default.DesiredRules(), [wide]);

        Assert.True(plan.IsNoOp);
        Assert.All(plan.Changes.Where(c => c.Kind == ChangeKind.Keep), c => Assert.Same(wide, c.CoveredBy));
    }

    [Fact]
    public void Build_ExtraRules_ReportedAndOnlyOwnOnesPrunedWhenAsked()
    {
        var current = new[] { Tcp(22, "0.0.0.0/0"), Tcp(80, "0.0.0.0/0"), Tcp(443, "0.0.0.0/0"), Tcp(5432, "0.0.0.0/0", RuleOrigin.Tool), Tcp(3306, "0.0.0.0/0") };

        var keep = Planner.Build(FirewallPolicy.Default.DesiredRules(), current);
        var prune = Planner.Build(FirewallPolicy.Default.DesiredRules(), current, prune: true);

        Assert.True(keep.IsNoOp);
        Assert.Equal([5432, 3306], keep.Extra.Select(r => r.Ports.From));
        Assert.Equal([5432], prune.ToRemove.Select(r => r.Ports.From));
        Assert.Equal([3306], prune.Extra.Select(r => r.Ports.From));
    }

    [Fact]
    public void Build_DenyRuleDoesNotCoverAnAllow()
    {
        var deny = new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.AnyIPv4, RuleAction.Deny);

        var plan = Planner.Build(FirewallPolicy.Default.DesiredRules(), [deny]);

        Assert.Contains(plan.ToAdd, r => r.Ports.From == 22);
    }
}
