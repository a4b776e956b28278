using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Differential;

/// <summary>iptables through iptables-nft (Debian's default), with ipsets: the tool's verdicts against the kernel's.</summary>
public sealed class IptablesNftOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRulesets_DefiniteVerdictsAgreeWithTheKernel() =>
        output.WriteLine(await KernelOracle.RunAsync("iptables-nft", 24, KernelOracle.Seed(0), null,
            (g, s) => Iptables.LoadAsync(g, s, "iptables", "ip6tables"), TestContext.Current.CancellationToken));
}

/// <summary>iptables-legacy (x_tables), with ipsets.</summary>
public sealed class IptablesLegacyOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRulesets_DefiniteVerdictsAgreeWithTheKernel() =>
        output.WriteLine(await KernelOracle.RunAsync("iptables-legacy", 24, KernelOracle.Seed(100_000), null,
            (g, s) => Iptables.LoadAsync(g, s, "iptables-legacy", "ip6tables-legacy"), TestContext.Current.CancellationToken));
}

/// <summary>Native nftables: several base chains, named and anonymous sets, verdict maps.</summary>
public sealed class NftablesOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRulesets_DefiniteVerdictsAgreeWithTheKernel() =>
        output.WriteLine(await KernelOracle.RunAsync("nftables", 30, KernelOracle.Seed(200_000), null, async (g, s) =>
        {
            var script = g.Nft();
            // oecx0: a device the ingress chains may name that no packet arrives on.
            var (code, stdout, stderr) = await s.TryExecAsync(
                $"ip link show oecx0 >/dev/null 2>&1 || {{ ip link add oecx0 type veth peer name oecx1 && ip link set oecx0 up; }}\ncat > /run/case.nft <<'NFT'\n{script}NFT\nnft -f /run/case.nft",
                TestContext.Current.CancellationToken);
            if (code != 0)
            {
                TestContext.Current.SendDiagnosticMessage($"nft refused: {stderr}{stdout}\n{script}");
            }

            return code == 0 ? script : null;
        }, TestContext.Current.CancellationToken));
}

/// <summary>UFW driven through its own CLI.</summary>
public sealed class UfwOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRulesets_DefiniteVerdictsAgreeWithTheKernel() =>
        output.WriteLine(await KernelOracle.RunAsync("ufw", 6, KernelOracle.Seed(300_000), null, async (g, s) =>
        {
            var commands = g.Ufw();
            var (code, stdout, stderr) = await s.TryExecAsync($"ufw --force reset >/dev/null 2>&1; {string.Join(" >/dev/null && ", commands)} >/dev/null", TestContext.Current.CancellationToken);
            if (code != 0)
            {
                TestContext.Current.SendDiagnosticMessage($"ufw refused: {stderr}{stdout}\n{string.Join('\n', commands)}");
                return null;
            }

            return string.Join('\n', commands);
        }, TestContext.Current.CancellationToken));
}

/// <summary>firewalld (nftables backend) driven through firewall-cmd: zones by source and interface, services, rich rules.</summary>
public sealed class FirewalldOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GeneratedRulesets_DefiniteVerdictsAgreeWithTheKernel() =>
        output.WriteLine(await KernelOracle.RunAsync("firewalld", 5, KernelOracle.Seed(400_000), s => s.StartFirewalldAsync(TestContext.Current.CancellationToken), async (g, s) =>
        {
            var commands = g.Firewalld();
            var script = "rm -f /etc/firewalld/zones/*.xml /etc/firewalld/zones/*.xml.old; firewall-cmd --reload >/dev/null && " +
                         string.Join(" && ", commands.Select(c => $"firewall-cmd --permanent {c} >/dev/null")) + " && firewall-cmd --reload >/dev/null";
            var (code, stdout, stderr) = await s.TryExecAsync(script, TestContext.Current.CancellationToken);
            if (code != 0)
            {
                // A generated combination firewalld refuses: counted as refused by the frontend, not a verdict.
                TestContext.Current.SendDiagnosticMessage($"firewall-cmd refused: {stderr}{stdout}\n{script}");
                return null;
            }

            return string.Join('\n', commands);
        }, TestContext.Current.CancellationToken));
}

/// <summary>Loads a generated iptables ruleset (both families) and its ipsets with the given iptables flavour.</summary>
internal static class Iptables
{
    public static async Task<string?> LoadAsync(RulesetGenerator generator, TestServer server, string v4, string v6)
    {
        var rules4 = generator.Iptables(v6: false);
        var rules6 = generator.Iptables(v6: true);
        var sets = generator.IpsetScript();
        var script = $"""
            for t in {v4} {v6}; do $t -P INPUT ACCEPT; $t -F; $t -X; for x in nat raw mangle; do $t -t $x -F; $t -t $x -X; done; done
            ipset destroy 2>/dev/null
            {sets}
            {v4}-restore <<'R4'
            {rules4}R4
            {v6}-restore <<'R6'
            {rules6}R6
            """;
        var (code, stdout, stderr) = await server.TryExecAsync(script, TestContext.Current.CancellationToken);
        if (code != 0)
        {
            TestContext.Current.SendDiagnosticMessage($"{v4}-restore refused: {stderr}{stdout}\n{rules6}");
            return null;
        }

        return $"{sets}\n{rules4}\n{rules6}";
    }
}
