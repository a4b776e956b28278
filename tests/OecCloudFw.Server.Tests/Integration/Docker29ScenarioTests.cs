using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// Docker 29's nftables firewall backend: the exact tables Docker 29.0.0 writes (moby's golden files), loaded into a
/// test server with a real container network behind the bridge (Docker29InServer), and the kernel as the judge: real
/// TCP SYNs from the client network to the published port 8080, DNAT-ed to the container's port 80 and forwarded. The
/// audit's verdict for every (source, port) must be the kernel's.
/// </summary>
public sealed class Docker29ScenarioTests
{
    private const string Source4 = "198.18.10.5";
    private const string Other4 = "198.18.10.6";
    private const string Source6 = "2001:2:0:10::5";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly string[] Sources = [Source4, Other4, Source6];

    /// <summary>The server with Docker 29's tables for a container listening on 80, a host listener on 8081, <paramref name="setup"/>'s rules; the tool against the kernel.</summary>
    private static async Task<(ServerFacts Facts, IReadOnlyDictionary<(string, int), string> Kernel, TestServer Server)> RunAsync(
        TestServer server, TestClient client, Func<TestServer, Task>? setup = null, string? acceptFwMark = null)
    {
        await TestClient.ListenAsync(server, [8081], Ct);
        await Docker29InServer.StartAsync(server, [Docker29InServer.ContainerPort], acceptFwMark, Ct);
        if (setup is not null)
        {
            await setup(server);
        }

        var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, Ct)));
        var kernel = await client.SynAsync(Sources, [Docker29InServer.Published, 8081], Timeout, Ct);
        foreach (var source in Sources)
        {
            foreach (var port in new[] { Docker29InServer.Published, 8081 })
            {
                var tool = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, port, Cidr.Parse(source));
                Assert.True(tool.Decision != Decision.Indeterminate, $"from {source} to {port}: indeterminate: {tool.Evidence}");
                Assert.True(tool.Admitted == (kernel[(source, port)] == "open"),
                    $"from {source} to {port}: the kernel said {kernel[(source, port)]}, the tool {tool.Decision}: {tool.Evidence}");
            }
        }

        return (facts, kernel, server);
    }

    [Fact]
    public async Task DockersOwnTables_PublishedPortForwardedToTheContainer_AsTheKernelDoes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        var (facts, kernel, _) = await RunAsync(server, client);

        Assert.Equal("open", kernel[(Source4, 8080)]);
        Assert.Equal("open", kernel[(Source6, 8080)]);
        Assert.True(facts.DockerFirewall.Nftables);
        Assert.True(facts.DockerRunning);
        var verdict = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Source4));
        Assert.Contains($"DNAT-ed to {Docker29InServer.Container4}:80", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("out of br-dummy", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("docker-bridges filter-forward-in__br-dummy", verdict.Evidence, StringComparison.Ordinal);
        // The audit's port table and its bypass check see the published port (both families).
        var host = HostFactsReader.Read(facts);
        var published = Assert.Single(host.DockerPublished, d => d.Port == 8080);
        Assert.True(published.ExposedByForwardPath, published.Evidence);
        Assert.Contains(facts.DockerFirewall.Published, p => p.Port == 8080 && p.Family == IpFamily.IPv6);
    }

    [Fact]
    public async Task IptablesForwardPolicyDrop_RefusesThePublishedPort_AsTheKernelDoes()
    {
        // ufw's default routed policy (DEFAULT_FORWARD_POLICY="DROP") does the same to Docker 29's nftables rules.
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        var (facts, kernel, _) = await RunAsync(server, client, s => s.ExecAsync("iptables -P FORWARD DROP && ip6tables -P FORWARD DROP", Ct));

        Assert.Equal("filtered", kernel[(Source4, 8080)]);
        Assert.Equal("open", kernel[(Source4, 8081)]);
        Assert.Contains("iptables FORWARD", ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Source4)).Evidence, StringComparison.Ordinal);
        Assert.False(Assert.Single(HostFactsReader.Read(facts).DockerPublished, d => d.Port == 8080).ExposedByForwardPath);
    }

    [Fact]
    public async Task OperatorsForwardChainBeforeDockers_RefusesOneSource_AsTheKernelDoes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        var (_, kernel, _) = await RunAsync(server, client, s => s.ExecAsync($$"""
            nft -f - <<'NFT'
            table inet operator {
              chain operator_forward { type filter hook forward priority -10; policy accept;
                meta l4proto tcp ip saddr {{Other4}} ct original proto-dst 8080 drop
              }
            }
            NFT
            """, Ct));

        Assert.Equal("open", kernel[(Source4, 8080)]);
        Assert.Equal("filtered", kernel[(Other4, 8080)]);
    }

    [Fact]
    public async Task AcceptFwMark_MarkSetBeforeDockersChain_AcceptedByTheMarkRule_AsTheKernelDoes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        var (facts, kernel, _) = await RunAsync(server, client, s => s.ExecAsync($$"""
            nft -f - <<'NFT'
            table inet operator {
              chain operator_forward { type filter hook forward priority -1; policy accept;
                meta l4proto tcp ip saddr {{Source4}} ct original proto-dst 8080 meta mark set meta mark & 0xffff0000 | 0x4f45 accept
              }
            }
            NFT
            """, Ct), acceptFwMark: "0x4f45/0xffff");

        Assert.Equal("open", kernel[(Source4, 8080)]);
        // Docker's ALLOW FW MARK rule accepted the marked packet (its counter), the port rule the other.
        var counters = await server.ExecAsync("nft list chain ip docker-bridges filter-forward-in__br-dummy", Ct);
        Assert.Contains("counter packets 1 bytes 60 accept comment \"ALLOW FW MARK\"", counters, StringComparison.Ordinal);
        var marked = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Source4));
        var unmarked = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Other4));
        Assert.NotEqual(Rule(marked.Evidence), Rule(unmarked.Evidence));

        static string Rule(string evidence) => evidence[evidence.LastIndexOf("filter-forward-in__br-dummy handle", StringComparison.Ordinal)..];
    }
}
