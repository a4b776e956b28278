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
    }
}
