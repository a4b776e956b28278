// The documentation's own statements as explicit cases (sources in DigitalOceanOracle.cs's header).
using System.Net;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

public sealed class OracleDocumentedTests
{
    private const long Server = 100;
    private const long Other = 200;

    private static DoCase Case(bool smtpBlocked = true, params DoFirewall[] firewalls) => new(
        1,
        Server,
        [
            new DoDroplet(Server, "web", ["203.0.113.10"], ["10.10.0.10"], ["2604:a880::10"], ["web"]),
            new DoDroplet(Other, "db", ["203.0.113.20"], ["10.10.0.20"], ["2604:a880::20"], ["db"]),
        ],
        firewalls,
        [new DoAddressedResource("lb-1", ["198.51.100.7"])],
        [new DoAddressedResource("k8s-1", ["198.51.100.80"])],
        smtpBlocked);

    private static DoFirewall Fw(string name, DoRule[] inbound, DoRule[]? outbound = null, long[]? droplets = null, string[]? tags = null) =>
        new(name, name, inbound, outbound ?? [], droplets ?? [Server], tags ?? []);

    private static DoRule Tcp(string ports, params string[] addresses) => new("tcp", ports, DoTarget.Of(addresses));

    private static DoVerdict In(DoCase c, string protocol, int port, string from) => DigitalOceanOracle.Inbound(c, protocol, port, IPAddress.Parse(from)).Verdict;

    private static DoVerdict Out(DoCase c, string protocol, int port, string to) => DigitalOceanOracle.Outbound(c, protocol, port, IPAddress.Parse(to)).Verdict;

    [Fact]
    public void NoFirewallApplied_EverythingAdmittedBothWays()
    {
        var c = Case(false, Fw("elsewhere", [Tcp("22", "1.2.3.4")], droplets: [Other]));

        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 3306, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, In(c, "udp", 53, "2001:db8::1"));
        Assert.Equal(DoVerdict.Admitted, In(c, "icmp", 0, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, Out(c, "tcp", 25, "8.8.8.8"));
    }

