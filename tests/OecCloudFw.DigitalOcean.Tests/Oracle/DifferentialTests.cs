// The differential harness (DigitalOceanDifferential) checked against an independently written evaluator
// (ReferenceProduct), broken variants of it, and the fake: generate -> seed the fake -> read over HTTP -> compare.
// Semantics and their sources: see DigitalOceanOracle.cs.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OecCloudFw.DigitalOcean.Tests.Fake;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

public sealed class DifferentialTests
{
    private static string Dump(DoCase c)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{c.Seed} {c.ServerId} {c.Smtp25Blocked}|");
        foreach (var d in c.Droplets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{d.Id} {d.Name} {string.Join(',', d.AllAddresses)} {string.Join(',', d.Tags)}|");
        }
        foreach (var f in c.Firewalls)
        {
            text.Append(CultureInfo.InvariantCulture, $"{f.Id} {f.Name} {string.Join(',', f.DropletIds)} {string.Join(',', f.Tags)}:");
            foreach (var r in f.Inbound.Concat(f.Outbound))
            {
                text.Append(CultureInfo.InvariantCulture, $"{r.Protocol}/{r.Ports}/{string.Join(',', r.Target.Addresses)}/{string.Join(',', r.Target.DropletIds)}/{string.Join(',', r.Target.Tags)}/{string.Join(',', r.Target.LoadBalancerUids)}/{string.Join(',', r.Target.KubernetesIds)};");
            }
            text.Append('|');
        }
        foreach (var r in c.LoadBalancers.Concat(c.KubernetesClusters))
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Id} {string.Join(',', r.Addresses)}|");
        }
        return text.ToString();
    }

    [Fact]
    public void Generate_SameSeed_SameCase_OtherSeedOtherCase()
    {
        Assert.Equal(Dump(DoCaseGenerator.Generate(42)), Dump(DoCaseGenerator.Generate(42)));
        Assert.NotEqual(Dump(DoCaseGenerator.Generate(42)), Dump(DoCaseGenerator.Generate(43)));
        var a = DigitalOceanDifferential.Run(7, 50, ReferenceProduct.IgnoringIPv6Rules);
        var b = DigitalOceanDifferential.Run(7, 50, ReferenceProduct.IgnoringIPv6Rules);
        Assert.Equal((a.Queries, a.Addresses, a.Definite, a.Disagreements), (b.Queries, b.Addresses, b.Definite, b.Disagreements));
        Assert.Equal(a.FirstDisagreements, b.FirstDisagreements);
    }

    [Fact]
    public void Generate_ManySeeds_CoverEverySituation()
    {
        var cases = Enumerable.Range(0, 500).Select(DoCaseGenerator.Generate).ToList();
        var rules = cases.SelectMany(c => c.Firewalls).SelectMany(f => f.Inbound.Concat(f.Outbound)).ToList();

        Assert.Contains(cases, c => !c.AppliedTo(c.ServerId).Any());
        Assert.Contains(cases, c => c.AppliedTo(c.ServerId).Count() >= 2);
        Assert.Contains(cases, c => c.Firewalls.Any(f => f.Tags.Count > 0 && c.AppliedTo(c.ServerId).Contains(f)));
        Assert.Contains(cases, c => !c.Smtp25Blocked);
        foreach (var p in new[] { "tcp", "udp", "icmp" })
        {
            Assert.Contains(rules, r => r.Protocol == p);
        }
        Assert.Contains(rules, r => r.Ports == "all");
        Assert.Contains(rules, r => r.Ports.Contains('-', StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Target.Addresses.Any(a => a.Contains(':', StringComparison.Ordinal)));
        Assert.Contains(rules, r => r.Target.DropletIds.Count > 0);
        Assert.Contains(rules, r => r.Target.Tags.Count > 0);
        Assert.Contains(rules, r => r.Target.LoadBalancerUids.Count > 0);
        Assert.Contains(rules, r => r.Target.KubernetesIds.Count > 0);
        Assert.All(cases.SelectMany(c => c.Firewalls), f => Assert.InRange(f.Inbound.Count + f.Outbound.Count, 1, 50));
    }

    [Fact]
    public void Run_IndependentCorrectEvaluator_NoDisagreements()
    {
        var report = DigitalOceanDifferential.Run(2026, 2000, ReferenceProduct.Correct);

        Assert.Equal(0, report.Disagreements);
        Assert.Empty(report.FirstDisagreements);
        Assert.Equal(0, report.ProductIndeterminate);
        Assert.True(report.Definite > 100_000, $"{report}");
        Assert.True(report.Definite < report.Addresses, "some outbound UDP 25 questions are undecided by the docs");
    }

    [Fact]
    public void Run_EvaluatorIgnoringIPv6Rules_DisagreementsReportedAndReplayable()
    {
        var report = DigitalOceanDifferential.Run(2026, 500, ReferenceProduct.IgnoringIPv6Rules);

        Assert.True(report.Disagreements > 0);
        var first = report.FirstDisagreements[0];
        Assert.Contains("oracle Admitted", first, StringComparison.Ordinal);
        Assert.Contains("product Refused", first, StringComparison.Ordinal);
        var seed = int.Parse(first.Split(' ')[1], CultureInfo.InvariantCulture);
        var replay = DigitalOceanDifferential.Replay(seed, ReferenceProduct.IgnoringIPv6Rules);
        Assert.True(replay.Disagreements > 0);
        Assert.Equal(0, DigitalOceanDifferential.Replay(seed, ReferenceProduct.Correct).Disagreements);
        Assert.StartsWith($"case {seed} ", replay.FirstDisagreements[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EvaluatorIgnoringTheSmtpBlock_Disagrees()
    {
        ProductEvaluator noSmtpBlock = (input, protocol, port, ipv6, inbound) =>
            ReferenceProduct.Evaluate(input with { Smtp25Blocked = false }, protocol, port, inbound, ignoreIPv6Rules: false);

        Assert.True(DigitalOceanDifferential.Run(11, 200, noSmtpBlock).Disagreements > 0);
    }

    [Fact]
    public void Run_ProductAlwaysIndeterminate_CountedNotDisagreeing()
    {
        var report = DigitalOceanDifferential.Run(5, 100, (_, _, _, _, _) => _ => OracleDecision.Indeterminate);

        Assert.Equal(0, report.Disagreements);
        Assert.Equal(report.Definite, report.ProductIndeterminate);
    }

    [Fact]
    public void Run_TenThousandCasesTrivialProduct_AllRunAndTheWrongProductIsCaught_TimePrinted()
    {
        var watch = Stopwatch.StartNew();

        var report = DigitalOceanDifferential.Run(1, 10_000, (_, _, _, _, _) => _ => OracleDecision.Admitted);

        watch.Stop();
        TestContext.Current.TestOutputHelper!.WriteLine($"10,000 cases: {report.Queries} queries, {report.Addresses} addresses, {report.Definite} definite, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(10_000, report.Cases);
        Assert.True(report.Disagreements > 0);
    }

    [Fact]
    public async Task GeneratedCases_SeededIntoTheFake_ReadBackOverHttp_AgreeWithTheOracle()
    {
        var rng = new Random(99);
        for (var i = 0; i < 25; i++)
        {
            var seed = rng.Next();
            var input = DoCaseGenerator.Generate(seed);
            await using var fake = await DigitalOceanFake.StartAsync();
            fake.Seed(input);
            using var http = FakeHttp.Client(fake);
            var read = await FakeCaseReader.ReadAsync(http, input);

            var report = DigitalOceanDifferential.Replay(seed, (_, protocol, port, ipv6, inbound) => ReferenceProduct.Evaluate(read, protocol, port, inbound, ignoreIPv6Rules: false));

            Assert.True(report.Disagreements == 0, string.Join('\n', report.FirstDisagreements));
        }
    }
}
