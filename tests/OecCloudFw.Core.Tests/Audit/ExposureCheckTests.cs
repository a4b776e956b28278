using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Tests.Audit;

public sealed class ExposureCheckTests
{
    private static IReadOnlyList<Finding> Check(params Rule[] rules) => ExposureCheck.Check(rules, (_, _) => [new Fix(FixKind.CloudClose, "cloud", 0, [], ["fix"])]);

    [Fact]
    public void Check_DatabaseToWorld_Critical()
    {
        var finding = Assert.Single(Check(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv6)));

        Assert.Equal(FindingIds.PortOpenToInternet, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
    }

    [Fact]
    public void Check_SshToWorld_WarningButRestrictedSshIsFine()
    {
        Assert.Equal(Severity.Warning, Assert.Single(Check(new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.AnyIPv4))).Severity);
        Assert.Empty(Check(new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.Parse("203.0.113.0/24"))));
        Assert.Empty(Check(new Rule(Protocol.Tcp, PortRange.Single(443), Cidr.AnyIPv4)));
    }

    [Fact]
    public void Check_RangeIncludingPoolers_OneFindingPerCatalogPort()
    {
        var findings = Check(new Rule(Protocol.Tcp, PortRange.Parse("6000-7000"), Cidr.AnyIPv4));

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
    }

    [Fact]
    public void Check_AllTraffic_SingleCriticalAndDenyIgnored()
    {
        Assert.Equal(FindingIds.AllPortsOpenToInternet, Assert.Single(Check(new Rule(Protocol.All, PortRange.All, Cidr.AnyIPv4))).Id);
        Assert.Empty(Check(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, RuleAction.Deny)));
        Assert.Empty(Check(new Rule(Protocol.Udp, PortRange.Single(5432), Cidr.AnyIPv4)));
    }
}
