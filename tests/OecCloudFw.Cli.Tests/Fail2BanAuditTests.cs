using System.Text.Json;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>The real fail2ban in a test server: a real ban, the kernel's answer, and the audit agreeing with it.</summary>
public sealed class Fail2BanAuditTests
{
    private const string Banned = "198.18.10.5";
    private const string Other = "198.18.10.77";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RealBan_RefusesOnlyTheBannedAddress_TheToolAgreesWithTheKernel_AndAStoppedFail2BanProtectsNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Banned, Other], Ct);
        await Fail2BanInServer.StartAsync(server, 22, Ct);
        await server.ExecAsync($"fail2ban-client set sshd banip {Banned} >/dev/null", Ct);

        var kernel = await client.SynAsync([Banned, Other], [22], TimeSpan.FromSeconds(1.5), Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        var facts = await FactsCollector.CollectAsync(shell, Ct);
        ServerVerdict Tool(string source) => ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 22, Cidr.Parse(source));

        Assert.NotEqual("open", kernel[(Banned, 22)]);
        Assert.Equal("open", kernel[(Other, 22)]);
        Assert.Equal(Decision.Refused, Tool(Banned + "/32").Decision);
        Assert.Contains("f2b", Tool(Banned + "/32").Evidence, StringComparison.Ordinal);
        Assert.Equal(Decision.Admitted, Tool(Other + "/32").Decision);
        // The internet at large is still admitted: a ban is not "SSH refused for everyone".
        var internet = Tool("0.0.0.0/0");
        Assert.Equal(Decision.Admitted, internet.Decision);
        Assert.Contains($"refused from {Banned}/32", internet.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(await AuditFindingsAsync(server), f => f.Id is "OECFW-NO-FAIL2BAN" or "OECFW-REQUIRED-BLOCKED");

        // Installed but stopped: its jail files ban nobody.
        await server.ExecAsync("fail2ban-client stop >/dev/null", Ct);
        Assert.Contains(await AuditFindingsAsync(server), f => f.Id == "OECFW-NO-FAIL2BAN" && f.Message.Contains("installed but no jail is running", StringComparison.Ordinal));
    }

    private static async Task<List<(string Id, string Message)>> AuditFindingsAsync(TestServer server)
    {
        var run = await CliHarness.RunAsync(["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--no-probe", "--output", "json", "--fail-on", "never"]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("message").GetString()!)).ToList();
    }
}