    [Fact]
    public void OneFirewall_InboundDeniedUnlessARuleAdmits()
    {
        var c = Case(true, Fw("ssh", [Tcp("22", "1.2.3.4")]));

        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 22, "1.2.3.4"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 22, "1.2.3.5"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 23, "1.2.3.4"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "udp", 22, "1.2.3.4"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "icmp", 0, "1.2.3.4"));
    }

    [Fact]
    public void FirewallWithoutOutboundRules_BlocksAllOutbound()
    {
        var c = Case(true, Fw("in-only", [Tcp("22", "0.0.0.0/0")]));

        Assert.Equal(DoVerdict.RefusedByFirewall, Out(c, "tcp", 443, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, Out(c, "udp", 53, "2001:db8::1"));
        Assert.Equal(DoVerdict.RefusedByFirewall, Out(c, "icmp", 0, "8.8.8.8"));
    }

    [Fact]
    public void TwoFirewalls_RulesAreAdditive()
    {
        var c = Case(true,
            Fw("web", [Tcp("80", "0.0.0.0/0")]),
            Fw("out", [Tcp("22", "10.0.0.0/8")], [new DoRule("udp", "53", DoTarget.Of("0.0.0.0/0", "::/0"))], tags: ["web"], droplets: []));

        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 80, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 22, "10.1.2.3"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 22, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, Out(c, "udp", 53, "2001:db8::1"));
        Assert.Equal(DoVerdict.RefusedByFirewall, Out(c, "tcp", 53, "8.8.8.8"));
    }

    [Fact]
    public void FirewallByTag_AppliesToDropletsCarryingIt_OnlyThose()
    {
        var onDb = Case(true, Fw("db", [Tcp("5432", "10.0.0.0/8")], tags: ["db"], droplets: []));
        var onWeb = Case(true, Fw("web", [Tcp("443", "0.0.0.0/0")], tags: ["web"], droplets: []));

        Assert.Equal(DoVerdict.Admitted, In(onDb, "tcp", 22, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(onWeb, "tcp", 22, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, In(onWeb, "tcp", 443, "8.8.8.8"));
    }

    [Fact]
    public void DropletTagLoadBalancerAndClusterSources_AdmitExactlyTheirAddresses()
    {
        var c = Case(true, Fw("internal",
        [
            new DoRule("tcp", "5432", new DoTarget([], [Other], [], [], [])),
            new DoRule("tcp", "6379", new DoTarget([], [], ["db"], [], [])),
            new DoRule("tcp", "80", new DoTarget([], [], [], ["lb-1"], [])),
            new DoRule("tcp", "10250", new DoTarget([], [], [], [], ["k8s-1"])),
        ]));

        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 5432, "203.0.113.20"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 5432, "10.10.0.20"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 5432, "2604:a880::20"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 5432, "203.0.113.21"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 6379, "10.10.0.20"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 6379, "10.10.0.10"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 80, "198.51.100.7"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 80, "198.51.100.8"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 10250, "198.51.100.80"));
    }

    [Fact]
    public void AddressFamilies_RuleOfOneFamilyDoesNotAdmitTheOther()
    {
        var c = Case(true, Fw("v6", [Tcp("443", "::/0"), Tcp("80", "0.0.0.0/0"), Tcp("8443", "2001:db8::/32")]));

        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 443, "2001:db8::1"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 443, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 80, "2001:db8::1"));
        Assert.Equal(DoVerdict.Admitted, In(c, "tcp", 8443, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 8443, "2001:db9::"));
    }

    [Theory]
    [InlineData("0", 1, true)]
    [InlineData("0", 65535, true)]
    [InlineData("all", 12345, true)]
    [InlineData("8000-9000", 8000, true)]
    [InlineData("8000-9000", 9000, true)]
    [InlineData("8000-9000", 7999, false)]
    [InlineData("8000-9000", 9001, false)]
    [InlineData("80", 80, true)]
    [InlineData("80", 81, false)]
    public void Ports_SingleRangeAndAll(string ports, int port, bool admitted)
    {
        var c = Case(true, Fw("p", [Tcp(ports, "0.0.0.0/0")]));

        Assert.Equal(admitted ? DoVerdict.Admitted : DoVerdict.RefusedByFirewall, In(c, "tcp", port, "8.8.8.8"));
    }

    [Fact]
    public void Icmp_RuleAdmitsEchoFromItsSourcesOnly()
    {
        var c = Case(true, Fw("ping", [new DoRule("icmp", "0", DoTarget.Of("192.0.2.0/24"))]));

        Assert.Equal(DoVerdict.Admitted, In(c, "icmp", 0, "192.0.2.255"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "icmp", 0, "192.0.3.0"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(c, "tcp", 80, "192.0.2.1"));
    }

    [Fact]
    public void Smtp25_BlockedByTheProviderEvenWhenTheFirewallAllows_UnlessTheAccountIsUnblocked()
    {
        var allOut = Fw("all-out", [Tcp("22", "0.0.0.0/0")], [Tcp("0", "0.0.0.0/0", "::/0"), new DoRule("udp", "0", DoTarget.Of("0.0.0.0/0"))]);
        var blocked = Case(true, allOut);
        var unblocked = Case(false, allOut);
        var noFirewall = Case(true);

        Assert.Equal(DoVerdict.BlockedByProvider, Out(blocked, "tcp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.BlockedByProvider, Out(blocked, "tcp", 25, "2001:db8::25"));
        Assert.Equal(DoVerdict.BlockedByProvider, Out(unblocked, "tcp", 25, "2001:db8::25"));
        Assert.Equal(DoVerdict.BlockedByProvider, Out(noFirewall, "tcp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, Out(blocked, "tcp", 587, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(blocked, "tcp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, In(noFirewall, "tcp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.Admitted, Out(unblocked, "tcp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.Indeterminate, Out(blocked, "udp", 25, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, Out(blocked, "udp", 25, "2001:db8::25"));
        Assert.Equal(OracleDecision.Refused, DigitalOceanOracle.Outbound(blocked, "tcp", 25, IPAddress.Parse("8.8.8.8")).Decision);
    }

    [Fact]
    public void Memcached11211_InboundFromExternalBlockedByTheProvider_FromOwnAddressesUndecided()
    {
        var open = Case(true, Fw("all-in", [Tcp("0", "0.0.0.0/0", "::/0"), new DoRule("udp", "0", DoTarget.Of("0.0.0.0/0"))]));
        var none = Case(true);

        Assert.Equal(DoVerdict.BlockedByProvider, In(open, "tcp", 11211, "8.8.8.8"));
        Assert.Equal(DoVerdict.BlockedByProvider, In(open, "udp", 11211, "8.8.8.8"));
        Assert.Equal(DoVerdict.BlockedByProvider, In(none, "tcp", 11211, "2001:db8::1"));
        Assert.Equal(DoVerdict.Admitted, In(open, "tcp", 11212, "8.8.8.8"));
        Assert.Equal(DoVerdict.RefusedByFirewall, Out(open, "tcp", 11211, "8.8.8.8"));
        Assert.Equal(DoVerdict.Indeterminate, In(open, "tcp", 11211, "10.10.0.20"));
        Assert.Equal(DoVerdict.Indeterminate, In(open, "tcp", 11211, "203.0.113.20"));
        Assert.Equal(DoVerdict.RefusedByFirewall, In(open, "udp", 11211, "2604:a880::20"));
    }

    [Fact]
    public void Multicast_BlockedByTheProviderBothWays()
    {
        var c = Case(true, Fw("all", [Tcp("0", "0.0.0.0/0")], [new DoRule("udp", "0", DoTarget.Of("0.0.0.0/0", "::/0"))]));

        Assert.Equal(DoVerdict.BlockedByProvider, Out(c, "udp", 5353, "224.0.0.251"));
        Assert.Equal(DoVerdict.BlockedByProvider, Out(c, "udp", 5353, "ff02::fb"));
        Assert.Equal(DoVerdict.BlockedByProvider, In(Case(true), "udp", 5353, "239.255.255.250"));
        Assert.Equal(DoVerdict.Admitted, Out(c, "udp", 5353, "223.255.255.255"));
    }
}
