using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>The probe on a real test server: what it reads with shell builtins, and what it asks a program for only when needed.</summary>
public sealed class ProbeTests
{
    [Fact]
    public async Task Probe_BuiltinReadsMatchTheFiles_LegacySaveOnlyWhenLegacyTablesExist()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);

        var plain = ProbeSections.Parse((await shell.RunScriptAsync(FactsCollector.ProbeScript, Ct)).Stdout);
        var facts = FactsCollector.Parse(plain);
        Assert.Equal((await server.ExecAsync("cat /etc/os-release", Ct)).TrimEnd('\n'), plain.Ok("os-release")!.TrimEnd('\n'));
        Assert.True(facts.IsRoot);
        Assert.True(facts.Os.IsDebianLike);
        Assert.Contains("sshd", facts.Commands);
        Assert.Contains("iptables", facts.Commands);
        Assert.Null(facts.IptablesVariant); // a fresh network namespace: no table loaded
        Assert.Equal((await server.ExecAsync("cat /etc/ufw/user.rules /etc/ufw/user6.rules", Ct)).TrimEnd('\n'), plain.Ok("ufw-user-rules")!.TrimEnd('\n'));
        Assert.NotNull(facts.UfwInit);
        Assert.False(plain.Has("iptables-legacy-save"));

        await server.ExecAsync("iptables -A INPUT -p tcp --dport 8 -j ACCEPT; iptables-legacy -A INPUT -p tcp --dport 9 -j ACCEPT", Ct);
        var legacy = ProbeSections.Parse((await shell.RunScriptAsync(FactsCollector.ProbeScript, Ct)).Stdout);
        Assert.Equal("nf_tables", FactsCollector.Parse(legacy).IptablesVariant);
        Assert.Contains("--dport 9 -j ACCEPT", legacy.Ok("iptables-legacy-save"), StringComparison.Ordinal);

        // A legacy DROP filters packets as much as an nft one: the server layer says so, naming it.
        await server.ExecAsync("iptables-legacy -A INPUT -p tcp --dport 5432 -j DROP", Ct);
        var mixed = await FactsCollector.CollectAsync(shell, Ct);
        var blocked = Preflight.ServerLayerEvaluator.Evaluate(mixed, Core.Net.Protocol.Tcp, 5432, Core.Net.Cidr.AnyIPv4);
        Assert.False(blocked.Admitted);
        Assert.StartsWith("iptables-legacy:", blocked.Evidence, StringComparison.Ordinal);
        Assert.True(Preflight.ServerLayerEvaluator.Evaluate(mixed, Core.Net.Protocol.Tcp, 22, Core.Net.Cidr.AnyIPv4).Admitted);
        Assert.True(mixed.IptablesActive);
    }

    [Fact]
    public async Task Probe_UfwStateFromItsFiles_AgreesWithTheKernelRulesAndUfwStatus()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp comment SSH; ufw allow 80,443/tcp; ufw allow 8000:8100/tcp; ufw deny 5432; " +
            "ufw allow from 203.0.113.0/24 to any port 6432 proto tcp; ufw limit 2222/tcp; ufw allow from 2001:db8::/32 to any port 19999 proto tcp; " +
            "ufw reject 25/tcp; ufw allow from 10.0.0.0/8; ufw route allow 9000/tcp; ufw insert 1 deny from 198.51.100.7", Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);

        var inactive = await FactsCollector.CollectAsync(shell, Ct);
        Assert.False(inactive.UfwActive);
        Assert.Contains("inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);

        await server.ExecAsync("ufw --force enable", Ct);
        var facts = await FactsCollector.CollectAsync(shell, Ct);
        Assert.True(facts.UfwActive);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        var files = new Core.Rules.RuleSet(facts.Ufw!.Rules, facts.Ufw.DefaultIncoming);
        foreach (var port in new[] { 22, 25, 80, 443, 2222, 5432, 6432, 8000, 8100, 8101, 9000, 19999 })
        {
            foreach (var source in new[] { "0.0.0.0/0", "10.1.2.3/32", "203.0.113.9/32", "198.51.100.7/32", "::/0", "2001:db8::1/128" })
            {
                var cidr = Core.Net.Cidr.Parse(source);
                var kernel = cidr.Family == Core.Net.IpFamily.IPv4 ? facts.Iptables4! : facts.Iptables6!;
                Assert.True(kernel.Evaluate(Core.Net.Protocol.Tcp, port, cidr).Admitted == files.Evaluate(Core.Net.Protocol.Tcp, port, cidr).Admitted, $"{port} from {source}");
            }
        }
    }
}
