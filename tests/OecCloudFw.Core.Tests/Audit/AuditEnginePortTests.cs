using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Tests.Fakes;

namespace OecCloudFw.Core.Tests.Audit;

/// <summary>
/// The defense-in-depth audit port by port: what each combination of the two layers' verdicts yields (id, severity,
/// message, the evidence carried, the fixes asked of each layer by kind).
/// </summary>
public sealed class AuditEnginePortTests
{
    private static readonly Cidr Admins = Cidr.Parse("198.18.7.0/24");

    private static readonly AuditPort Db = new(5432, "PostgreSQL", false, [], false, false);
    private static readonly AuditPort Https = new(443, "HTTPS", true, [Cidr.AnyIPv4], false, true);
    private static readonly AuditPort SshFromAdmins = new(22, "SSH", true, [Admins], true, true);
    private static readonly AuditPort SshFromAnywhere = new(22, "SSH", true, [Cidr.AnyIPv4], true, true);

    /// <summary>SSH on 22, listening, covered by a fail2ban jail: no host finding of its own.</summary>
    private static readonly HostFacts SshHost = new() { SshPorts = [22], ListeningPublic = new HashSet<int> { 22 }, Fail2BanPorts = [22] };

    private readonly List<string> _asked = [];

    private IReadOnlyList<Fix> Fix(FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        var fix = $"{kind} {port} from [{string.Join(",", sources)}]";
        _asked.Add(fix);
        return [new Fix(kind, Core.Audit.Fix.LayerOf(kind), port, sources, [fix])];
    }

    private AuditReport Run(AuditPort[] ports, ILayerView? cloud, ILayerView server, HostFacts? host = null, Reachability probe = Reachability.NotProbed, Cidr? vantage = null) =>
        AuditEngine.Run("srv", ports, cloud, server, host ?? new HostFacts { ListeningPublic = ports.Select(p => p.Port).ToHashSet() },
            ports.ToDictionary(p => p.Port, _ => probe), Fix, "probes from here", vantage);

    private static TableView Aws() => new("aws sg-1");

    private static TableView Ufw() => new("ufw");

