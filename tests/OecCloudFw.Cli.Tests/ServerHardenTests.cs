using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>server harden</c> on real sshd: what sshd then runs with (<c>sshd -T</c>), new logins as they are, the audit's
/// findings, and the lockout scenario (a new connection failing after the change) ending with sshd as it was and a new
/// SSH connection that succeeds.
/// </summary>
public sealed class ServerHardenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Server(TestServer server, string user = "root") =>
        ["--host", server.Address, "--user", user, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    private static async Task WeakenAsync(TestServer server)
    {
        await server.ExecAsync("printf 'PasswordAuthentication yes\\nKbdInteractiveAuthentication yes\\nPermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/50-weak.conf", Ct);
        await server.RestartSshdAsync(Ct);
    }

    private static async Task<string> SshdAsync(TestServer server) =>
        await server.ExecAsync("sshd -T | grep -E '^(passwordauthentication|kbdinteractiveauthentication|permitrootlogin) ' | sort", Ct);

    [Fact]
    public async Task Harden_KeysOnlyRootByKey_ProvenWithANewLogin_AuditClean_SecondRunChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await WeakenAsync(server);

        var dry = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--no-fail2ban", "--dry-run"]);
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("would run: mkdir -p /etc/ssh/sshd_config.d", dry.Output, StringComparison.Ordinal);
        Assert.Contains("passwordauthentication yes", await SshdAsync(server), StringComparison.Ordinal);

        // The audit's fix for it is this command.
        var found = await CliHarness.RunAsync(["audit", .. Server(server), "--no-probe", "--output", "json", "--fail-on", "never"]);
        using (var audit0 = System.Text.Json.JsonDocument.Parse(found.Output))
        {
            var password = audit0.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-SSH-PASSWORD");
            Assert.Equal($"oec-cloudfw server harden --host {server.Address}", password.GetProperty("fixes")[0].GetString());
        }

        var harden = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--no-fail2ban"]);

        Assert.True(harden.ExitCode == 0, harden.Error + harden.Output);
        Assert.Equal("kbdinteractiveauthentication no\npasswordauthentication no\npermitrootlogin without-password\n", await SshdAsync(server));
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
        }

        var audit = await CliHarness.RunAsync(["audit", .. Server(server), "--no-probe", "--output", "json", "--fail-on", "never"]);
        Assert.DoesNotContain("OECFW-SSH-PASSWORD", audit.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OECFW-SSH-ROOT-LOGIN", audit.Output, StringComparison.Ordinal);

        var again = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--no-fail2ban", "--output", "json"]);
        Assert.Equal(0, again.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(again.Output);
        Assert.Equal("unchanged", json.RootElement.GetProperty("outcome").GetString());
        Assert.Empty(json.RootElement.GetProperty("commands").EnumerateArray());
    }

    [Fact]
    public async Task RootLoginNo_OnlyThroughAProvenSudoUser_ThenRootCannotLogIn()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await WeakenAsync(server);
        await server.AddUserAsync("deploy", sudo: true, Ct);

        var asRoot = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--no-fail2ban", "--root-login", "no"]);
        Assert.Equal(2, asRoot.ExitCode);
        Assert.Contains("permitrootlogin yes", await SshdAsync(server), StringComparison.Ordinal);

        var asDeploy = await CliHarness.RunAsync(["server", "harden", .. Server(server, "deploy"), "--no-fail2ban", "--root-login", "no"]);

        Assert.True(asDeploy.ExitCode == 0, asDeploy.Error + asDeploy.Output);
        Assert.Contains("permitrootlogin no", await SshdAsync(server), StringComparison.Ordinal);
        await Assert.ThrowsAsync<LayerFailureException>(async () => await SshShell.ConnectAsync(server.Ssh(), Ct));
        await using var deploy = await SshShell.ConnectAsync(server.Ssh("deploy"), Ct);
        Assert.Equal(0, (await deploy.RunScriptAsync("sudo -n true", Ct)).ExitCode);
    }

    /// <summary>
    /// fail2ban end to end: not installed, sshd logging to auth.log, UFW filtering. harden installs it through the
    /// package manager, writes the jail on the SSH port with UFW's ban action and the operator's address ignored, and
    /// proves the jail runs. Then a real attack: five invalid-user logins (fail2ban's maxretry) from an internet address get it banned
    /// (the kernel refuses it, another address is still admitted), while the operator's own six failures ban nothing and a
    /// new SSH connection works. The audit no longer reports a missing fail2ban, and a second run changes nothing.
    /// </summary>
    [Fact]
    public async Task Fail2Ban_InstalledWithAJailOnTheSshPort_BansAnAttacker_NeverTheOperator()
    {
        const string Attacker = "198.18.5.7";
        const string Other = "198.18.5.8";
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Attacker, Other], Ct);
        await server.UseSyslogAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null && ufw --force enable >/dev/null", Ct);
        await Fail2BanInServer.OfflineAptGetAsync(server, Ct);

        var dry = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--management-source", "198.19.250.0/24", "--dry-run"]);
        Assert.True(dry.ExitCode == 0, dry.Error + dry.Output);
        Assert.Contains("would run: DEBIAN_FRONTEND=noninteractive apt-get install -y -q fail2ban", dry.Output, StringComparison.Ordinal);
        Assert.Contains("banaction = ufw", dry.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, (await server.TryExecAsync("command -v fail2ban-client", Ct)).ExitCode);

        var harden = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--management-source", "198.19.250.0/24"]);

        Assert.True(harden.ExitCode == 0, harden.Error + harden.Output);
        Assert.Contains("install -y -q fail2ban", await server.ExecAsync("cat /run/apt-get.log", Ct), StringComparison.Ordinal);
        var jail = await server.ExecAsync("cat /etc/fail2ban/jail.d/zz-oec-cloudfw-sshd.local", Ct);
        Assert.Contains("port = 22\n", jail, StringComparison.Ordinal);
        Assert.Contains("logpath = /var/log/auth.log\n", jail, StringComparison.Ordinal);
        Assert.Contains($"ignoreip = 127.0.0.1/8 ::1 {server.ClientAddress} 198.19.250.0/24\n", jail, StringComparison.Ordinal);
        Assert.Contains("/var/log/auth.log", await server.ExecAsync("fail2ban-client status sshd", Ct), StringComparison.Ordinal);

        // The attacker fails five logins (fail2ban's maxretry), the operator six.
        var ns = $"cfwcli{server.Index}";
        const string NoAuth = "-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 -o PubkeyAuthentication=no -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no";
        for (var i = 0; i < 6; i++)
        {
            if (i < 5)
            {
                await TestServer.Run("sh", ["-c", $"ip netns exec {ns} timeout 5 ssh {NoAuth} -b {Attacker} intruder{i}@{TestClient.ServerAddress4} true"], Ct, check: false);
            }

            await TestServer.Run("sh", ["-c", $"timeout 5 ssh {NoAuth} operator{i}@{server.Address} true"], Ct, check: false);
        }

        var banned = string.Empty;
        for (var i = 0; i < 100 && !banned.Contains(Attacker, StringComparison.Ordinal); i++)
        {
            await Task.Delay(200, Ct);
            banned = await server.ExecAsync("fail2ban-client status sshd | sed -n 's/.*Banned IP list:[[:space:]]*//p'", Ct);
        }

        var diagnostics = banned.Contains(Attacker, StringComparison.Ordinal) ? string.Empty
            : await server.ExecAsync("tail -20 /var/log/auth.log; fail2ban-client status sshd; tail -30 /var/log/fail2ban.log; true", Ct);
        Assert.True(banned.Trim() == Attacker, $"banned: '{banned}'\n{diagnostics}");
        // The ban went through UFW, the frontend that filters.
        // fail2ban lists the ban before its action has run: wait for the rule.
        var rejected = $@"REJECT(\s+IN)?\s+{Attacker.Replace(".", @"\.", StringComparison.Ordinal)}\s";
        var ufw = await server.ExecAsync("ufw status; tail -5 /var/log/fail2ban.log", Ct);
        for (var i = 0; i < 100 && !System.Text.RegularExpressions.Regex.IsMatch(ufw, rejected); i++)
        {
            await Task.Delay(200, Ct);
            ufw = await server.ExecAsync("ufw status; tail -5 /var/log/fail2ban.log", Ct);
        }

        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(ufw, rejected), ufw);
        var kernel = await client.SynAsync([Attacker, Other], [22], TimeSpan.FromSeconds(1.5), Ct);
        Assert.NotEqual("open", kernel[(Attacker, 22)]);
        Assert.Equal("open", kernel[(Other, 22)]);
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
        }

        var audit = await CliHarness.RunAsync(["audit", .. Server(server), "--no-probe", "--output", "json", "--fail-on", "never"]);
        Assert.DoesNotContain("OECFW-NO-FAIL2BAN", audit.Output, StringComparison.Ordinal);

        var again = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--management-source", "198.19.250.0/24", "--output", "json"]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        using var json = System.Text.Json.JsonDocument.Parse(again.Output);
        Assert.Equal("unchanged", json.RootElement.GetProperty("outcome").GetString());
    }

    /// <summary>
    /// New SSH connections are blocked out of band right after the change: the proof fails, the server restores sshd's
    /// files (and the rules) and reloads sshd; sshd runs with its previous settings and a new connection works.
    /// </summary>
    [Fact]
    public async Task Lockout_NewConnectionFailsAfterTheChange_SshdRestoredExactly()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await WeakenAsync(server);
        // fail2ban installed as the package leaves it (Debian's stock jail, not running) and sshd logging to auth.log:
        // the change writes a jail and starts fail2ban, and the rollback must undo both.
        await server.ExecAsync(Fail2BanInServer.InstallScript, Ct);
        await server.UseSyslogAsync(Ct);
        const string Files = "find /etc/ssh/sshd_config /etc/ssh/sshd_config.d /etc/fail2ban -type f | sort | xargs md5sum";
        var files = await server.ExecAsync(Files, Ct);
        var settings = await SshdAsync(server);
        // A slower `sshd -t` (2 s) widens the moment between the drop-in being written and the reload, so the block
        // below lands in it however busy the machine is (sshd itself is the real one, exec'd by the wrapper).
        await server.ExecAsync("mv /usr/sbin/sshd /usr/sbin/sshd.real && printf '#!/bin/sh\\n[ \"$1\" = -t ] && sleep 2\\nexec /usr/sbin/sshd.real \"$@\"\\n' > /usr/sbin/sshd && chmod 755 /usr/sbin/sshd", Ct);
        var harden = CliHarness.RunAsync(["server", "harden", .. Server(server), "--confirm-timeout", "4"]);
        // Once the change is being applied (the drop-in is written; the reload follows), new SSH connections from the
        // operator are dropped in the raw table, before sshd ever sees them.
        for (var i = 0; i < 400 && (await server.ExecAsync("ls /etc/ssh/sshd_config.d/00-oec-cloudfw-harden.conf 2>/dev/null || true", Ct)).Trim().Length == 0; i++)
        {
            await Task.Delay(25, Ct);
        }

        await server.ExecAsync($"iptables -t raw -I PREROUTING -s {server.ClientAddress} -p tcp --dport 22 --syn -j DROP", Ct);

        var run = await harden;

        Assert.True(run.ExitCode == 4, run.Error + run.Output);
        Assert.Contains("fail2ban-client", run.Output, StringComparison.Ordinal);
        Assert.Equal(files, await server.ExecAsync(Files, Ct));
        Assert.NotEqual(0, (await server.TryExecAsync("fail2ban-client ping", Ct)).ExitCode);
        Assert.Equal(string.Empty, (await server.ExecAsync("pgrep -f '[f]ail2ban-server' || true", Ct)).Trim());
        Assert.Equal(settings, await SshdAsync(server));
        Assert.Equal(string.Empty, (await server.ExecAsync("iptables -t raw -S PREROUTING | grep -- '--dport 22' || true", Ct)).Trim());
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }
}
