using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Rules;

public sealed class RuleSetTests
{
    [Fact]
    public void Evaluate_FirstMatchDecides_DenyBeforeAllow()
    {
        var set = new RuleSet(
        [
            new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.Parse("203.0.113.0/24")),
            new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.AnyIPv4, RuleAction.Deny),
            new Rule(Protocol.All, PortRange.All, Cidr.AnyIPv4),
        ]);

        Assert.True(set.Evaluate(Protocol.Tcp, 22, Cidr.Parse("203.0.113.9/32")).Admitted);
        var fromInternet = set.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4);
        Assert.False(fromInternet.Admitted);
        Assert.Equal(RuleAction.Deny, fromInternet.DecidedBy!.Action);
        Assert.True(set.Evaluate(Protocol.Udp, 53, Cidr.AnyIPv4).Admitted);
    }

    [Fact]
    public void Evaluate_NoMatch_DefaultDecidesPerFamily()
    {
        var set = new RuleSet([new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4)]);

        Assert.True(set.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Admitted);
        var v6 = set.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv6);
        Assert.False(v6.Admitted);
        Assert.Equal("default deny", v6.Evidence);
    }
}
