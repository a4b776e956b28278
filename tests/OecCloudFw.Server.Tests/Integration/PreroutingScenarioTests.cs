using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// Issue 22's forms on a real test server, the kernel as the judge (real TCP SYNs from the client network): nat
/// PREROUTING's REDIRECT (iptables, nft, firewalld's forward-port), raw's NOTRACK, and ufw limit. Each once gave a wrong
/// definite verdict; the tool's verdict must now be the kernel's.
/// </summary>
public sealed class PreroutingScenarioTests
{
    private const string Source4 = "198.18.10.5";
    private const string Source6 = "2001:2:0:10::5";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Starts a server with a client and listeners, lets <paramref name="setup"/> load its firewall, then compares every (source, port).</summary>
    internal static async Task<(ServerFacts Facts, IReadOnlyDictionary<(string, int), string> Kernel)> RunAsync(
        int[] listen, int[] ports, string[] sources, Func<TestServer, Task> setup)
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, sources, Ct);
        await TestClient.ListenAsync(server, listen, Ct);
        await setup(server);
        var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, Ct)));
        var kernel = await client.SynAsync(sources, ports, Timeout, Ct);
        foreach (var source in sources)
        {
            foreach (var port in ports)
            {
                var tool = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, port, Cidr.Parse(source));
                Assert.True(tool.Decision != Decision.Indeterminate, $"from {source} to {port}: indeterminate: {tool.Evidence}");
                Assert.True(tool.Admitted == (kernel[(source, port)] == "open"),
                    $"from {source} to {port}: the kernel said {kernel[(source, port)]}, the tool {tool.Decision}: {tool.Evidence}");
            }
        }

        return (facts, kernel);
    }

    [Fact]
    public async Task IptablesRedirect_FilterSeesTheTranslatedPort_AsTheKernelDoes()
    {
        var (facts, kernel) = await RunAsync([8080, 443, 8443], [80, 443, 8080], [Source4], s => s.ExecAsync("""
            iptables -P INPUT DROP
            iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            iptables -A INPUT -p tcp --dport 8080 -j ACCEPT
            iptables -A INPUT -p tcp --dport 443 -j ACCEPT
            iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080
            iptables -t nat -A PREROUTING -p tcp --dport 443 -j REDIRECT --to-ports 8443
            """, Ct));

        Assert.Equal("open", kernel[(Source4, 80)]);
        Assert.NotEqual("open", kernel[(Source4, 443)]);
        Assert.Contains("redirected to port 8080", ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 80, Cidr.Parse(Source4)).Evidence, StringComparison.Ordinal);
        Assert.Contains("redirected to port 8443", ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 443, Cidr.Parse(Source4)).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NftRedirect_BothFamilies_AsTheKernelDoes()
    {
        var (_, kernel) = await RunAsync([8080, 8443], [80, 443, 8080], [Source4, Source6], s => s.ExecAsync("""
            nft -f - <<'NFT'
            table inet t {
              chain pre { type nat hook prerouting priority dstnat; policy accept;
                tcp dport 80 redirect to :8080
                tcp dport 443 redirect to :8443
              }
              chain in { type filter hook input priority 0; policy drop;
                ct state established,related accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                tcp dport { 8080, 443 } accept
              }
            }
            NFT
            """, Ct));

        Assert.Equal("open", kernel[(Source4, 80)]);
        Assert.Equal("open", kernel[(Source6, 80)]);
        Assert.NotEqual("open", kernel[(Source4, 443)]);
    }

    [Fact]
    public async Task FirewalldForwardPort_WithTheZoneAcceptingOnlyTheTranslatedPort_AsTheKernelDoes()
    {
        var (facts, kernel) = await RunAsync([8080, 443], [80, 443, 8080], [Source4, Source6], async s =>
        {
            await s.StartFirewalldAsync(Ct);
            await s.ExecAsync("""
                firewall-cmd --permanent --zone=public --set-target=DROP >/dev/null
                firewall-cmd --permanent --zone=public --add-port=8080/tcp >/dev/null
                firewall-cmd --permanent --zone=public --add-forward-port=port=80:proto=tcp:toport=8080 >/dev/null
                firewall-cmd --reload >/dev/null
                """, Ct);
        });

        Assert.True(facts.FirewalldInKernelRuleset);
        Assert.Equal("open", kernel[(Source4, 80)]);
        Assert.NotEqual("open", kernel[(Source4, 443)]);
    }

    [Fact]
    public async Task RawNotrack_UntrackedIsNotNew_AsTheKernelDoes()
    {
        var (facts, kernel) = await RunAsync([80, 9100], [80, 9100], [Source4], s => s.ExecAsync("""
            iptables -P INPUT DROP
            iptables -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            iptables -A INPUT -p tcp -m conntrack --ctstate NEW -j ACCEPT
            iptables -t raw -A PREROUTING -p tcp --dport 9100 -j CT --notrack
            """, Ct));

        Assert.Equal("open", kernel[(Source4, 80)]);
        Assert.NotEqual("open", kernel[(Source4, 9100)]);
        Assert.Contains("untracked by raw PREROUTING", ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 9100, Cidr.Parse(Source4)).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NftNotrack_UntrackedIsNotNew_AsTheKernelDoes()
    {
        await RunAsync([80, 9100], [80, 9100], [Source4, Source6], s => s.ExecAsync("""
            nft -f - <<'NFT'
            table inet t {
              chain raw { type filter hook prerouting priority raw; tcp dport 9100 notrack; }
              chain in { type filter hook input priority 0; policy drop;
                ct state established,related accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                ct state new tcp dport { 80, 9100 } accept
              }
            }
            NFT
            """, Ct));
    }

    [Fact]
    public async Task UfwLimit_AuditSaysRateLimited_AndTheKernelRefusesTheSixthConnection()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Source4], Ct);
        await server.ExecAsync("ufw default deny incoming >/dev/null && ufw limit 22/tcp >/dev/null && ufw --force enable >/dev/null", Ct);
        var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, Ct)));

        var verdict = new ServerLayerView(facts).Evaluate(Protocol.Tcp, 22, Cidr.Parse($"{Source4}/32"));

        Assert.Equal(Decision.Admitted, verdict.Decision);
        Assert.Contains("conditionally: rate-limited", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("--hitcount 6", verdict.Evidence, StringComparison.Ordinal);
        // The condition is the kernel's: the first five new connections in 30 s get in, the sixth does not.
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal("open", (await client.SynAsync([Source4], [22], Timeout, Ct))[(Source4, 22)]);
        }

        Assert.NotEqual("open", (await client.SynAsync([Source4], [22], Timeout, Ct))[(Source4, 22)]);
    }
}
