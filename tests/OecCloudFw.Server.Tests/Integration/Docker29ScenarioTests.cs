using System.Text.RegularExpressions;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.SafeApply;
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
    public async Task InputRefusesThePort_ForwardPathAdmitsIt_TheBypassAsTheKernelDoes()
    {
        // The INPUT chain refuses 8080 (and 8081); Docker's DNAT forwards 8080 past it all the same.
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        var (facts, kernel, _) = await RunAsync(server, client, s => s.ExecAsync("""
            nft -f - <<'NFT'
            table inet filter {
              chain input { type filter hook input priority 0; policy drop;
                ct state established,related accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                tcp dport 22 accept
              }
            }
            NFT
            """, Ct));

        Assert.Equal("open", kernel[(Source4, 8080)]);
        Assert.Equal("filtered", kernel[(Source4, 8081)]);
        var host = HostFactsReader.Read(facts);
        Assert.True(host.DockerNftables);
        var published = Assert.Single(host.DockerPublished, d => d.Port == 8080);
        Assert.True(published.ExposedByForwardPath && !published.InputAdmits, published.Evidence);
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
        Assert.Matches(@"counter packets 1 bytes \d+ accept comment ""ALLOW FW MARK""", counters);
        var marked = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Source4));
        var unmarked = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Other4));
        Assert.NotEqual(Rule(marked.Evidence), Rule(unmarked.Evidence));

        static string Rule(string evidence) => evidence[evidence.LastIndexOf("filter-forward-in__br-dummy handle", StringComparison.Ordinal)..];
    }

    /// <summary>The policy: the guide's ports, and 8080 (Docker's published port) from <see cref="Source4"/> and <see cref="Source6"/> only.</summary>
    private static FirewallPolicy PublishedFromOneSource => Policy(new PolicyOptions { ExtraPorts = ["8080"], Sources = [Source4 + "/32", Source6 + "/128"] });

    /// <summary>The tool against the kernel for every (source, port), on facts read now.</summary>
    private static async Task<ServerFacts> AgreeAsync(TestServer server, TestClient client, string when)
    {
        var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, Ct)));
        var kernel = await client.SynAsync(Sources, [Docker29InServer.Published], Timeout, Ct);
        foreach (var source in Sources)
        {
            var tool = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, Docker29InServer.Published, Cidr.Parse(source));
            Assert.True(tool.Decision != Decision.Indeterminate && tool.Admitted == (kernel[(source, Docker29InServer.Published)] == "open"),
                $"{when}: from {source}: the kernel said {kernel[(source, Docker29InServer.Published)]}, the tool {tool.Decision}: {tool.Evidence}");
        }

        Assert.True(kernel[(Source4, 8080)] == "open", $"{when}: the policy's source is {kernel[(Source4, 8080)]}");
        Assert.True(kernel[(Source6, 8080)] == "open", $"{when}: the policy's IPv6 source is {kernel[(Source6, 8080)]}");
        Assert.True(kernel[(Other4, 8080)] == "filtered", $"{when}: another source is {kernel[(Other4, 8080)]}");
        return facts;
    }

    [Fact]
    public async Task Configure_WritesItsTableBeforeDockers_PolicyRefusesOtherSources_KernelAndAuditAgree_Idempotent()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        await Docker29InServer.StartAsync(server, [Docker29InServer.ContainerPort], cancellationToken: Ct);
        Assert.Equal("open", (await client.SynAsync([Other4], [8080], Timeout, Ct))[(Other4, 8080)]);

        var result = await ConfigureAsync(server, PublishedFromOneSource, backend: "nftables");

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Contains(result.Plan.Commands, c => c == $"nft -f {DockerNftRules.FilePath}");
        Assert.DoesNotContain(result.Plan.Commands, c => c.Contains("DOCKER-USER", StringComparison.Ordinal));
        var table = await server.ExecAsync($"nft list table inet {DockerNftRules.Table}", Ct);
        Assert.Contains("type filter hook forward priority filter - 1; policy accept;", table, StringComparison.Ordinal);
        var facts = await AgreeAsync(server, client, "after configure");
        Assert.DoesNotContain(HostFactsReader.Read(facts).DockerPublished, d => d.ExposedByForwardPath);

        // Again: nothing to do for Docker (the table and its files are as planned).
        var again = await ConfigureAsync(server, PublishedFromOneSource, dryRun: true, backend: "nftables");
        Assert.DoesNotContain(again.Plan.Commands, c => c.Contains(DockerNftRules.Table, StringComparison.Ordinal) || c.Contains(DockerNftRules.FilePath, StringComparison.Ordinal));

        // What Docker's unit runs after each start (the test server has no systemd) loads the same table back.
        await server.ExecAsync($"nft delete table inet {DockerNftRules.Table}", Ct);
        await server.ExecAsync("sed -n \"s/^ExecStartPost=-//p\" /etc/systemd/system/docker.service.d/oec-cloudfw.conf | while IFS= read -r c; do sh -c \"$c\"; done", Ct);
        await AgreeAsync(server, client, "after the drop-in reloaded it");
    }

    [Fact]
    public async Task Configure_WithBridgeAcceptFwMark_MarksWhatThePolicyAdmits_DockerAcceptsByTheMark()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, Sources, Ct);
        await server.ExecAsync("mkdir -p /etc/docker && printf '{ \"bridge-accept-fwmark\": \"0x4f45/0xffff\" }\\n' > /etc/docker/daemon.json", Ct);
        await Docker29InServer.StartAsync(server, [Docker29InServer.ContainerPort], "0x4f45/0xffff", Ct);

        var result = await ConfigureAsync(server, PublishedFromOneSource, backend: "nftables");

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Contains("| 0x00004f45 accept", await server.ExecAsync($"nft list table inet {DockerNftRules.Table}", Ct), StringComparison.Ordinal);
        var facts = await AgreeAsync(server, client, "after configure");
        // The kernel accepted the policy's sources by Docker's ALLOW FW MARK rule (its counter: one SYN per family), as the audit says.
        var chain = await server.ExecAsync("nft -a list chain ip docker-bridges filter-forward-in__br-dummy", Ct);
        var rule = Regex.Match(chain, @"counter packets (\d+) bytes \d+ accept comment ""ALLOW FW MARK"" # handle (\d+)");
        Assert.Equal("1", rule.Groups[1].Value);
        var verdict = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 8080, Cidr.Parse(Source4));
        Assert.True(verdict.Evidence.Contains($"filter-forward-in__br-dummy handle {rule.Groups[2].Value}", StringComparison.Ordinal), verdict.Evidence);
        // A verdict that holds is said plainly (a conntrack or address match that holds is not a condition).
        Assert.DoesNotContain("conditionally", verdict.Evidence, StringComparison.Ordinal);
    }
}
