using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Preflight;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// Issue 22's hooks before input on a real test server, the kernel as the judge (real TCP SYNs from the client
/// network, which reaches the server on eth1): nft ingress chains (netdev and inet) on the arrival device and on
/// another one, chains before conntrack (the state is INVALID there), drops in raw and mangle.
/// </summary>
public sealed class HookScenarioTests
{
    private const string Source4 = "198.18.10.5";
    private const string Source6 = "2001:2:0:10::5";

    [Fact]
    public async Task NetdevIngressDrop_OnTheArrivalDevice_RefusedOnBothFamilies_AsTheKernelDoes()
    {
        var (facts, kernel) = await PreroutingScenarioTests.RunAsync([80, 8072], [80, 8072], [Source4, Source6], s => s.ExecAsync("""
            nft -f - <<'NFT'
            table netdev t {
              chain c { type filter hook ingress device eth1 priority 0; tcp dport 8072 drop; }
            }
            table inet f {
              chain in { type filter hook input priority 0; policy drop;
                ct state established,related accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                tcp dport { 80, 8072 } accept
              }
            }
            NFT
            """, Ct));

        Assert.NotEqual("open", kernel[(Source4, 8072)]);
        Assert.NotEqual("open", kernel[(Source6, 8072)]);
        Assert.Equal("open", kernel[(Source6, 80)]);
        Assert.Contains("nft netdev t c", ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8072, Cidr.Parse(Source6)).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngressChains_OnAnotherDeviceDoNotApply_InetIngressOnTheArrivalDeviceDoes_AsTheKernelDoes()
    {
        await PreroutingScenarioTests.RunAsync([80, 8072, 9100], [80, 8072, 9100], [Source4, Source6], s => s.ExecAsync("""
            ip link add oecx0 type veth peer name oecx1
            ip link set oecx0 up
            nft -f - <<'NFT'
            table netdev t {
              chain c { type filter hook ingress device oecx0 priority 0; tcp dport 8072 drop; }
            }
            table inet f {
              chain ing { type filter hook ingress device eth1 priority -10; tcp dport 9100 drop; }
              chain in { type filter hook input priority 0; policy drop;
                ct state established,related accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                tcp dport { 80, 8072, 9100 } accept
              }
            }
            NFT
            """, Ct));
    }

    [Fact]
    public async Task BeforeConntrack_StateIsInvalid_AndRawAndMangleDropsRefuse_AsTheKernelDoes()
    {
        var (facts, kernel) = await PreroutingScenarioTests.RunAsync([80, 5432, 8072, 9100], [80, 5432, 8072, 9100], [Source4], s => s.ExecAsync("""
            iptables -t raw -A PREROUTING -p tcp --dport 9100 -m conntrack --ctstate INVALID -j DROP
            iptables -t mangle -A INPUT -p tcp --dport 8072 -j DROP
            nft -f - <<'NFT'
            table ip early {
              chain c { type filter hook prerouting priority -300; ct state new tcp dport 5432 drop; }
            }
            NFT
            """, Ct));

        Assert.NotEqual("open", kernel[(Source4, 9100)]);
        Assert.NotEqual("open", kernel[(Source4, 8072)]);
        Assert.Equal("open", kernel[(Source4, 5432)]);
        Assert.Equal(Decision.Refused, ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 9100, Cidr.Parse(Source4)).Decision);
    }
}