    [Fact]
    public void Run_DatabaseAdmittedByCloudAndServer_CriticalThroughEveryLayerWithBothLayersEvidenceAndCloseFixes()
    {
        var report = Run([Db], Aws().AdmitEverywhere(5432, "sgr-db: allow 5432 from anywhere"), Ufw().AdmitEverywhere(5432, "ufw: ALLOW 5432/tcp"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.PortOpenToInternet, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("PostgreSQL (5432) is open to the internet through every layer: your database is exposed; restrict it or use an SSH tunnel", finding.Message);
        Assert.Equal("sgr-db: allow 5432 from anywhere (v4); ufw: ALLOW 5432/tcp (v4) (IPv4 and IPv6)", finding.Evidence);
        Assert.Equal(["CloudClose 5432 from []", "ServerClose 5432 from []"], finding.Fixes);
        Assert.Equal(Severity.Critical, report.Worst);
        var row = Assert.Single(report.Ports);
        Assert.True(row.OpenToInternetV4);
        Assert.True(row.OpenToInternetV6);
    }

    [Fact]
    public void Run_DatabaseClosedByCloudOpenOnServer_SingleLayerInfoPerFamilyNeverCritical()
    {
        var report = Run([Db], Aws(), Ufw().AdmitEverywhere(5432, "ufw: ALLOW 5432/tcp"));

        Assert.All(report.Findings, f => Assert.Equal(FindingIds.SingleLayer, f.Id));
        Assert.Equal(
            [
                "PostgreSQL (5432) is kept closed by aws sg-1 only; ufw admits it from the internet over IPv4: a single layer of defense",
                "PostgreSQL (5432) is kept closed by aws sg-1 only; ufw admits it from the internet over IPv6: a single layer of defense",
            ],
            report.Findings.Select(f => f.Message));
        Assert.Equal(["ufw: ALLOW 5432/tcp (v4)", "ufw: ALLOW 5432/tcp (v6)"], report.Findings.Select(f => f.Evidence));
        Assert.All(report.Findings, f => Assert.Equal(["ServerClose 5432 from []"], f.Fixes));
        Assert.Equal(Severity.Info, report.Worst);
        Assert.False(Assert.Single(report.Ports).OpenToInternet);
    }

    [Fact]
    public void Run_DatabaseOpenInCloudClosedOnServer_SingleLayerInfoWithTheCloudsEvidenceAndACloudFix()
    {
        var report = Run([Db], Aws().AdmitEverywhere(5432, "sgr-db: allow 5432 from anywhere"), Ufw());

        Assert.Equal(2, report.Findings.Count);
        var v4 = report.Findings[0];
        Assert.Equal(FindingIds.SingleLayer, v4.Id);
        Assert.Equal(Severity.Info, v4.Severity);
        Assert.Equal("PostgreSQL (5432) is kept closed by ufw only; aws sg-1 admits it from the internet over IPv4: a single layer of defense", v4.Message);
        Assert.Equal("sgr-db: allow 5432 from anywhere (v4)", v4.Evidence);
        Assert.Equal(["CloudClose 5432 from []"], v4.Fixes);
    }

    [Fact]
    public void Run_DatabaseRefusedByBothLayers_NoFinding()
    {
        var report = Run([Db], Aws(), Ufw());

        Assert.Empty(report.Findings);
        Assert.Null(report.Worst);
        Assert.Empty(_asked);
    }

    [Fact]
    public void Run_RequiredPortRefusedByTheCloud_CriticalBlockedWithACloudOpenFixFromThePolicysSources()
    {
        var report = Run([Https], Aws(), Ufw().AdmitEverywhere(443, "ufw: ALLOW 443/tcp"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.RequiredBlocked, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("HTTPS (443) is blocked by aws sg-1", finding.Message);
        Assert.Equal("aws sg-1: default deny (443/tcp from 0.0.0.0/0)", finding.Evidence);
        Assert.Equal(["CloudOpen 443 from [0.0.0.0/0]"], finding.Fixes);
    }

    [Fact]
    public void Run_SshRefusedByTheServer_CriticalBecauseManagementFails()
    {
        var report = Run([SshFromAnywhere], null, Ufw(), SshHost);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.RequiredBlocked, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("SSH (22) is blocked by ufw: OEC.sh cannot manage the server (deployments, backups and monitoring fail)", finding.Message);
        Assert.Equal(["ServerOpen 22 from [0.0.0.0/0]"], finding.Fixes);
    }

    [Fact]
    public void Run_WantedOptionalPortRefusedByTheServer_WarningWithTheWantedSources()
    {
        var odoo = new AuditPort(8069, "Odoo HTTP", true, [Admins], false, false);

        var report = Run([odoo], null, Ufw());

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.RequiredBlocked, finding.Id);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("Odoo HTTP (8069) is blocked by ufw", finding.Message);
        Assert.Equal(["ServerOpen 8069 from [198.18.7.0/24]"], finding.Fixes);
    }

    [Fact]
    public void Run_CloudAdmitsOnlyFromAPeerGroup_ThroughPeerInfoAndNoBlockedFindingNorFix()
    {
        var cloud = Aws().Set(443, Cidr.AnyIPv4, new LayerVerdict(Decision.Refused, "sg-web: only sg-lb's members admitted") { ThroughPeer = "sg-lb" });

        var report = Run([Https], cloud, Ufw().AdmitEverywhere(443, "ufw: ALLOW 443/tcp"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.ThroughPeer, finding.Id);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("HTTPS (443) is not admitted from 0.0.0.0/0 directly by aws sg-1: only members of sg-lb reach it (a load balancer or a bastion); if clients come through them, this is intended", finding.Message);
        Assert.Equal("sg-web: only sg-lb's members admitted", finding.Evidence);
        Assert.Empty(finding.Fixes);
        Assert.Empty(_asked);
    }

    [Fact]
    public void Run_SshRestrictedInTheCloudOnly_SingleLayerWarningPerFamilyWithAServerFixToTheManagementSources()
    {
        var report = Run([SshFromAdmins], Aws().Admit(22, Admins, "sgr-ssh: allow 22 from 198.18.7.0/24"), Ufw().AdmitEverywhere(22, "ufw: ALLOW 22/tcp"), SshHost);

        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f =>
        {
            Assert.Equal(FindingIds.SingleLayer, f.Id);
            Assert.Equal(Severity.Warning, f.Severity);
            Assert.Equal(["ServerOpen 22 from [198.18.7.0/24]"], f.Fixes);
        });
        Assert.Equal("SSH (22) is restricted to 198.18.7.0/24 in aws sg-1 only; ufw admits the whole internet over IPv4: a single layer of defense", report.Findings[0].Message);
        Assert.Equal("ufw: ALLOW 22/tcp (v4)", report.Findings[0].Evidence);
        Assert.EndsWith("over IPv6: a single layer of defense", report.Findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SshRestrictedInBothLayers_NoFinding()
    {
        var report = Run([SshFromAdmins], Aws().Admit(22, Admins, "sgr-ssh: allow 22 from 198.18.7.0/24"), Ufw().Admit(22, Admins, "ufw: ALLOW 22/tcp from 198.18.7.0/24"), SshHost);

        Assert.Empty(report.Findings);
        Assert.True(Assert.Single(report.Ports).ServerFromSources.Admitted);
    }

    [Fact]
    public void Run_SshOpenToTheInternetThroughBothLayers_WarningWithRestrictFixesForEachLayer()
    {
        var report = Run([SshFromAnywhere], Aws().AdmitEverywhere(22, "sgr-ssh: allow 22 from anywhere"), Ufw().AdmitEverywhere(22, "ufw: ALLOW 22/tcp"), SshHost);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.SshOpenToInternet, finding.Id);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("SSH (22) is open to the whole internet through every layer: restrict it to the management IPs", finding.Message);
        Assert.Equal("sgr-ssh: allow 22 from anywhere (v4); ufw: ALLOW 22/tcp (v4) (IPv4 and IPv6)", finding.Evidence);
        Assert.Equal(["CloudRestrict 22 from [0.0.0.0/0]", "ServerRestrict 22 from [0.0.0.0/0]"], finding.Fixes);
    }

    [Fact]
    public void Run_ServerVerdictIndeterminate_OneFindingPerDistinctEvidenceNoOpenOrSingleLayerClaim()
    {
        var unsure = new LayerVerdict(Decision.Indeterminate, "ufw-user-input: -p tcp --dport 5432 -m geoip --src-cc DE -j ACCEPT");
        var server = Ufw().Set(5432, Cidr.AnyIPv4, unsure).Set(5432, Cidr.AnyIPv6, unsure);

        var report = Run([Db], Aws().AdmitEverywhere(5432, "sgr-db: allow 5432 from anywhere"), server);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.Indeterminate, finding.Id);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("whether ufw admits PostgreSQL (5432) from the internet over IPv4 on srv cannot be decided: a rule on the packet's path has a match the tool does not model", finding.Message);
        Assert.Equal(unsure.Evidence, finding.Evidence);
        Assert.Empty(finding.Fixes);
    }

    [Fact]
    public void Run_SshVerdictIndeterminateWithDifferentRulesPerFamily_AWarningForEach()
    {
        var server = Ufw()
            .Set(22, Cidr.AnyIPv4, new LayerVerdict(Decision.Indeterminate, "-A INPUT -p tcp --dport 22 -m recent --rcheck -j DROP"))
            .Set(22, Cidr.AnyIPv6, new LayerVerdict(Decision.Indeterminate, "-A INPUT -p tcp --dport 22 -m time --timestart 08:00 -j ACCEPT"));

        var report = Run([SshFromAnywhere], null, server, SshHost);

        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal((FindingIds.Indeterminate, Severity.Warning), (f.Id, f.Severity)));
        Assert.Equal(["-A INPUT -p tcp --dport 22 -m recent --rcheck -j DROP", "-A INPUT -p tcp --dport 22 -m time --timestart 08:00 -j ACCEPT"], report.Findings.Select(f => f.Evidence));
    }

    [Fact]
    public void Run_CloudRuleWithAnUnmodelledMatchOnTheRealEngine_IndeterminateNamesTheCloudAndItsRule()
    {
        var unmodelled = new ChainRule
        {
            Matches = [FixedMatch.Unknown("prefix list pl-1 was not read"), new PortMatch([PortRange.Single(5432)], false)],
            Target = ChainTarget.Accept,
            Text = "sgr-pl: allow 5432 from pl-1",
        };
        var cloud = FakePaths.View("aws sg-1", [], more: [unmodelled]);

        var report = Run([Db], cloud, Ufw().AdmitEverywhere(5432, "ufw: ALLOW 5432/tcp"));

        Assert.True(report.Ports[0].CloudFromInternetV4!.Indeterminate);
        Assert.NotEmpty(report.Findings);
        Assert.All(report.Findings, f =>
        {
            Assert.Equal(FindingIds.Indeterminate, f.Id);
            Assert.StartsWith("whether aws sg-1 admits PostgreSQL (5432) from ", f.Message, StringComparison.Ordinal);
            Assert.Contains("sgr-pl: allow 5432 from pl-1", f.Evidence, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(false, FindingIds.LatentExposure, Severity.Warning)]
    [InlineData(true, FindingIds.PortOpenToInternet, Severity.Critical)]
    public void Run_DatabaseAdmittedByTheCloudsRulesOnTheRealEngine_LatentWithoutAPublicAddressCriticalWithOne(bool publicIpv4, string id, Severity severity)
    {
        var cloud = FakePaths.View("aws sg-db", [new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Id: "sgr-db")], publicIpv4: publicIpv4, publicIpv6: false);

        var report = Run([Db], cloud, Ufw().AdmitEverywhere(5432, "ufw: ALLOW 5432/tcp"));

        var finding = Assert.Single(report.Findings, f => f.Id is FindingIds.LatentExposure or FindingIds.PortOpenToInternet);
        Assert.Equal(id, finding.Id);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(severity, report.Worst);
        Assert.Contains("sgr-db: allow tcp/5432 from 0.0.0.0/0", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal(["CloudClose 5432 from []"], finding.Fixes.Take(1));
        if (!publicIpv4)
        {
            Assert.Equal(Decision.Admitted, report.Ports[0].CloudFromInternetV4!.Latent!.Decision);
            Assert.StartsWith("PostgreSQL (5432) is not reachable from the internet over IPv4 now (", finding.Message, StringComparison.Ordinal);
            Assert.Contains("no public IPv4 address: not reachable from the internet", finding.Message, StringComparison.Ordinal);
            Assert.EndsWith("but aws sg-db would admit it from the whole internet were the instance given a public IPv4 address: latent exposure, restrict it", finding.Message, StringComparison.Ordinal);
            Assert.EndsWith("; ufw: ALLOW 5432/tcp (v4)", finding.Evidence, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_SshAdmittedByTheCloudsRulesWithoutAPublicAddress_LatentIsInfoBelowSshsWarning()
    {
        var cloud = FakePaths.View("aws sg-1", [new Rule(Protocol.Tcp, PortRange.Single(22), Cidr.AnyIPv4, Id: "sgr-ssh")], publicIpv4: false, publicIpv6: false);

        var report = Run([SshFromAdmins], cloud, Ufw().AdmitEverywhere(22, "ufw: ALLOW 22/tcp"), SshHost);

        var latent = Assert.Single(report.Findings, f => f.Id == FindingIds.LatentExposure);
        Assert.Equal(Severity.Info, latent.Severity);
        Assert.DoesNotContain(report.Findings, f => f.Id == FindingIds.SshOpenToInternet);
    }

    [Fact]
    public void Run_ServerAdmitsIPv4OnlyForAnUnwantedDatabase_FamilyMismatchCriticalWithACloseFix()
    {
        var report = Run([Db], null, Ufw().Admit(5432, Cidr.AnyIPv4, "ufw: ALLOW 5432/tcp"));

        var mismatch = Assert.Single(report.Findings, f => f.Id == FindingIds.FamilyMismatch);
        Assert.Equal(Severity.Critical, mismatch.Severity);
        Assert.Equal("PostgreSQL (5432) is admitted on IPv4 but refused on IPv6 by ufw", mismatch.Message);
        Assert.Equal("IPv4: ufw: ALLOW 5432/tcp; IPv6: ufw: default deny (5432/tcp from ::/0)", mismatch.Evidence);
        Assert.Equal(["ServerClose 5432 from []"], mismatch.Fixes);
        var open = Assert.Single(report.Findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.EndsWith("(IPv4 only)", open.Evidence, StringComparison.Ordinal);
        Assert.Contains("by ufw (cloud layer not examined)", open.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ServerAdmitsIPv4OnlyForAPortWantedFromTheInternet_FamilyMismatchWarningWithAnOpenFix()
    {
        var report = Run([Https], null, Ufw().Admit(443, Cidr.AnyIPv4, "ufw: ALLOW 443/tcp"));

        var mismatch = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.FamilyMismatch, mismatch.Id);
        Assert.Equal(Severity.Warning, mismatch.Severity);
        Assert.Equal(["ServerOpen 443 from [0.0.0.0/0]"], mismatch.Fixes);
    }

    [Fact]
    public void Run_SshAdmittedButNothingListens_CriticalNotListeningWithTheProbe()
    {
        var host = SshHost with { ListeningPublic = new HashSet<int>() };

        var report = Run([SshFromAdmins], null, Ufw().Admit(22, Admins, "ufw: ALLOW 22/tcp from 198.18.7.0/24"), host, Reachability.Closed);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.NotListening, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("SSH (22) is admitted but nothing listens on it on srv: connections are refused (is sshd running? sudo systemctl status sshd)", finding.Message);
        Assert.Equal("ss -Htlnp shows no listener on port 22; the probe was refused", finding.Evidence);
    }

    [Fact]
    public void Run_ModelAdmitsTheVantageButTheProbeGotNoAnswer_ModelProbeMismatch()
    {
        var report = Run([Https], null, Ufw().AdmitEverywhere(443, "ufw: ALLOW 443/tcp"), probe: Reachability.Filtered, vantage: Cidr.Parse("198.18.0.1/32"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.ModelProbeMismatch, finding.Id);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("ufw admits HTTPS (443) from 198.18.0.1/32 by the model, but the probe from there got no answer: the model and the network disagree", finding.Message);
        Assert.Equal("model: ufw: ALLOW 443/tcp (v4); probe: filtered", finding.Evidence);
    }

    [Fact]
    public void Run_ModelRefusesTheVantageButTheProbeConnected_ModelProbeMismatch()
    {
        var report = Run([Db], null, Ufw(), probe: Reachability.Open, vantage: Cidr.Parse("198.18.0.1/32"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.ModelProbeMismatch, finding.Id);
        Assert.Equal("ufw refuses PostgreSQL (5432) from 198.18.0.1/32 by the model, but the probe from there connected: the model and the network disagree", finding.Message);
    }

    [Fact]
    public void Run_CloudRefusesTheVantage_NoSelfCheckOfTheServerModel()
    {
        var report = Run([Db], Aws(), Ufw(), probe: Reachability.Open, vantage: Cidr.Parse("198.18.0.1/32"));

        Assert.DoesNotContain(report.Findings, f => f.Id == FindingIds.ModelProbeMismatch);
    }

    [Fact]
    public void Run_SshdOnAnotherPortThanTheAdmittedOne_CriticalMismatchWithOpenFixesForTheRealPort()
    {
        AuditPort[] ports = [new(2222, "SSH", true, [Cidr.AnyIPv4], true, true), new(22, "SSH", false, [], false, false)];
        var host = new HostFacts { SshPorts = [2222], ListeningPublic = new HashSet<int> { 2222 }, Fail2BanPorts = [2222] };

        var report = Run(ports, null, Ufw().AdmitEverywhere(22, "ufw: ALLOW 22/tcp"), host);

        var finding = Assert.Single(report.Findings, f => f.Id == FindingIds.SshPortMismatch);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("sshd listens on 2222, but only 22 is admitted: management connections to 2222 fail", finding.Message);
        Assert.Equal("sshd -T: port 2222; ufw: default deny (2222/tcp from 0.0.0.0/0)", finding.Evidence);
        Assert.Equal(["CloudOpen 2222 from []", "ServerOpen 2222 from []"], finding.Fixes);
    }

    [Fact]
    public void Run_DockerPublishesARefusedDatabasePort_CriticalBypassWithDockerAndCloudFixes()
    {
        var host = new HostFacts { DockerHost = true, DockerPublished = [(5432, true, false, "nat PREROUTING: DNAT tcp dpt:5432 to:172.17.0.2:5432")] };

        var report = Run([Db], null, Ufw(), host);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.DockerBypass, finding.Id);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("nat PREROUTING: DNAT tcp dpt:5432 to:172.17.0.2:5432", finding.Evidence);
        // Core asks the server layer's owner for the Docker fix (it renders DOCKER-USER or nft: ServerFixesTests), then the cloud's.
        Assert.Equal(["ServerDocker 5432 from []", "CloudClose 5432 from []"], finding.Fixes);
        Assert.Equal(new FindingSubject("srv", 5432, "tcp", "server", "docker"), finding.Subject);
    }

    [Fact]
    public void Run_NoServerFirewallBehindACloudLayer_TheCloudIsSaidToBeTheOnlyDefense()
    {
        var report = Run([Https], Aws().AdmitEverywhere(443, "sgr-web: allow 443"), new TableView("none", filters: false).AdmitEverywhere(443, "no rule filters input"));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingIds.NoFirewall, finding.Id);
        Assert.Equal("no firewall is active on srv: aws sg-1 is the only defense", finding.Message);
        Assert.Equal(["ServerOpen 22 from []"], finding.Fixes);
    }
}
