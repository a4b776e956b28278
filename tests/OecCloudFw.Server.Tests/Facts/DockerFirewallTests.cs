using OecCloudFw.Core.Net;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Tests.Facts;

/// <summary>Docker's nftables backend, the pure parts: daemon.json's bridge-accept-fwmark read as Docker reads it, and the tool's forward chain.</summary>
public sealed class DockerFirewallTests
{
    [Theory]
    [InlineData("0x4f45/0xffff", 0x4f45u, 0xffffu)]
    [InlineData("20293", 20293u, uint.MaxValue)]
    [InlineData("010", 8u, uint.MaxValue)]
    public void Mark_AsDockerParsesIt(string text, uint mark, uint mask) => Assert.Equal((mark, mask), DockerFirewall.Mark(text));

    [Theory]
    [InlineData("mark")]
    [InlineData("1/2/3")]
    [InlineData("0x1ffffffff")]
    public void Mark_NotAMark_IsNull(string text) => Assert.Null(DockerFirewall.Mark(text));

    [Fact]
    public void Parse_DaemonJson_AcceptFwMark_OnlyAValidOne()
    {
        Assert.Equal("0x4f45/0xffff", DockerFirewall.Parse(null, null, "{ \"bridge-accept-fwmark\": \"0x4f45/0xffff\" }").AcceptFwMark);
        Assert.Null(DockerFirewall.Parse(null, null, "{ \"bridge-accept-fwmark\": \"nope\" }").AcceptFwMark);
        Assert.Null(DockerFirewall.Parse(null, null, "not json").AcceptFwMark);
    }

    [Fact]
    public void Nftables_DockerInfoDecides_TheTablesWhereItDoesNotSay()
    {
        const string Tables = """{"nftables": [{"table": {"family": "ip", "name": "docker-bridges", "handle": 1}}]}""";
        Assert.True(DockerFirewall.Parse(Tables, null, null).Nftables);
        Assert.True(DockerFirewall.Parse(null, "nftables+firewalld", null).Nftables);
        Assert.False(DockerFirewall.Parse(Tables, "iptables", null).Nftables);
        Assert.False(DockerFirewall.Parse(null, null, null).Nftables);
    }

    private static ServerPolicy Policy(string source) =>
        new([new ServerRequirement(Protocol.Tcp, new PortRange(8080, 8080), [Cidr.Parse(source), Cidr.Parse("::/0")], "web", false)]);

    [Fact]
    public void Rules_PolicySourcesByOriginalPort_MarkedWithTheMask_OtherNewIntoBridgesDropped()
    {
        var rules = DockerNftRules.Rules(Policy("198.18.10.5/32"), "0x4f45/0xffff");

        Assert.StartsWith("iifname \"docker0\" accept comment \"oec-cloudfw ", rules[0], StringComparison.Ordinal);
        Assert.Contains("meta l4proto tcp ip saddr 198.18.10.5/32 ct original proto-dst 8080 meta mark set meta mark & 0xffff0000 | 0x4f45 accept", rules);
        Assert.Contains("meta l4proto tcp meta nfproto ipv6 ct original proto-dst 8080 meta mark set meta mark & 0xffff0000 | 0x4f45 accept", rules);
        Assert.Equal(["oifname \"docker0\" ct state new drop", "oifname \"br-*\" ct state new drop"], rules.TakeLast(2));
        Assert.DoesNotContain(DockerNftRules.Rules(Policy("198.18.10.5/32"), null), r => r.Contains("mark", StringComparison.Ordinal));
        // Another policy, another digest: the loaded table is recognised by it.
        Assert.NotEqual(rules[0], DockerNftRules.Rules(Policy("198.18.10.6/32"), "0x4f45/0xffff")[0]);
    }
}
