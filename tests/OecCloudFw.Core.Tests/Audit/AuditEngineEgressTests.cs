using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Tests.Fakes;

namespace OecCloudFw.Core.Tests.Audit;

/// <summary>The server's outbound needs, layer by layer: blocked (critical when OEC.sh itself fails), undecidable, or fine.</summary>
public sealed class AuditEngineEgressTests
{
    private static readonly Cidr Mail = Cidr.Parse("198.18.9.10/32");

    private static readonly EgressNeed Api = new(443, Cidr.AnyIPv4, "OEC.sh API", true);
    private static readonly EgressNeed Smtp = new(587, Mail, "outgoing email to 198.18.9.10/32", false);
    private static readonly EgressNeed Packages = new(80, Cidr.AnyIPv4, "package repositories", false);

    private readonly List<(FixKind Kind, int Port, string Destinations)> _asked = [];

    private AuditReport Run(ILayerView? cloud, ILayerView server, params EgressNeed[] needs) =>
        AuditEngine.Run("srv", [], cloud, server, new HostFacts(), new Dictionary<int, Reachability>(), (kind, port, sources) =>
        {
            _asked.Add((kind, port, string.Join(",", sources)));
            return [new Fix(kind, Fix.LayerOf(kind), port, sources, [$"{kind} {port}"])];
        }, "probes from here", egress: needs);

    [Fact]
    public void Run_EachLayerBlocksOrCannotDecideANeed_FindingsBySeverityWithTheBlockingLayersFix()
    {
        var cloud = new TableView("aws sg-1")
            .SetEgress(443, Cidr.AnyIPv4, new LayerVerdict(Decision.Refused, "sg-1: no egress rule allows 443"))
            .SetEgress(80, Cidr.AnyIPv4, new LayerVerdict(Decision.Indeterminate, "sg-1: egress to prefix list pl-9 (not read)"));
        var server = new TableView("ufw").SetEgress(587, Mail, new LayerVerdict(Decision.Refused, "ufw: DENY OUT 587/tcp"));

        var report = Run(cloud, server, Api, Smtp, Packages);

        Assert.Equal(
            [
                (FindingIds.EgressBlocked, Severity.Critical, "outbound TCP 443 to the internet (OEC.sh API) is blocked by aws sg-1 on srv: deployments and the OEC.sh agent fail", "sg-1: no egress rule allows 443"),
                (FindingIds.EgressBlocked, Severity.Warning, "outbound TCP 587 to 198.18.9.10/32 (outgoing email to 198.18.9.10/32) is blocked by ufw on srv", "ufw: DENY OUT 587/tcp"),
                (FindingIds.Indeterminate, Severity.Info, "whether aws sg-1 lets outbound TCP 80 to the internet (package repositories) out on srv cannot be decided", "sg-1: egress to prefix list pl-9 (not read)"),
            ],
            report.Findings.Select(f => (f.Id, f.Severity, f.Message, f.Evidence)));
        Assert.Equal([(FixKind.CloudEgress, 443, "0.0.0.0/0"), (FixKind.ServerEgress, 587, "198.18.9.10/32")], _asked);
        Assert.Equal(["CloudEgress 443"], report.Findings[0].Fixes);
        Assert.Empty(report.Findings[2].Fixes);
        Assert.Equal([true, true, false], report.Egress.Select(e => e.Blocked));
    }

    [Fact]
    public void Run_NoCloudLayerAndTheServerLetsEverythingOut_NoFindingAndNoCloudVerdict()
    {
        var report = Run(null, new TableView("ufw"), Api, Smtp);

        Assert.Empty(report.Findings);
        Assert.All(report.Egress, e => Assert.Null(e.Cloud));
        Assert.Equal([Api, Smtp], report.Egress.Select(e => e.Need));
        Assert.Null(report.CloudLayer);
    }

    [Fact]
    public void Run_CloudEgressOnTheRealEngine_AdmittedByItsOutboundRules()
    {
        var cloud = FakePaths.View("aws sg-1", []);

        var report = Run(cloud, new TableView("ufw"), Api);

        Assert.Empty(report.Findings);
        var row = Assert.Single(report.Egress);
        Assert.True(row.Cloud!.Admitted);
        Assert.Contains("all outbound allowed", row.Cloud.Evidence, StringComparison.Ordinal);
        Assert.Equal("aws sg-1", report.CloudLayer);
    }
}
