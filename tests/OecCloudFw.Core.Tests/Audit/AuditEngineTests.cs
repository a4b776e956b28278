using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Tests.Audit;

/// <summary>The findings claim what was read and seen, no more.</summary>
public sealed class AuditEngineTests
{
    private static readonly AuditPort[] Ports =
    [
        new(22, "SSH", true, [Cidr.AnyIPv4], true, true),
        new(5432, "PostgreSQL", false, [], false, false),
    ];

    private static AuditReport Run(ILayerView? cloud, ILayerView server, IReadOnlySet<int> listening, Reachability probe5432) =>
        AuditEngine.Run("srv", Ports, cloud, server, new HostFacts { SshPorts = [22], ListeningPublic = listening },
            new Dictionary<int, Reachability> { [22] = Reachability.Open, [5432] = probe5432 }, (k, p, s) => [new Fix(k, Fix.LayerOf(k), p, s, ["fix"])], "probes from here");

    [Fact]
    public void Run_NoCloudLayer_SaysNotExaminedAndNeverEveryLayerOrOnlyDefense()
    {
        var report = Run(null, new Layer("ufw", filters: false), new HashSet<int> { 22, 5432 }, Reachability.Open);
        var text = string.Join("\n", report.Findings.Select(f => f.Message));

        Assert.DoesNotContain("every layer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("only defense", text, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Id == FindingIds.NoFirewall && f.Message.Contains("cloud layer not examined", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Id == FindingIds.SshOpenToInternet && f.Message.Contains("by ufw (cloud layer not examined)", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Id == FindingIds.PortOpenToInternet && f.Severity == Severity.Critical && f.Message.Contains("by ufw (cloud layer not examined)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fail2ban-regex: the sshd jail's filter sshd matched 0 of 3 sshd failure line(s) in /var/log/auth.log", true)]
    [InlineData(null, false)]
    public void Run_JailOnTheSshPortWhoseFilterMissesSshdsLines_SaysItBansNobody(string? misses, bool finding)
    {
        var report = AuditEngine.Run("srv", Ports, null, new Layer("ufw", filters: true),
            new HostFacts { SshPorts = [22], ListeningPublic = new HashSet<int> { 22 }, Fail2BanPorts = [22], Fail2BanFilterMisses = misses },
            new Dictionary<int, Reachability>(), (k, p, s) => [new Fix(k, Fix.LayerOf(k), p, s, ["fix"])], "probes from here");

        var found = report.Findings.Where(f => f.Id == FindingIds.NoFail2Ban).ToList();
        Assert.Equal(finding ? 1 : 0, found.Count);
        if (finding)
        {
            Assert.Equal("fail2ban is installed but its filter matches none of this server's sshd failures: brute-force attempts on SSH are not blocked", found[0].Message);
            Assert.Equal(misses, found[0].Evidence);
        }
    }

    [Fact]
    public void Run_WithCloudLayer_EveryLayerIsSaid()
    {
        var report = Run(new Layer("aws sg-1", filters: true), new Layer("ufw", filters: true), new HashSet<int> { 22, 5432 }, Reachability.Open);

        Assert.Contains(report.Findings, f => f.Id == FindingIds.PortOpenToInternet && f.Severity == Severity.Critical && f.Message.Contains("through every layer", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Reachability.Closed, "the probe found it closed")]
    [InlineData(Reachability.Filtered, "the probe found it filtered")]
    public void Run_DatabaseAdmittedNothingListeningProbeNotOpen_WarningThatSaysWhatWasSeen(Reachability probe, string seen)
    {
        var report = Run(null, new Layer("ufw", filters: true), new HashSet<int> { 22 }, probe);

        var finding = Assert.Single(report.Findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.DoesNotContain("exposed;", finding.Message, StringComparison.Ordinal);
        Assert.Contains("admitted from the internet by ufw (cloud layer not examined), but nothing listens on it", finding.Message, StringComparison.Ordinal);
        Assert.Contains(seen, finding.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void Run_DatabaseAdmittedNothingListeningNotProbed_StaysCriticalWithoutClaimingItIsExposedNow()
    {
        var report = Run(null, new Layer("ufw", filters: true), new HashSet<int> { 22 }, Reachability.NotProbed);

        var finding = Assert.Single(report.Findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("PostgreSQL (5432) is open to the internet by ufw (cloud layer not examined), though nothing listens on it now (not probed): a database started on it would be exposed; restrict it or use an SSH tunnel", finding.Message);
    }

    /// <summary>A layer that admits every TCP port from anywhere (or filters nothing).</summary>
    private sealed class Layer(string name, bool filters) : ILayerView
    {
        public string Name => name;

        public bool Filters => filters;

        public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source) => new(true, filters ? $"{name}: allow {port}/tcp" : "no rule filters input");

        public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => new(true, "no egress rule");
    }
}
