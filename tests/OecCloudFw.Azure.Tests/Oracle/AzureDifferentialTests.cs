using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>The harness itself: it passes a faithful product, and it catches wrong ones.</summary>
public sealed class AzureDifferentialTests
{
    private readonly ITestOutputHelper output;

    public AzureDifferentialTests(ITestOutputHelper output) => this.output = output;

    /// <summary>A reference "product": the oracle over the case read back from the wire, optionally mutated.</summary>
    private static ProductEvaluator FromWire(Func<AzureCase, AzureCase>? mutate = null) =>
        (wire, protocol, port, ipv6) =>
        {
            var c = AzureWireReader.Read(wire);
            return AzureOracle.Prepare(mutate is null ? c : mutate(c), protocol, port, ipv6);
        };

    private static AzureCase MapRules(AzureCase c, Func<IReadOnlyList<AzureRule>, IReadOnlyList<AzureRule>> f) =>
        c with { Nsgs = [.. c.Nsgs.Select(n => n with { Rules = f(n.Rules) })] };

    [Fact]
    public void A_product_that_reads_the_wire_faithfully_has_no_disagreements_and_the_run_is_not_vacuous()
    {
        var report = AzureDifferential.Run(20261207, 400, FromWire());
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.Disagreements);
        Assert.Equal(0, report.ProductIndeterminate);
        Assert.Equal(400, report.Cases);
        Assert.Equal(400 * 6, report.Queries);
        Assert.InRange(report.Definite, report.Addresses / 2, report.Addresses - 1); // some Indeterminate, mostly definite
    }

    [Fact]
    public void Each_answer_occurs_for_both_families()
    {
        var counts = new Dictionary<(bool, OracleDecision), int>();
        ProductEvaluator counting = (wire, protocol, port, ipv6) =>
        {
            var oracle = AzureOracle.Prepare(AzureWireReader.Read(wire), protocol, port, ipv6);
            return a =>
            {
                var d = oracle(a);
                counts[(ipv6, d)] = counts.GetValueOrDefault((ipv6, d)) + 1;
                return d;
            };
        };
        var report = AzureDifferential.Run(7, 300, counting);
        Assert.Equal(0, report.Disagreements);
        foreach (var ipv6 in new[] { false, true })
        {
            foreach (var d in Enum.GetValues<OracleDecision>())
            {
                Assert.True(counts.GetValueOrDefault((ipv6, d)) >= 100, $"{(ipv6 ? "IPv6" : "IPv4")} {d}: {counts.GetValueOrDefault((ipv6, d))}");
            }
        }
    }

    public static TheoryData<string> Mutants => ["ignore deny rules", "ignore the subnet NSG", "Standard is open like Basic",
        "priorities reversed", "outbound rules count inbound", "Esp matches everything", "VirtualNetwork is every private address",
        "tags never match", "ignore the second NIC", "ports ignored"];

    [Theory]
    [MemberData(nameof(Mutants))]
    public void A_wrong_product_is_reported_with_a_replayable_seed(string mutant)
    {
        Func<AzureCase, AzureCase> mutate = mutant switch
        {
            "ignore deny rules" => c => MapRules(c, rs => [.. rs.Where(r => r.Allow)]),
            "ignore the subnet NSG" => c => c with { Subnets = [.. c.Subnets.Select(s => s with { Nsg = null })] },
            "Standard is open like Basic" => c => c with
            {
                Nics = [.. c.Nics.Select(n => n.PublicIp == PublicIpSku.Standard ? n with { PublicIp = PublicIpSku.Basic } : n)],
            },
            "priorities reversed" => c => MapRules(c, rs => [.. rs.Select(r => r with { Priority = 5000 - r.Priority })]),
            "outbound rules count inbound" => c => MapRules(c, rs => [.. rs.Select(r => r with { Inbound = true })]),
            "Esp matches everything" => c => MapRules(c, rs => [.. rs.Select(r => r.Protocol == "Esp" ? r with { Protocol = "*" } : r)]),
            "VirtualNetwork is every private address" => c => c with
            {
                Nsgs = [.. c.Nsgs.Select(n => n with
                {
                    Rules = [.. n.Rules.Select(Vnet)],
                    DefaultRules = [.. n.DefaultRules.Select(Vnet)],
                })],
            },
            "tags never match" => c => MapRules(c, rs => [.. rs.Select(r =>
                r.SourcePrefixes.Any(p => p.Contains("Storage", StringComparison.Ordinal) || p.StartsWith("AzureCloud", StringComparison.Ordinal) || p.StartsWith("Sql", StringComparison.Ordinal))
                    ? r with { SourcePrefixes = ["255.255.255.255/32"] } : r)]),
            "ignore the second NIC" => c => c with { Nics = [.. c.Nics.Take(1)] },
            "ports ignored" => c => MapRules(c, rs => [.. rs.Select(r => r with { DestinationPorts = ["*"] })]),
            _ => throw new ArgumentException(mutant),
        };
        var report = AzureDifferential.Run(424242, 400, FromWire(mutate));
        output.WriteLine(report.ToString());
        Assert.True(report.Disagreements > 0, $"{mutant}: not caught");
        Assert.InRange(report.FirstDisagreements.Count, 1, 10);
        // The first disagreement names a case seed whose replay reproduces it.
        var text = report.FirstDisagreements[0];
        var seed = int.Parse(text["case seed ".Length..text.IndexOf(' ', "case seed ".Length)], System.Globalization.CultureInfo.InvariantCulture);
        var replay = AzureDifferential.Replay(seed, FromWire(mutate));
        Assert.Equal(1, replay.Cases);
        Assert.True(replay.Disagreements > 0);
        Assert.Equal(text, replay.FirstDisagreements[0]);
    }

    private static AzureRule Vnet(AzureRule r) => r.SourcePrefixes.Contains("VirtualNetwork")
        ? r with { SourcePrefixes = [.. r.SourcePrefixes.Where(p => p != "VirtualNetwork"), "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"] }
        : r;

    [Fact]
    public void Always_admitting_is_caught_and_always_indeterminate_is_counted_not_failed()
    {
        var admit = AzureDifferential.Run(99, 100, (_, _, _, _) => _ => OracleDecision.Admitted);
        Assert.True(admit.Disagreements > admit.Addresses / 4);
        var unsure = AzureDifferential.Run(99, 100, (_, _, _, _) => _ => OracleDecision.Indeterminate);
        Assert.Equal(0, unsure.Disagreements);
        Assert.Equal(unsure.Definite, unsure.ProductIndeterminate);
        Assert.Equal(admit.Addresses, unsure.Addresses);
    }

    [Fact]
    public void Ten_thousand_cases_with_a_trivial_product()
    {
        // Sized for "well under 30 s" in Release on 2 cores; the figure is printed, not asserted (no wall clock).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var report = AzureDifferential.Run(1, 10_000, (_, _, _, _) => _ => OracleDecision.Indeterminate);
        output.WriteLine($"{report} in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(10_000, report.Cases);
        Assert.Equal(0, report.Disagreements);
        Assert.True(report.Addresses > 10_000 * 6 * 20);
    }

    [Fact]
    public void Mapped_and_boundary_addresses_are_sampled()
    {
        var c = AzureCaseGenerator.Generate(5);
        var v4 = AzureDifferential.SampleAddresses(c, false);
        Assert.Contains(IPAddress.Parse("9.255.255.255"), v4);   // 10.0.0.0/8 first - 1
        Assert.Contains(IPAddress.Parse("11.0.0.0"), v4);        // 10.0.0.0/8 last + 1
        Assert.Contains(IPAddress.Parse("168.63.129.16"), v4);
        Assert.All(v4, a => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, a.AddressFamily));
        var v6 = AzureDifferential.SampleAddresses(c, true);
        Assert.Contains(IPAddress.Parse("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), v6); // fc00::/7 first - 1
        Assert.Contains(IPAddress.Parse("fe00::"), v6);                                  // fc00::/7 last + 1
        Assert.All(v6, a => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, a.AddressFamily));
        Assert.InRange(v4.Count, 10, AzureDifferential.AddressCap);
    }
}
