using System.Globalization;
using System.Net;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;
using OecCloudFw.DigitalOcean.Api;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;
using OecCloudFw.Testing;

namespace OecCloudFw.DigitalOcean.Tests.Product;

/// <summary>
/// The product against the independent oracle (Oracle/, written from DigitalOcean's documentation alone): each generated
/// account is seeded into the fake, read through the layer over real HTTP (paginated lists followed to the end), and
/// every question answered by the layer's compiled paths (the one engine). Zero definite disagreements; the figures go to
/// artifacts/differential/digitalocean.txt. OECFW_DIFF_SEED=N replays the one case a failure names (Replay(N)).
/// </summary>
public sealed class DigitalOceanDifferentialTests(ITestOutputHelper output)
{
    private const int Cases = 300;

    [Fact]
    public async Task Product_AgreesWithTheOracle_OnGeneratedAccountsReadOverHttp()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var replay = Environment.GetEnvironmentVariable("OECFW_DIFF_SEED");
        var seed = CloudDifferentialRun.Seed();
        var cases = CloudDifferentialRun.Cases(Cases);
        IReadOnlyList<int> caseSeeds = replay is not null
            ? [int.Parse(replay, CultureInfo.InvariantCulture)]
            : CaseSeeds(seed, cases);
        var views = new Dictionary<int, PathSet>();
        foreach (var caseSeed in caseSeeds)
        {
            views[caseSeed] = await ReadAsync(DoCaseGenerator.Generate(caseSeed));
        }

        ProductEvaluator product = (input, protocol, port, ipv6, inbound) => Answer(views[input.Seed], protocol, port, ipv6, inbound);
        var report = replay is not null ? DigitalOceanDifferential.Replay(caseSeeds[0], product) : DigitalOceanDifferential.Run(seed, cases, product);

        var summary = CloudDifferentialRun.Summary("digitalocean cloud", replay is null ? seed : caseSeeds[0], replay is null ? "generated accounts" : "replayed account", report.Cases, report.Queries, report.Addresses, report.Definite, report.Disagreements, report.ProductIndeterminate, started.Elapsed);
        output.WriteLine(summary);
        if (replay is null)
        {
            DifferentialFigures.Write("digitalocean", summary);
        }

        Assert.True(report.Disagreements == 0, summary + "\n" + string.Join("\n", report.FirstDisagreements));
        Assert.True(report.Definite > report.Cases * 50, summary);
        Assert.True(report.ProductIndeterminate < report.Definite / 10, summary);
    }

    [Fact]
    public async Task Product_BrokenByAssumingSmtpAlwaysBlocked_TheDifferentialCatchesIt()
    {
        var caseSeeds = CaseSeeds(2026, 40);
        var views = new Dictionary<int, PathSet>();
        foreach (var caseSeed in caseSeeds)
        {
            views[caseSeed] = await ReadAsync(DoCaseGenerator.Generate(caseSeed), smtpBlocked: true);
        }

        var report = DigitalOceanDifferential.Run(2026, 40, (input, protocol, port, ipv6, inbound) => Answer(views[input.Seed], protocol, port, ipv6, inbound));

        Assert.True(report.Disagreements > 0, $"{report}");
        Assert.Contains(report.FirstDisagreements, d => d.Contains("outbound tcp/25", StringComparison.Ordinal));
    }

    /// <summary>The case seeds <see cref="DigitalOceanDifferential.Run"/> draws from the run's seed.</summary>
    private static List<int> CaseSeeds(int seed, int cases)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, cases).Select(_ => rng.Next())];
    }

    /// <summary>The case in the fake, read through the product's client and layer: its compiled paths.</summary>
    private static async Task<PathSet> ReadAsync(DoCase input, bool? smtpBlocked = null)
    {
        await using var fake = await DigitalOceanFake.StartAsync();
        fake.Seed(input);
        fake.SettleAfterReads = 0;
        using var layer = new FirewallLayer(
            new DigitalOceanClient(fake.Url, DigitalOceanFake.ReadWriteToken, TimeProvider.System),
            new LayerTarget(input.ServerId.ToString(CultureInfo.InvariantCulture), null),
            TimeProvider.System,
            smtpBlocked: smtpBlocked ?? input.Smtp25Blocked);
        var state = await layer.ReadAsync(TestContext.Current.CancellationToken);
        return ((PathView)state.View).Paths;
    }

    /// <summary>
    /// The filters' verdict (reach: false): the oracle judges the firewalls and DigitalOcean's restrictions, not whether
    /// the droplet has an address of that family (the reach gate is tested in FirewallLayerTests).
    /// </summary>
    private static Func<IPAddress, OracleDecision> Answer(PathSet paths, string protocol, int port, bool ipv6, bool inbound)
    {
        var family = ipv6 ? IpFamily.IPv6 : IpFamily.IPv4;
        var (packetProtocol, packetPort) = CloudDifferentialRun.Packet(protocol, port, family);
        var pieces = inbound
            ? paths.Inbound(packetProtocol, packetPort, AddressSet.All(family), reach: false)
            : paths.Outbound(packetProtocol, packetPort, AddressSet.All(family));
        var decide = CloudDifferentialRun.Lookup(pieces);
        return address => decide(address) switch
        {
            Decision.Admitted => OracleDecision.Admitted,
            Decision.Refused => OracleDecision.Refused,
            _ => OracleDecision.Indeterminate,
        };
    }
}
