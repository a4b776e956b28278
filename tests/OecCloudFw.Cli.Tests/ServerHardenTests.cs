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

        var dry = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--dry-run"]);
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("would run: mkdir -p /etc/ssh/sshd_config.d", dry.Output, StringComparison.Ordinal);
        Assert.Contains("passwordauthentication yes", await SshdAsync(server), StringComparison.Ordinal);

        var harden = await CliHarness.RunAsync(["server", "harden", .. Server(server)]);

        Assert.True(harden.ExitCode == 0, harden.Error + harden.Output);
        Assert.Equal("kbdinteractiveauthentication no\npasswordauthentication no\npermitrootlogin without-password\n", await SshdAsync(server));
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
        }

        var audit = await CliHarness.RunAsync(["audit", .. Server(server), "--no-probe", "--output", "json", "--fail-on", "never"]);
        Assert.DoesNotContain("OECFW-SSH-PASSWORD", audit.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OECFW-SSH-ROOT-LOGIN", audit.Output, StringComparison.Ordinal);

        var again = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--output", "json"]);
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

        var asRoot = await CliHarness.RunAsync(["server", "harden", .. Server(server), "--root-login", "no"]);
        Assert.Equal(2, asRoot.ExitCode);
        Assert.Contains("permitrootlogin yes", await SshdAsync(server), StringComparison.Ordinal);

        var asDeploy = await CliHarness.RunAsync(["server", "harden", .. Server(server, "deploy"), "--root-login", "no"]);

        Assert.True(asDeploy.ExitCode == 0, asDeploy.Error + asDeploy.Output);
        Assert.Contains("permitrootlogin no", await SshdAsync(server), StringComparison.Ordinal);
        await Assert.ThrowsAsync<LayerFailureException>(async () => await SshShell.ConnectAsync(server.Ssh(), Ct));
        await using var deploy = await SshShell.ConnectAsync(server.Ssh("deploy"), Ct);
        Assert.Equal(0, (await deploy.RunScriptAsync("sudo -n true", Ct)).ExitCode);
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
        const string Files = "find /etc/ssh/sshd_config /etc/ssh/sshd_config.d -type f | sort | xargs md5sum";
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
        Assert.Equal(files, await server.ExecAsync(Files, Ct));
        Assert.Equal(settings, await SshdAsync(server));
        Assert.Equal(string.Empty, (await server.ExecAsync("iptables -t raw -S PREROUTING | grep -- '--dport 22' || true", Ct)).Trim());
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }
}
