using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>
/// The operator's real path to a server: ProxyJump through bastions (one and two hops) and ProxyCommand (a real OpenSSH
/// client's <c>ssh -W</c>), against real sshds reachable only through the bastion; the proof connection goes the same way.
/// </summary>
public sealed class SshTransportTests
{
    /// <summary>The server behind the link, as the tool would resolve it: its link address and a known_hosts for it.</summary>
    private static async Task<SshConnectionOptions> BehindAsync(BastionLink link, params SshConnectionOptions[] jumps)
    {
        var knownHosts = Path.Combine(link.Far.WorkDir, "link_known_hosts");
        await File.WriteAllTextAsync(knownHosts, link.FarKnownHostsLine + "\n", Ct);
        return link.Far.Ssh() with { Host = link.FarAddress, KnownHostsPath = knownHosts, JumpHosts = jumps };
    }

    [Fact]
    public async Task ProxyJump_ReachesAServerOnlyTheBastionReaches_AndTheLockoutProofGoesThroughTheBastionToo()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        var options = await BehindAsync(link, bastion.Ssh());

        // Its sshd no longer answers on the address this machine reaches: only the bastion's path leads to it.
        var direct = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options with { Host = target.Address, JumpHosts = [] }, Ct));
        ConfigureResult result;
        await using (var shell = await SshShell.ConnectAsync(options, Ct))
        {
            Assert.Equal($"{link.NearAddress} ", (await shell.RunScriptAsync("echo \"${OECFW_SSH_CONNECTION%% *} \"", Ct)).Stdout.TrimEnd('\n'));
            result = await new ServerConfigurator(shell, TimeProvider.System).ConfigureAsync(FirewallPolicy.Default, false, TimeSpan.FromSeconds(20), null, Ct);
        }

        Assert.Contains("cannot reach", direct.Message, StringComparison.Ordinal);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        var logins = BastionLink.AcceptedFrom(target);
        // The first connection and at least the proof's new one, every one from the bastion's link address; the bastion
        // accepted one login per connection to the target (each went through it).
        Assert.True(logins.Count >= 2, string.Join(", ", logins));
        Assert.All(logins, from => Assert.Equal(link.NearAddress, from));
        Assert.Equal(logins.Count, BastionLink.AcceptedFrom(bastion).Count);
        Assert.All(BastionLink.AcceptedFrom(bastion), from => Assert.Equal(bastion.ClientAddress, from));
        Assert.Contains("Status: active", await target.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyJump_TwoHops_EachHopVerifiedAndLoggedFromThePreviousOne()
    {
        await using var first = await TestServer.StartAsync(Ct);
        await using var second = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var inner = await BastionLink.CreateAsync(first, second, cancellationToken: Ct);
        var outer = await BastionLink.CreateAsync(second, target, cancellationToken: Ct);
        var secondHop = await BehindAsync(inner);
        var options = await BehindAsync(outer, first.Ssh(), secondHop);

        await using (var shell = await SshShell.ConnectAsync(options, Ct))
        {
            Assert.Equal("ok", (await shell.RunScriptAsync("echo ok", Ct)).Stdout.Trim());
            Assert.True(await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(10), Ct));
        }

        Assert.Equal([outer.NearAddress, outer.NearAddress], BastionLink.AcceptedFrom(target));
        Assert.Equal([inner.NearAddress, inner.NearAddress], BastionLink.AcceptedFrom(second));
        Assert.Equal([first.ClientAddress, first.ClientAddress], BastionLink.AcceptedFrom(first));
    }

    [Fact]
    public async Task ProxyJump_AHopWhoseKeyIsRefused_IsNamedInTheError()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        // The target's key is not the bastion's.
        var options = await BehindAsync(link, bastion.Ssh() with { IdentityFiles = [target.ClientKey] });

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.StartsWith($"jump host root@{bastion.Address}:22: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refused the login", ex.Message, StringComparison.Ordinal);
        Assert.Empty(BastionLink.AcceptedFrom(target));
    }

    [Fact]
    public async Task ProxyJump_AnUnknownHopHostKey_IsRefusedUnderStrict()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        var options = await BehindAsync(link, bastion.Ssh(knownHosts: Path.Combine(bastion.WorkDir, "empty_known_hosts")));

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.StartsWith($"jump host root@{bastion.Address}:22: the host key of {bastion.Address} ", ex.Message, StringComparison.Ordinal);
        Assert.Empty(BastionLink.AcceptedFrom(bastion));
    }

    [Fact]
    public async Task ProxyJump_TheBastionCannotReachTheServer_SaysSoThroughWhichHop()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        await target.ExecAsync("kill \"$(cat /run/sshd.pid)\"", Ct);
        var options = await BehindAsync(link, bastion.Ssh());

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.StartsWith($"cannot reach {link.FarAddress}:22 over SSH through jump host root@{bastion.Address}:22", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyCommand_SshDashW_IsTheTransport()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        var options = (await BehindAsync(link)) with
        {
            // As ssh_config's ProxyCommand with %h and %p expanded.
            ProxyCommand = $"ssh -F /dev/null -W {link.FarAddress}:22 -i {bastion.ClientKey} -o UserKnownHostsFile={bastion.KnownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes root@{bastion.Address}",
        };

        await using (var shell = await SshShell.ConnectAsync(options, Ct))
        {
            Assert.Equal("ok", (await shell.RunScriptAsync("echo ok", Ct)).Stdout.Trim());
            Assert.True(await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(10), Ct));
            // A proof on another port (ssh-port) cannot go through a command made for port 22: not proven, never "proven" on 22.
            Assert.Null(await shell.RunOnNewConnectionAsync(2222, "true", [], TimeSpan.FromSeconds(5), Ct));
        }

        Assert.Equal([link.NearAddress, link.NearAddress], BastionLink.AcceptedFrom(target));
        Assert.Equal(2, BastionLink.AcceptedFrom(bastion).Count);
        // Every ssh -W was killed or ended with its connection.
        Assert.Empty((await TestServer.Run("pgrep", ["-f", $"[-]W {link.FarAddress}:22"], Ct, check: false)).Stdout.Trim());
    }

    [Fact]
    public async Task ProxyCommand_WithoutSsh_APlainSocketCommand()
    {
        await using var server = await TestServer.StartAsync(Ct);
        // Any command whose stdin/stdout is the TCP stream: here python's socket module (no nc on the machine needed).
        var relay = Path.Combine(server.WorkDir, "relay.py");
        await File.WriteAllTextAsync(relay, """
            import os, socket, sys, threading
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
            def up():
                while True:
                    b = os.read(0, 65536)
                    if not b:
                        s.shutdown(socket.SHUT_WR); return
                    s.sendall(b)
            threading.Thread(target=up, daemon=True).start()
            while True:
                b = s.recv(65536)
                if not b:
                    break
                os.write(1, b)
            """, Ct);
        var options = server.Ssh() with { ProxyCommand = $"exec python3 {relay} {server.Address} 22" };

        await using var shell = await SshShell.ConnectAsync(options, Ct);

        Assert.Equal("ok", (await shell.RunScriptAsync("echo ok", Ct)).Stdout.Trim());
        Assert.Equal([server.ClientAddress], BastionLink.AcceptedFrom(server));
    }

    [Fact]
    public async Task ProxyCommand_ThatExitsAtOnce_FailsWithItsStderr()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var options = server.Ssh() with { ProxyCommand = "echo 'bastion.example: Name or service not known' >&2; exit 255" };

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.Contains($"cannot reach {server.Address}:22 over SSH through ProxyCommand 'echo", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it exited with code 255; its stderr: bastion.example: Name or service not known", ex.Message, StringComparison.Ordinal);
        Assert.Empty(BastionLink.AcceptedFrom(server));
    }

    [Fact]
    public async Task JumpHostsAndProxyCommand_Together_AreRefusedBeforeConnecting()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var options = server.Ssh() with { JumpHosts = [server.Ssh()], ProxyCommand = "false" };

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.Contains("both jump hosts", ex.Message, StringComparison.Ordinal);
        Assert.Empty(BastionLink.AcceptedFrom(server));
    }
}
