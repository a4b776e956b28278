// The documentation's own statements as explicit cases (sources in HetznerOracle.cs), the generator's determinism and
// the differential harness's power to find a wrong product.
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Oracle;

public sealed class HetznerOracleTests
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private static readonly HzServer Web = new(1, "web", "198.51.100.10", "2a01:4f8:1:2::/64", new Dictionary<string, string> { ["env"] = "prod" });

    private static HetznerCase Case(HzServer server, params HzFirewall[] firewalls) => new(0, server, firewalls, []);

    private static HzFirewall On(long id, params HzRule[] rules) => new(id, $"fw-{id}", rules, [Web.Id], []);

    private static HetznerVerdict In(HetznerCase c, string protocol, int port, string source) => HetznerOracle.Evaluate(c, protocol, port, IPAddress.Parse(source), true);

    private static HetznerVerdict Out(HetznerCase c, string protocol, int port, string destination) => HetznerOracle.Evaluate(c, protocol, port, IPAddress.Parse(destination), false);

    [Theory]
    [InlineData("tcp", 22, "203.0.113.7")]
    [InlineData("udp", 53, "2001:db8::1")]
    [InlineData("icmp", 0, "192.0.2.1")]
    public void NoFirewallApplied_EverythingIsAdmitted(string protocol, int port, string peer)
    {
        var notOnThisServer = new HzFirewall(9, "elsewhere", [], [77], []);
        var c = Case(Web, notOnThisServer);

        Assert.Equal(HetznerVerdict.Admitted, In(c, protocol, port, peer));
        Assert.Equal(HetznerVerdict.Admitted, Out(c, protocol, port, peer));
    }

    [Fact]
    public void FirewallWithoutRules_DeniesAllInbound_AllowsAllOutbound()
    {
        var c = Case(Web, On(1));

        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "tcp", 22, "203.0.113.7"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "icmp", 0, "2001:db8::1"));
        Assert.Equal(HetznerVerdict.Admitted, Out(c, "tcp", 443, "203.0.113.7"));
        Assert.Equal(HetznerVerdict.Admitted, Out(c, "icmp", 0, "2001:db8::1"));
    }

    [Theory]
    [InlineData("203.0.113.0", 22, HetznerVerdict.Admitted)]
    [InlineData("203.0.113.255", 22, HetznerVerdict.Admitted)]
    [InlineData("203.0.112.255", 22, HetznerVerdict.RefusedByFirewall)]
    [InlineData("203.0.114.0", 22, HetznerVerdict.RefusedByFirewall)]
    [InlineData("203.0.113.9", 23, HetznerVerdict.RefusedByFirewall)]
    [InlineData("::ffff:203.0.113.9", 22, HetznerVerdict.RefusedByFirewall)]
    public void InboundRule_AdmitsOnlyItsSourcesAndPort(string source, int port, HetznerVerdict expected)
    {
        var c = Case(Web, On(1, HzRule.In("tcp", "22", "203.0.113.0/24")));

        Assert.Equal(expected, In(c, "tcp", port, source));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "udp", port, source));
    }

    [Theory]
    [InlineData(1023, HetznerVerdict.RefusedByFirewall)]
    [InlineData(1024, HetznerVerdict.Admitted)]
    [InlineData(5000, HetznerVerdict.Admitted)]
    [InlineData(5001, HetznerVerdict.RefusedByFirewall)]
    public void PortRange_IsInclusive(int port, HetznerVerdict expected) =>
        Assert.Equal(expected, In(Case(Web, On(1, HzRule.In("udp", "1024-5000", "0.0.0.0/0"))), "udp", port, "192.0.2.1"));

    [Fact]
    public void SeveralFirewalls_AreCombined_AnyAllowingRuleAdmits()
    {
        var ssh = On(1, HzRule.In("tcp", "22", "192.0.2.0/24"));
        var web = On(2, HzRule.In("tcp", "80", "0.0.0.0/0", "::/0"));
        var bySelector = new HzFirewall(3, "prod", [HzRule.In("tcp", "443", "0.0.0.0/0")], [], ["env=prod"]);
        var other = new HzFirewall(4, "staging", [HzRule.In("tcp", "8080", "0.0.0.0/0")], [], ["env=staging"]);
        var c = Case(Web, ssh, web, bySelector, other);

        Assert.Equal(HetznerVerdict.Admitted, In(c, "tcp", 22, "192.0.2.5"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "tcp", 22, "198.18.0.1"));
        Assert.Equal(HetznerVerdict.Admitted, In(c, "tcp", 80, "2001:db8::5"));
        Assert.Equal(HetznerVerdict.Admitted, In(c, "tcp", 443, "198.18.0.1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "tcp", 8080, "198.18.0.1"));
        Assert.Equal([1L, 2L, 3L], c.AppliedToServer().Select(f => f.Id));
    }

    [Fact]
    public void Outbound_TurnsDefaultDeny_OnceAnyAppliedFirewallHasAnOutboundRule()
    {
        var https6 = On(1, HzRule.Out("tcp", "443", "::/0"));
        var inboundOnly = On(2, HzRule.In("tcp", "22", "0.0.0.0/0"));
        var c = Case(Web, https6, inboundOnly);

        Assert.Equal(HetznerVerdict.Admitted, Out(c, "tcp", 443, "2001:db8::1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Out(c, "tcp", 443, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Out(c, "tcp", 80, "2001:db8::1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Out(c, "udp", 53, "2001:db8::1"));
        Assert.Equal(HetznerVerdict.Admitted, Out(Case(Web, inboundOnly), "udp", 53, "2001:db8::1"));
    }

    [Fact]
    public void Outbound25And465_AreBlockedByTheProvider_DistinctlyFromAFirewall_UntilUnblocked()
    {
        var allowSmtp = On(1, HzRule.Out("tcp", "1-65535", "0.0.0.0/0"));

        Assert.Equal(HetznerVerdict.BlockedByProvider, Out(Case(Web), "tcp", 25, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.BlockedByProvider, Out(Case(Web, allowSmtp), "tcp", 465, "192.0.2.1"));
        Assert.Equal(OracleDecision.Refused, HetznerVerdict.BlockedByProvider.ToDecision());
        Assert.Equal(HetznerVerdict.Admitted, Out(Case(Web, allowSmtp), "tcp", 587, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.Admitted, Out(Case(Web with { SmtpUnblocked = true }, allowSmtp), "tcp", 25, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.Indeterminate, Out(Case(Web), "udp", 25, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.Admitted, In(Case(Web), "tcp", 25, "192.0.2.1"));
    }

    [Fact]
    public void Icmp_IsAdmittedOnlyByAnIcmpRule_EspAndGreRulesAdmitNoneOfTcpUdpIcmp()
    {
        var c = Case(Web, On(1, HzRule.In("icmp", null, "0.0.0.0/0"), HzRule.In("esp", null, "::/0"), HzRule.In("gre", null, "::/0")));

        Assert.Equal(HetznerVerdict.Admitted, In(c, "icmp", 0, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "icmp", 0, "2001:db8::1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "tcp", 22, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, In(c, "udp", 500, "2001:db8::1"));
    }

    [Fact]
    public void ServerWithoutAPublicAddressOfThatFamily_HasNoPublicPath()
    {
        var v6Only = Web with { Ipv4 = null };

        Assert.Equal(HetznerVerdict.NoPublicAddress, In(Case(v6Only), "tcp", 22, "192.0.2.1"));
        Assert.Equal(HetznerVerdict.Admitted, In(Case(v6Only), "tcp", 22, "2001:db8::1"));
        Assert.Equal(OracleDecision.Refused, HetznerVerdict.NoPublicAddress.ToDecision());
    }

    [Theory]
    [InlineData("env=prod", true)]
    [InlineData("env==prod", true)]
    [InlineData("env!=prod", false)]
    [InlineData("env", true)]
    [InlineData("!env", false)]
    [InlineData("!role", true)]
    [InlineData("env in (dev,prod)", true)]
    [InlineData("env notin (dev,prod)", false)]
    [InlineData("env=prod,role=web", false)]
    [InlineData("role!=web", true)]
    public void LabelSelector_FollowsTheDocumentedLanguage(string selector, bool expected)
    {
        Assert.True(LabelSelector.IsValid(selector));
        Assert.Equal(expected, LabelSelector.Matches(selector, Web.Labels));
        Assert.False(LabelSelector.Matches("env", NoLabels));
    }

    [Fact]
    public void Generator_IsDeterministic_AndWithinTheDocumentedLimits()
    {
        var a = JsonSerializer.Serialize(Enumerable.Range(0, 50).Select(HetznerCaseGenerator.Generate));
        var b = JsonSerializer.Serialize(Enumerable.Range(0, 50).Select(HetznerCaseGenerator.Generate));
        Assert.Equal(a, b);
        Assert.NotEqual(JsonSerializer.Serialize(HetznerCaseGenerator.Generate(1)), JsonSerializer.Serialize(HetznerCaseGenerator.Generate(2)));
        Assert.Equal(HetznerDifferential.CaseSeeds(7, 20), HetznerDifferential.CaseSeeds(7, 20));

        var cases = Enumerable.Range(0, 2000).Select(HetznerCaseGenerator.Generate).ToList();
        Assert.All(cases, c =>
        {
            Assert.InRange(c.AppliedToServer().Count, 0, HetznerFake.MaxFirewallsPerServer);
            Assert.All(c.Firewalls, f => Assert.InRange(f.Rules.Count, 0, HetznerFake.MaxRulesPerFirewall));
        });
        Assert.Contains(cases, c => c.AppliedToServer().Count == 0);
        Assert.Contains(cases, c => c.AppliedToServer().Count >= 3);
        Assert.Contains(cases, c => c.Firewalls.Any(f => f.AppliedSelectors.Count > 0) && c.AppliedToServer().Any(f => f.AppliedSelectors.Count > 0));
        Assert.Contains(cases, c => c.Server.Ipv4 is null);
        Assert.Contains(cases, c => c.Server.SmtpUnblocked);
    }

    private static OracleDecision Oracle(HetznerCase c, string protocol, int port, IPAddress address, bool inbound) =>
        HetznerOracle.Evaluate(c, protocol, port, address, inbound).ToDecision();

    [Fact]
    public void Differential_TheOracleAsProduct_AgreesEverywhere()
    {
        var report = HetznerDifferential.Run(2026, 300, (c, protocol, port, ipv6, inbound) => address => Oracle(c, protocol, port, address, inbound));

        Assert.Equal(300, report.Cases);
        Assert.Equal(0, report.Disagreements);
        Assert.Equal(0, report.ProductIndeterminate);
        Assert.True(report.Definite > 10_000, $"only {report.Definite} definite answers");
        Assert.True(report.Addresses > report.Definite, "UDP 25/465 outbound must be Indeterminate for the oracle");
    }

    [Fact]
    public void Differential_AProductIgnoringIpv6Rules_IsCaught_AndReplayReproducesIt()
    {
        ProductEvaluator ignoresIpv6 = (c, protocol, port, ipv6, inbound) =>
        {
            var blind = c with
            {
                Firewalls = [.. c.Firewalls.Select(f => f with
                {
                    Rules = [.. f.Rules.Select(r => r with
                    {
                        SourceIps = [.. r.SourceIps.Where(x => !x.Contains(':', StringComparison.Ordinal))],
                        DestinationIps = [.. r.DestinationIps.Where(x => !x.Contains(':', StringComparison.Ordinal))],
                    })],
                })],
            };
            return address => Oracle(blind, protocol, port, address, inbound);
        };

        var report = HetznerDifferential.Run(2026, 300, ignoresIpv6);

        Assert.True(report.Disagreements > 0);
        Assert.NotEmpty(report.FirstDisagreements);
        Assert.All(report.FirstDisagreements, d => Assert.Contains(":", d.Split(' ')[4], StringComparison.Ordinal));
        var caseSeed = int.Parse(report.FirstDisagreements[0].Split(' ')[1].TrimEnd(':'), System.Globalization.CultureInfo.InvariantCulture);
        var replay = HetznerDifferential.Replay(caseSeed, ignoresIpv6);
        Assert.Equal(1, replay.Cases);
        Assert.True(replay.Disagreements > 0);
        Assert.StartsWith($"case {caseSeed}:", replay.FirstDisagreements[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Differential_AProductForgettingTheProviderBlock_IsCaught()
    {
        var forgets = (ProductEvaluator)((c, protocol, port, ipv6, inbound) =>
            address => Oracle(c with { Server = c.Server with { SmtpUnblocked = true } }, protocol, port, address, inbound));

        var report = HetznerDifferential.Run(99, 300, forgets);

        Assert.True(report.Disagreements > 0);
        Assert.All(report.FirstDisagreements, d => Assert.Matches(@"tcp/(25|465): oracle BlockedByProvider, product Admitted", d));
    }

    [Fact]
    public void Differential_ProductIndeterminate_IsCountedNotDisagreed()
    {
        var report = HetznerDifferential.Run(5, 50, (_, _, _, _, _) => _ => OracleDecision.Indeterminate);

        Assert.Equal(0, report.Disagreements);
        Assert.Equal(report.Definite, report.ProductIndeterminate);
    }

    [Fact]
    public void Differential_TenThousandCases_WithATrivialProduct_AllRunAndItIsCaught_TimePrinted()
    {
        var watch = Stopwatch.StartNew();
        var report = HetznerDifferential.Run(1, 10_000, (_, _, _, _, _) => _ => OracleDecision.Admitted);
        watch.Stop();

        Assert.Equal(10_000, report.Cases);
        Assert.True(report.Disagreements > 0);
        TestContext.Current.SendDiagnosticMessage($"10,000 cases: {report.Queries} queries, {report.Addresses} addresses, {report.Definite} definite, {watch.ElapsedMilliseconds} ms");
    }
}
