using System.Globalization;
using System.Net;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;
using OecCloudFw.Hetzner.Tests.Fake;
using OecCloudFw.Hetzner.Tests.Oracle;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>
/// The product's Hetzner evaluation end to end (its HTTP client reading the fake, its resolution of the firewalls that
/// apply, its path compiled to the one engine) against the independent oracle written from Hetzner's documentation:
/// generated projects seeded into the fake, zero definite disagreements. OECFW_CLOUD_DIFF_SEED replays a run,
/// OECFW_DIFF_SEED one case (the seed a disagreement names); the figures go to artifacts/differential/hetzner.txt.
/// </summary>
public sealed class HetznerLayerDifferentialTests(ITestOutputHelper output)
{
    private const int Cases = 1000;

    [Fact]
    public async Task Product_ReadingTheFakeOverHttp_AgreesWithTheOracle_OnGeneratedProjects()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Testing.CloudDifferentialRun.Seed();
        var replay = int.TryParse(Environment.GetEnvironmentVariable("OECFW_DIFF_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one) ? one : (int?)null;
        var cases = replay is null ? Testing.CloudDifferentialRun.Cases(Cases) : 1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var fake = await HetznerFake.StartAsync();
        var clock = new InstantClock();
        var views = new Dictionary<int, PathView>();
        foreach (var caseSeed in replay is { } r ? [r] : HetznerDifferential.CaseSeeds(seed, cases))
        {
            var generated = HetznerCaseGenerator.Generate(caseSeed);
            fake.Reset();
            fake.Seed(generated);
            using var layer = HetznerHarness.Layer(fake, clock, server: generated.Server.Id.ToString(CultureInfo.InvariantCulture), smtpUnblocked: generated.Server.SmtpUnblocked ? "true" : "false");
            var state = await layer.ReadAsync(ct);
            Assert.Equal(0, fake.Writes);
            views[caseSeed] = (PathView)state.View;
        }

        ProductEvaluator product = (input, protocol, port, ipv6, inbound) => Product(views[input.Seed], protocol, port, ipv6, inbound);
        var report = replay is { } single ? HetznerDifferential.Replay(single, product) : HetznerDifferential.Run(seed, cases, product);
        var summary = Testing.CloudDifferentialRun.Summary("hetzner cloud", replay ?? seed, replay is null ? "generated projects" : "replayed project", report.Cases, report.Queries, report.Addresses, report.Definite, report.Disagreements, report.ProductIndeterminate, started.Elapsed);
        output.WriteLine(summary);
        if (replay is null)
        {
            Testing.DifferentialFigures.Write("hetzner", summary);
        }

        Assert.True(report.Cases >= Math.Min(cases, 300) || replay is not null);
        Assert.True(report.Definite > report.Cases * 20, summary);
        Assert.True(report.Disagreements == 0, summary + "\n" + string.Join("\n", report.FirstDisagreements));
    }

    /// <summary>The product's answer for one query, from the view its read compiled: inbound through the path, outbound as the server's egress.</summary>
    private static Func<IPAddress, OracleDecision> Product(PathView view, string protocol, int port, bool ipv6, bool inbound)
    {
        var family = ipv6 ? IpFamily.IPv6 : IpFamily.IPv4;
        var (packetProtocol, packetPort) = Testing.CloudDifferentialRun.Packet(protocol, port, family);
        var pieces = inbound
            ? view.Pieces(packetProtocol, packetPort, AddressSet.All(family))
            : view.Paths.Outbound(packetProtocol, packetPort, AddressSet.All(family));
        var decide = Testing.CloudDifferentialRun.Lookup(pieces);
        return address => decide(address) switch
        {
            Decision.Admitted => OracleDecision.Admitted,
            Decision.Refused => OracleDecision.Refused,
            _ => OracleDecision.Indeterminate,
        };
    }
}
