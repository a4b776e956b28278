using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Tests.Audit;

/// <summary>Findings carry what they are about as fields, a fingerprint of that (not of their wording), and their fixes as data.</summary>
public sealed class FindingSubjectTests
{
    private static readonly AuditPort[] Ports =
    [
        new(22, "SSH", true, [Cidr.AnyIPv4], true, true),
        new(5432, "PostgreSQL", false, [], false, false),
    ];

    private static AuditReport Run(string server, string evidenceWord) =>
        AuditEngine.Run(server, Ports, new Layer("aws sg-1", evidenceWord), new Layer("ufw", evidenceWord),
            new HostFacts { SshPorts = [22], ListeningPublic = new HashSet<int> { 22, 5432 }, PasswordAuthentication = "yes" },
            new Dictionary<int, Reachability> { [22] = Reachability.Open, [5432] = Reachability.Open },
            (kind, port, sources) => [new Fix(kind, Fix.LayerOf(kind), port, sources, [$"{kind} {port}"]) { Resource = Fix.LayerOf(kind) == "cloud" ? "sg-1" : "ufw", Removes = Fix.LayerOf(kind) == "cloud" ? "sgr-9" : null }],
            "probes from here");

    [Fact]
    public void PortFinding_SaysServerPortProtocolAndLayer_AsFields()
    {
        var report = Run("web-1", "allow");

        var db = Assert.Single(report.Findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(new FindingSubject("web-1", 5432, "tcp", "both", null), db.Subject);
        var password = Assert.Single(report.Findings, f => f.Id == FindingIds.PasswordAuthentication);
        Assert.Equal(FindingSubject.Host("sshd") with { Server = "web-1" }, password.Subject);
        Assert.All(report.Findings, f => Assert.Equal("web-1", f.Subject.Server));
    }

    [Fact]
    public void Fingerprint_IgnoresTheWordingAndEvidence_ButNotTheSubject()
    {
        var first = Run("web-1", "allow").Findings.Single(f => f.Id == FindingIds.PortOpenToInternet);
        var reworded = Run("web-1", "ACCEPT (rule 7)").Findings.Single(f => f.Id == FindingIds.PortOpenToInternet);
        var elsewhere = Run("web-2", "allow").Findings.Single(f => f.Id == FindingIds.PortOpenToInternet);

        Assert.NotEqual(first.Evidence, reworded.Evidence);
        Assert.Equal(first.Fingerprint, reworded.Fingerprint);
        Assert.NotEqual(first.Fingerprint, elsewhere.Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", first.Fingerprint);
        // Every finding of one run is told apart by its fingerprint.
        var all = Run("web-1", "allow").Findings;
        Assert.Equal(all.Count, all.Select(f => f.Fingerprint).Distinct().Count());
    }

    [Fact]
    public void Fixes_AreData_PerLayer_AndTheirCommandsInOrder()
    {
        var db = Run("web-1", "allow").Findings.Single(f => f.Id == FindingIds.PortOpenToInternet);

        Assert.Equal([FixKind.CloudClose, FixKind.ServerClose], db.Remedies.Select(r => r.Kind));
        var cloud = db.Remedies[0];
        Assert.Equal(("cloud", "sg-1", "sgr-9", 5432), (cloud.Layer, cloud.Resource, cloud.Removes, cloud.Port));
        Assert.Equal(("server", "ufw"), (db.Remedies[1].Layer, db.Remedies[1].Resource));
        Assert.Equal(["CloudClose 5432", "ServerClose 5432"], db.Fixes);
    }

    private sealed class Layer(string name, string word) : ILayerView
    {
        public string Name => name;

        public bool Filters => true;

        public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source) => new(true, $"{name}: {word} {port}/tcp");

        public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => new(true, "no egress rule");
    }
}
