using System.Text.Json;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// fail2ban proven to ban, on a real server whose sshd logs failed logins as <c>sshd-session</c> (as OpenSSH 9.8 and
/// later do) through the real rsyslog: Debian 12's fail2ban 1.0.2 stock sshd filter misses those lines. harden finds it
/// with fail2ban-regex on a failed login of the server's own, refuses when the override file is someone else's, adds
/// the override otherwise and proves it; then a real attack gets banned (the kernel refuses the attacker, admits another
/// address), and the audit agrees, and says so when the override is gone.
/// </summary>
public sealed class Fail2BanProvenBanTests
{
    private const string Attacker = "198.18.6.7";
    private const string Other = "198.18.6.8";
    private const string Override = "/etc/fail2ban/filter.d/sshd.local";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Server(TestServer server) =>
        ["--host", server.Address, "--user", "root", "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    [Fact]
    public async Task Harden_StockFilterMissesSshdSession_OverrideProven_RealBanKernelChecked_AuditAgrees()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Attacker, Other], Ct);
        await RsyslogInServer.StartAsync(server, Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null && ufw --force enable >/dev/null", Ct);
        await server.ExecAsync(Fail2BanInServer.InstallScript, Ct);
        var ns = $"cfwcli{server.Index}";
        const string NoAuth = "-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -o PubkeyAuthentication=no -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no";
        Task Fail(string source, string user) =>
            TestServer.Run("sh", ["-c", $"ip netns exec {ns} timeout 5 ssh {NoAuth} -b {source} {user}@{TestClient.ServerAddress4} true"], Ct, check: false);

        // The scenario is real: this sshd's own failure line, as rsyslog wrote it, and the stock filter misses it.
        await Fail(Other, "nobody-here");
        var line = await server.ExecAsync("i=0; until grep -q 'sshd-session\\[[0-9]*\\]: Invalid user nobody-here from' /var/log/auth.log; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done; grep 'Invalid user nobody-here' /var/log/auth.log", Ct);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\S+ \S+ sshd-session\[\d+\]: Invalid user nobody-here from 198\.18\.6\.8 port \d+", line);
        Assert.Contains("Lines: 1 lines, 0 ignored, 0 matched, 1 missed", await server.ExecAsync("grep 'Invalid user nobody-here' /var/log/auth.log > /tmp/l && fail2ban-regex /tmp/l sshd", Ct), StringComparison.Ordinal);

        // An override file of the operator's own is never overwritten: harden refuses with the reason, and restores.
        await server.ExecAsync($"printf '# site tweaks\\n[Definition]\\n' > {Override}", Ct);
        var refused = await CliHarness.RunAsync(["server", "harden", .. Server(server)]);
        Assert.True(refused.ExitCode == 4, refused.Error + refused.Output);
        Assert.Contains("matches none of sshd's failure lines", refused.Output + refused.Error, StringComparison.Ordinal);
        Assert.Contains("is not ours", refused.Output + refused.Error, StringComparison.Ordinal);
        Assert.Equal("# site tweaks\n[Definition]\n", await server.ExecAsync($"cat {Override}", Ct));
        Assert.NotEqual(0, (await server.TryExecAsync("ls /etc/fail2ban/jail.d/zz-oec-cloudfw-sshd.local", Ct)).ExitCode);
        await server.ExecAsync($"rm {Override}", Ct);

        var harden = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--management-source", "198.19.250.0/24", "--output", "json"]);

        Assert.True(harden.ExitCode == 0, harden.Error + harden.Output);
        using (var json = JsonDocument.Parse(harden.Output))
        {
            Assert.Equal("confirmed", json.RootElement.GetProperty("outcome").GetString());
            var detail = json.RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("fail2ban-regex: the sshd jail's filter sshd[mode=normal] matched 1 of 1 sshd failure line(s) in /var/log/auth.log (with oec-cloudfw's sshd-session override in filter.d)", detail, StringComparison.Ordinal);
            Assert.Matches(@"sshd-session\[\d+\]: Invalid user oecfw-f2b-\d+-\d+ from 127\.0\.0\.1 port \d+", detail);
        }

        Assert.Contains("_daemon = sshd(?:-session)?", await server.ExecAsync($"cat {Override}", Ct), StringComparison.Ordinal);

        // A real attack: five invalid-user logins (fail2ban's maxretry) from the attacker; the ban is waited for on the server.
        for (var i = 0; i < 5; i++)
        {
            await Fail(Attacker, $"intruder{i}");
        }

        // fail2ban lists the ban before its action has put it in the kernel: wait for both.
        var banned = await server.TryExecAsync($"i=0; until fail2ban-client status sshd | grep -q 'Banned IP list:.*{Attacker}' && {{ iptables-save 2>/dev/null; nft list ruleset 2>/dev/null; ipset save 2>/dev/null; }} | grep -qF '{Attacker}'; do i=$((i+1)); [ $i -gt 150 ] && exit 1; sleep 0.2; done", Ct);
        Assert.True(banned.ExitCode == 0, await server.ExecAsync("tail -20 /var/log/auth.log; fail2ban-client status sshd; tail -30 /var/log/fail2ban.log; true", Ct));
        var kernel = await client.SynAsync([Attacker, Other], [22], TimeSpan.FromSeconds(1.5), Ct);
        Assert.NotEqual("open", kernel[(Attacker, 22)]);
        Assert.Equal("open", kernel[(Other, 22)]);

        // The audit agrees: fail2ban's finding absent, the banned address refused by the model, the other admitted.
        Assert.DoesNotContain(await AuditFindingsAsync(server), f => f.Id == "OECFW-NO-FAIL2BAN");
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            var facts = await FactsCollector.CollectAsync(shell, Ct);
            Assert.Equal(Decision.Refused, ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 22, Cidr.Parse(Attacker + "/32")).Decision);
            Assert.Equal(Decision.Admitted, ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 22, Cidr.Parse(Other + "/32")).Decision);
        }

        // Without the override, the stock filter matches none of the recent failures: the audit says so.
        await server.ExecAsync($"rm {Override}", Ct);
        var findings = await AuditFindingsAsync(server);
        Assert.Contains(findings, f => f.Id == "OECFW-NO-FAIL2BAN" && f.Message.Contains("installed but its filter matches none of this server's sshd failures", StringComparison.Ordinal));
    }

    private static async Task<List<(string Id, string Message)>> AuditFindingsAsync(TestServer server)
    {
        var run = await CliHarness.RunAsync(["audit", .. Server(server), "--no-probe", "--output", "json", "--fail-on", "never"]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("message").GetString()!)).ToList();
    }
}
