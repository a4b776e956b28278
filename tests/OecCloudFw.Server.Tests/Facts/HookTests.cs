using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Tests.Facts;

/// <summary>
/// Hooks before input (issue 22): nft ingress chains for the packet's arrival device and the devices under it, bridge
/// chains only where a bridge is in the path, no connection before conntrack. The forms are the ones nft 1.0.6 and
/// ip -o -d link print; the kernel agrees with each in <see cref="Integration.HookScenarioTests"/>.
/// </summary>
public sealed class HookTests
{
    private const string Addresses = "2: br0    inet 198.18.199.1/24 brd 198.18.199.255 scope global br0\\       valid_lft forever preferred_lft forever";
    private const string Routes = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\nbr0\t00000000\tFEC712C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\nbr0\t00C712C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0";

    /// <summary>br0 is a bridge with eth1 as its port; eth2 is elsewhere; a veth's "@peer" is not under it.</summary>
    private const string Links = """
        1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
        2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\    link/ether 82:1f:7b:27:66:3d brd ff:ff:ff:ff:ff:ff promiscuity 0 \    bridge forward_delay 1500 hello_time 200
        3: eth1@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP mode DEFAULT group default qlen 1000\    link/ether 82:1f:7b:27:66:3d brd ff:ff:ff:ff:ff:ff \    veth \    bridge_slave state forwarding priority 32
        4: eth2@br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\    link/ether 72:38:51:b5:2e:86 brd ff:ff:ff:ff:ff:ff \    veth
        """;

    private static string Nft(string tables) => "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " + tables + "]}";

    private const string NetdevDrop = """
        {"table": {"family": "netdev", "name": "t", "handle": 1}},
        {"chain": {"family": "netdev", "table": "t", "name": "c", "handle": 1, "type": "filter", "hook": "ingress", "prio": 0, "policy": "accept"}},
        {"rule": {"family": "netdev", "table": "t", "chain": "c", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8072}}, {"drop": null}]}}
        """;

    private const string BridgeDrop = """
        {"table": {"family": "bridge", "name": "b", "handle": 1}},
        {"chain": {"family": "bridge", "table": "b", "name": "in", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
        {"rule": {"family": "bridge", "table": "b", "chain": "in", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 9100}}, {"drop": null}]}}
        """;

    private static ServerFacts Facts(string nft, string? chains, string? links)
    {
        var probe = $"=====OECFW commands rc=0=====\nnft\n=====OECFW addresses rc=0=====\n{Addresses}\n" +
                    (links is null ? string.Empty : $"=====OECFW links rc=0=====\n{links}\n") +
                    $"=====OECFW routes4 rc=0=====\n{Routes}\n=====OECFW nft rc=0=====\n{Nft(nft)}\n" +
                    (chains is null ? string.Empty : $"=====OECFW nft-chains rc=0=====\n{chains}\n") + "=====OECFW end rc=0=====\n";
        return FactsCollector.Parse(ProbeSections.Parse(probe));
    }

    private static ServerVerdict Evaluate(ServerFacts facts, int port) => ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, port, Cidr.Parse("198.18.10.5/32"));

    private static string Chains(string device) => $"table netdev t {{\n\tchain c {{\n\t\ttype filter hook ingress {device} priority filter; policy accept;\n\t}}\n}}";

    [Theory]
    [InlineData("device \"br0\"", Decision.Refused)]
    [InlineData("device \"eth1\"", Decision.Refused)]
    [InlineData("devices = { eth2, eth1 }", Decision.Refused)]
    [InlineData("device \"eth2\"", Decision.Admitted)]
    public void IngressChain_AppliesOnTheArrivalDeviceAndThePortsUnderIt(string device, Decision expected)
    {
        var verdict = Evaluate(Facts(NetdevDrop, Chains(device), Links), 8072);

        Assert.Equal(expected, verdict.Decision);
        Assert.Equal(Decision.Admitted, Evaluate(Facts(NetdevDrop, Chains(device), Links), 80).Decision);
    }

    [Fact]
    public void IngressChain_OnAnotherDeviceWithTheLinksNotRead_IsIndeterminateNamingTheChain()
    {
        var verdict = Evaluate(Facts(NetdevDrop, Chains("device \"eth1\""), links: null), 8072);

        Assert.Equal(Decision.Indeterminate, verdict.Decision);
        Assert.Contains("nft netdev t c: hook ingress device eth1", verdict.Evidence, StringComparison.Ordinal);
        // On the arrival device itself, the links are not needed.
        Assert.Equal(Decision.Refused, Evaluate(Facts(NetdevDrop, Chains("device \"br0\""), links: null), 8072).Decision);
    }

    [Fact]
    public void IngressChain_WhoseDeviceWasNotRead_IsIndeterminate()
    {
        var verdict = Evaluate(Facts(NetdevDrop, chains: null, Links), 8072);

        Assert.Equal(Decision.Indeterminate, verdict.Decision);
        Assert.Contains("device was not read", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void BridgeChain_AppliesWhereABridgeIsInThePath_SaysNothingElsewhere_IndeterminateWhenNotKnown()
    {
        Assert.Equal(Decision.Refused, Evaluate(Facts(BridgeDrop, null, Links), 9100).Decision);
        var noBridge = Links.Replace("\\    bridge forward_delay", "\\    dummy", StringComparison.Ordinal).Replace(" master br0", string.Empty, StringComparison.Ordinal);
        Assert.Equal(Decision.Admitted, Evaluate(Facts(BridgeDrop, null, noBridge), 9100).Decision);
        var unknown = Evaluate(Facts(BridgeDrop, null, links: null), 9100);
        Assert.Equal(Decision.Indeterminate, unknown.Decision);
        Assert.Contains("nft bridge b in", unknown.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseLinks_PortsAndVlanParentsAreUnder_AVethPeerIsNot()
    {
        var links = ServerNetwork.ParseLinks(Links + "\n5: eth1.7@eth1: <BROADCAST> mtu 1500 qdisc noqueue state UP\\    link/ether 72:38:51:b5:2e:86 brd ff:ff:ff:ff:ff:ff \\    vlan protocol 802.1Q id 7 <REORDER_HDR>")!;

        Assert.True(links["br0"].Bridge);
        Assert.Equal("br0", links["eth1"].Master);
        Assert.Null(links["eth2"].Parent);
        Assert.Equal("eth1", links["eth1.7"].Parent);
    }

    [Fact]
    public void BeforeConntrack_CtStateIsInvalid()
    {
        const string early = """
            {"table": {"family": "ip", "name": "e", "handle": 1}},
            {"chain": {"family": "ip", "table": "e", "name": "c", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}},
            {"rule": {"family": "ip", "table": "e", "chain": "c", "handle": 2, "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "new"}}, {"drop": null}]}},
            {"rule": {"family": "ip", "table": "e", "chain": "c", "handle": 3, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 9100}}, {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "invalid"}}, {"drop": null}]}}
            """;

        Assert.Equal(Decision.Admitted, Evaluate(Facts(early, null, Links), 80).Decision);
        Assert.Equal(Decision.Refused, Evaluate(Facts(early, null, Links), 9100).Decision);
        // At priority -150 conntrack has run: the same rule refuses every new connection.
        Assert.Equal(Decision.Refused, Evaluate(Facts(early.Replace("-300", "-150", StringComparison.Ordinal), null, Links), 80).Decision);
    }
}
