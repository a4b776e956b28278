using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Tests.Fakes;

namespace OecCloudFw.Core.Tests.Audit;

/// <summary>
/// The audit over both layers as read through the seam, the way the use cases wire it: each layer's view from its
/// state, and each fix asked of the layer that owns it by kind (cloud kinds of the cloud layer, with its state).
/// </summary>
public sealed class AuditEngineSeamTests
{
    [Fact]
    public async Task Run_OnStatesReadThroughTheSeam_FindingsCarryEachLayersOwnFixesAndTheLayersNames()
    {
        var log = new CallLog();
        var remote = new FakeCloudFirewall(log);
        remote.Seed(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4, Id: "fr-db"));
        var cloud = new FakeCloudLayer(remote);
        var server = new FakeServerLayer(log, new FakeTimeProvider());
        server.Rules.Add(new Rule(Protocol.Tcp, PortRange.Single(5432), Cidr.AnyIPv4));
        var state = await BothLayers.ReadAsync(cloud, server, TestContext.Current.CancellationToken);
        var asked = new List<FixKind>();

        var report = AuditEngine.Run("srv", [new AuditPort(5432, "PostgreSQL", false, [], false, false)], state.Cloud!.View, state.Server.View,
            new HostFacts { ListeningPublic = new HashSet<int> { 5432 } }, new Dictionary<int, Reachability>(),
            (kind, port, sources) =>
            {
                asked.Add(kind);
                return kind.ToString().StartsWith("Cloud", StringComparison.Ordinal) ? cloud.Fixes(state.Cloud, kind, port, sources) : [new Fix(kind, "server", port, sources, [$"ufw deny {port}/tcp"])];
            },
            "probes from here");

        var open = Assert.Single(report.Findings, f => f.Id == FindingIds.PortOpenToInternet);
        Assert.Equal(Severity.Critical, open.Severity);
        Assert.Equal(["fakecloud CloudClose 5432 from ", "ufw deny 5432/tcp"], open.Fixes);
        Assert.Contains("fr-db: allow tcp/5432 from 0.0.0.0/0", open.Evidence, StringComparison.Ordinal);
        // The server admits 5432 over IPv4 only (its rule is IPv4): the mismatch's fix is asked of the server.
        var mismatch = Assert.Single(report.Findings, f => f.Id == FindingIds.FamilyMismatch);
        Assert.Equal(["ufw deny 5432/tcp"], mismatch.Fixes);
        Assert.Equal([FixKind.CloudClose, FixKind.ServerClose, FixKind.ServerClose], asked);
        Assert.Equal("fakecloud fw-1", report.CloudLayer);
        Assert.Equal("ufw", report.ServerLayer);
        Assert.Equal("IPv4 only", open.Evidence[(open.Evidence.LastIndexOf('(') + 1)..^1]);
    }
}
