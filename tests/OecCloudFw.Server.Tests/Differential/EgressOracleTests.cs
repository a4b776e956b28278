using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Differential;

/// <summary>
/// The kernel as the oracle for the output path: generated iptables rulesets mirrored onto OUTPUT (the remote end is
/// -d, the interface -o), ufw's "deny outgoing" with exceptions, and a native nftables output chain are loaded into a
/// real test server; the server connects to listeners on every client address, and what the kernel did is compared
/// with the tool's egress verdict for that exact destination. A definite verdict must never disagree.
/// </summary>
public sealed partial class EgressOracleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FirstTimeout = TimeSpan.FromSeconds(1.2);
    private static readonly TimeSpan RecheckTimeout = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task OutputRulesets_DefiniteEgressVerdictsAgreeWithTheKernel()
    {
        var ct = TestContext.Current.CancellationToken;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("OECFW_DIFF_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var forced) ? forced : 12;
        var seed = KernelOracle.Seed(500_000);
        var destinations = RulesetGenerator.Sources4.Concat(RulesetGenerator.Sources6).ToList();
        await using var server = await TestServer.StartAsync(ct);
        await using var client = await TestClient.AttachAsync(server, destinations, ct);
        await client.ListenHereAsync(RulesetGenerator.Ports, ct);

        var rulesets = new List<(string Name, string Script)>();
        for (var i = 0; i < cases; i++)
        {
            var generator = new RulesetGenerator(seed + i);
            rulesets.Add(($"iptables seed {seed + i}", $"""
                for t in iptables ip6tables; do $t -P OUTPUT ACCEPT; $t -F; $t -X; done
                ipset destroy 2>/dev/null
                {generator.IpsetScript()}
                iptables-restore <<'R4'
                {Mirror(generator.Iptables(v6: false, beforeFilter: false))}R4
                ip6tables-restore <<'R6'
                {Mirror(generator.Iptables(v6: true, beforeFilter: false))}R6
                """));
        }

        rulesets.Add(("ufw deny outgoing", """
            for t in iptables ip6tables; do $t -P OUTPUT ACCEPT; $t -F; $t -X; done
            ufw --force reset >/dev/null; ufw default deny outgoing >/dev/null; ufw allow out 443/tcp >/dev/null
            ufw allow out to 198.18.10.0/24 port 80 proto tcp >/dev/null; ufw deny out to 198.18.77.1 port 443 proto tcp >/dev/null
            ufw insert 1 reject out to 2001:2:0:20::9 port 443 proto tcp >/dev/null; ufw --force enable >/dev/null
            """));
        rulesets.Add(("nftables output", """
            ufw --force disable >/dev/null 2>&1; ufw --force reset >/dev/null 2>&1
            for t in iptables ip6tables; do $t -P OUTPUT ACCEPT; $t -P INPUT ACCEPT; $t -F; $t -X; done
            nft -f - <<'NFT'
            table inet out {
              set blocked { type ipv4_addr; elements = { 198.18.130.9 } }
              chain output {
                type filter hook output priority 0; policy drop;
                ct state established,related accept
                oifname "lo" accept
                meta l4proto ipv6-icmp accept
                ip daddr @blocked tcp dport 443 reject with tcp reset
                tcp dport { 80, 443 } accept
                ip6 daddr 2001:2:0:10::/64 tcp dport 5432 accept
                oifname "eth1" tcp dport 8069 accept
                iifname "eth1" tcp dport 9100 accept
              }
            }
            NFT
            """));

        int checks = 0, definite = 0, indeterminate = 0, loaded = 0;
        var disagreements = new List<string>();
        foreach (var (name, script) in rulesets)
        {
            var (code, stdout, stderr) = await server.TryExecAsync(script, ct);
            if (code != 0)
            {
                // The hand-written rulesets must load; a generated one iptables refuses is skipped.
                Assert.StartsWith("iptables", name, StringComparison.Ordinal);
                TestContext.Current.SendDiagnosticMessage($"{name} refused: {stderr}{stdout}");
                continue;
            }

            loaded++;
            var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, ct)));
            var kernel = await client.ConnectFromServerAsync(destinations, RulesetGenerator.Ports, FirstTimeout, ct);
            foreach (var destination in destinations)
            {
                foreach (var port in RulesetGenerator.Ports)
                {
                    checks++;
                    var tool = ServerLayerEvaluator.EvaluateEgress(facts, Protocol.Tcp, port, Cidr.Parse(destination));
                    var seen = kernel[(destination, port)];
                    Assert.False(seen.StartsWith("error", StringComparison.Ordinal), $"{name}: connecting to {destination}:{port} failed: {seen}");
                    if (tool.Decision == Decision.Indeterminate)
                    {
                        indeterminate++;
                        continue;
                    }

                    definite++;
                    if (tool.Admitted != (seen == "open"))
                    {
                        var again = tool.Admitted ? (await client.ConnectFromServerAsync([destination], [port], RecheckTimeout, ct))[(destination, port)] : seen;
                        if (tool.Admitted != (again == "open"))
                        {
                            disagreements.Add($"{name}: to {destination}:{port} the kernel said {again}, the tool said {tool.Decision}: {tool.Evidence}\n{script}");
                        }
                    }
                }
            }
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"egress: seed {seed}, {loaded} output rulesets ({rulesets.Count - loaded} refused by iptables), {checks} connections from the server: {definite} definite verdicts, {disagreements.Count} disagreements with the kernel, {indeterminate} indeterminate");
        var folder = Testing.RepositoryRoot.Artifacts("differential");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "egress.txt"), summary + "\n", ct);
        output.WriteLine(summary);
        Assert.True(disagreements.Count == 0, $"{summary}\n{string.Join("\n", disagreements.Take(5))}");
        Assert.True(definite > checks / 2, $"{summary}: too few definite verdicts");
    }

    /// <summary>An INPUT ruleset mirrored onto OUTPUT: the remote end moves from -s to -d, the interface from -i to -o.</summary>
    private static string Mirror(string rules)
    {
        var inputPolicy = InputPolicy().Match(rules).Groups[1].Value;
        var text = rules.Replace(":OUTPUT ACCEPT [0:0]", $":OUTPUT {inputPolicy} [0:0]", StringComparison.Ordinal)
            .Replace($":INPUT {inputPolicy} [0:0]", ":INPUT ACCEPT [0:0]", StringComparison.Ordinal)
            .Replace("-A INPUT", "-A OUTPUT", StringComparison.Ordinal);
        return Swap().Replace(text, m => m.Value switch
        {
            " -s " => " -d ",
            " -d " => " -s ",
            " -i " => " -o ",
            "--src-range" => "--dst-range",
            "--dst-range" => "--src-range",
            "--dst-type" => "--src-type",
            " src" => " dst",
            _ => m.Value,
        });
    }

    [GeneratedRegex(@":INPUT (\w+) \[0:0\]")]
    private static partial Regex InputPolicy();

    [GeneratedRegex(@" -s | -d | -i |--src-range|--dst-range|--dst-type| src(?=\s|$)", RegexOptions.Multiline)]
    private static partial Regex Swap();
}
