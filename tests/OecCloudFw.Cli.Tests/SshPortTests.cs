using System.Text.Json;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>server ssh-port --to N</c> on real sshd, UFW and fail2ban with the fake EC2 (through the real SDK) as the cloud
/// layer: the end state of every layer after a move, and the lockout scenarios (the new port blocked out of band, the
/// key login refused on the new port) that end with every layer as it was and a new SSH connection on the old port.
/// Socket activation (ssh.socket) is simulated, since the test servers have no systemd (TestServer.UseSocketActivatedSshAsync).
/// </summary>
public sealed class SshPortTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private List<(int Port, bool Own)> WorldRules(string group) =>
        _ec2.Ingress(group).Where(r => r.CidrIpv4 == "0.0.0.0/0").Select(r => (r.FromPort, r.Tags.TryGetValue("managed-by", out var by) && by == "oec-cloudfw")).Order().ToList();

    private static Task<string> ListeningAsync(TestServer server) =>
        server.ExecAsync("ss -Htlnp | grep sshd | awk '{n=split($4,a,\":\"); print a[n]}' | sort -nu | tr '\\n' ' '", Ct);

    /// <summary>Both layers configured by apply (the cloud's 22 is the tool's), fail2ban's jail by harden, sshd through syslog.</summary>
    private async Task<(TestServer Server, string Group)> ConfiguredAsync()
    {
        var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync(Fail2BanInServer.InstallScript, Ct);
        await server.UseSyslogAsync(Ct);
        var group = _ec2.CreateGroup();
        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--no-probe"]);
        Assert.True(apply.ExitCode is 0 or 1, apply.Error + apply.Output);
        var harden = await CliHarness.RunAsync(["server", "harden", .. CliFlags.Server(server)]);
        Assert.True(harden.ExitCode == 0, harden.Error + harden.Output);
        return (server, group);
    }

    [Fact]
    public async Task Move_OpensProvesThenCloses_InBothLayers_SomeoneElsesRuleLeftAlone()
    {
        var (server, group) = await ConfiguredAsync();
        await using var _ = server;
        var foreign = _ec2.AddIngress(group, "tcp", 22, 22, "198.18.77.0/24", "someone else's bastion");
        Assert.Contains((22, true), WorldRules(group));

        var dry = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--to", "2222", "--dry-run"]);
        Assert.True(dry.ExitCode == 0, dry.Error + dry.Output);
        Assert.Contains("Port 2222", dry.Output, StringComparison.Ordinal);
        Assert.Equal("22 ", await ListeningAsync(server));

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--to", "2222", "--output", "json"]);

        // Exit 1: moved, but someone else's cloud rule still admits 22 (reported, never removed).
        Assert.True(move.ExitCode == 1, move.Error + move.Output);
        using var json = JsonDocument.Parse(move.Output);
        Assert.Equal("moved", json.RootElement.GetProperty("outcome").GetString());
        Assert.Contains("2222", json.RootElement.GetProperty("platformSettings").GetString(), StringComparison.Ordinal);
        Assert.Contains(json.RootElement.GetProperty("leftOpen").EnumerateArray(), l => l.GetString()!.Contains("198.18.77.0/24", StringComparison.Ordinal));
        // Cloud: the tool's 2222 is there, its 22 is gone, someone else's 22 stays.
        Assert.Contains((2222, true), WorldRules(group));
        Assert.DoesNotContain((22, true), WorldRules(group));
        Assert.Contains(_ec2.Ingress(group), r => r.RuleId == foreign);
        // Server: sshd listens on 2222 only, UFW admits 2222 and no longer 22, fail2ban's jail watches 2222.
        Assert.Equal("2222 ", await ListeningAsync(server));
        Assert.Equal("port 2222\n", await server.ExecAsync("sshd -T | grep '^port '", Ct));
        var ufw = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("2222/tcp", ufw, StringComparison.Ordinal);
        Assert.DoesNotContain("\n22/tcp", ufw, StringComparison.Ordinal);
        Assert.Contains("port = 2222\n", await server.ExecAsync("cat /etc/fail2ban/jail.d/zz-oec-cloudfw-sshd.local", Ct), StringComparison.Ordinal);
        Assert.Contains("/var/log/auth.log", await server.ExecAsync("fail2ban-client status sshd", Ct), StringComparison.Ordinal);
        // A new connection on 2222 works; 22 is refused.
        await AssertSshOnlyOn2222Async(server);
    }

    /// <summary>Azure and firewalld: the NSG rule that holds 22, 80 and 443 (the tool's) is narrowed to 80 and 443.</summary>
    [Fact]
    public async Task Move_Azure_Firewalld_TheOwnMultiPortRuleIsNarrowed_TheNewPortHasItsOwn()
    {
        await using var arm = await FakeArm.StartAsync();
        var nsg = arm.AddNsg("web-rg", "web-nsg");
        string[] azure = ["--azure-nsg", "web-nsg", "-g", "web-rg", "--subscription", FakeArm.Subscription, "--azure-endpoint", arm.Url.ToString()];
        await using var server = await TestServer.StartAsync(Ct);
        await server.StartFirewalldAsync(Ct);
        var apply = await CliHarness.RunAsync(null, arm.Connection(), ["apply", .. CliFlags.Server(server), .. azure, "--no-probe"]);
        Assert.True(apply.ExitCode is 0 or 1, apply.Error + apply.Output);

        var move = await CliHarness.RunAsync(null, arm.Connection(), ["server", "ssh-port", .. CliFlags.Server(server), .. azure, "--to", "2222"]);

        Assert.True(move.ExitCode == 0, move.Error + move.Output);
        Assert.Contains("platform settings: SSH port 2222", move.Output, StringComparison.Ordinal);
        var rules = arm.Rules(nsg).Select(r => (Name: r["name"]!.GetValue<string>(), Ports: Ports(r))).ToList();
        Assert.Equal(2, rules.Count);
        Assert.Contains(rules, r => r.Name.StartsWith("oecfw-tcp-22_80_443", StringComparison.Ordinal) && r.Ports == "443,80");
        Assert.Contains(rules, r => r.Name.StartsWith("oecfw-tcp-2222", StringComparison.Ordinal) && r.Ports == "2222");
        var zone = await server.ExecAsync("firewall-cmd --list-ports; firewall-cmd --list-services", Ct);
        Assert.Contains("2222/tcp", zone, StringComparison.Ordinal);
        Assert.DoesNotContain(" 22/tcp", " " + zone, StringComparison.Ordinal);
        Assert.DoesNotContain("ssh", zone, StringComparison.Ordinal);
        Assert.Equal("2222 ", await ListeningAsync(server));
        await AssertSshOnlyOn2222Async(server);
    }

    private static string Ports(System.Text.Json.Nodes.JsonObject rule)
    {
        var properties = rule["properties"]!.AsObject();
        var ports = properties["destinationPortRanges"] is System.Text.Json.Nodes.JsonArray many && many.Count > 0
            ? many.Select(p => p!.GetValue<string>())
            : [properties["destinationPortRange"]!.GetValue<string>()];
        return string.Join(",", ports.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A server whose firewall is iptables or native nftables keeps that frontend: the new port is added to it, the
    /// tool's own rules for the old port are deleted and the ruleset saved as the frontend saves it (no UFW installed).
    /// </summary>
    [Theory]
    [InlineData("iptables", "iptables-save; ip6tables-save", "cat /etc/iptables/rules.v4")]
    [InlineData("nftables", "nft list ruleset", "cat /etc/nftables.conf")]
    public async Task Move_OnIptablesOrNftables_TheFrontendKeepsTheJob(string backend, string live, string saved)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--backend", backend]);
        Assert.True(configure.ExitCode == 0, configure.Error + configure.Output);

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), "--to", "2222"]);

        Assert.True(move.ExitCode == 0, move.Error + move.Output);
        Assert.Equal("2222 ", await ListeningAsync(server));
        foreach (var text in new[] { await server.ExecAsync(live, Ct), await server.ExecAsync(saved, Ct) })
        {
            Assert.Contains("dport 2222", text.Replace("--dport", "dport", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("dport 22 ", text.Replace("--dport", "dport", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        await AssertSshOnlyOn2222Async(server);
    }

    /// <summary>
    /// A socket-activated sshd (Ubuntu 22.10+: ssh.socket holds the port, a Port line is ignored), simulated because
    /// the test servers have no systemd (TestServer.UseSocketActivatedSshAsync): the move writes ssh.socket's
    /// ListenStream override and restarts the socket; a new login on 2222 proves it. Then the lockout: 2222 dropped out
    /// of band, and the socket listens on 22 alone again, its override gone.
    /// </summary>
    [Fact]
    public async Task SocketActivatedSshd_TheListenStreamOverrideMovesIt_AndALockoutRestoresTheSocket()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.UseSocketActivatedSshAsync(Ct);
        const string Socket = "systemctl show -p Listen ssh.socket";
        Assert.Equal("Listen=[::]:22 (Stream)\n", await server.ExecAsync(Socket, Ct));

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), "--to", "2222"]);

        Assert.True(move.ExitCode == 0, move.Error + move.Output);
        Assert.Equal("Listen=[::]:2222 (Stream)\n", await server.ExecAsync(Socket, Ct));
        Assert.Contains("ListenStream=\nListenStream=2222\n", await server.ExecAsync("cat /etc/systemd/system/ssh.socket.d/oec-cloudfw-port.conf", Ct), StringComparison.Ordinal);
        await AssertSshOnlyOn2222Async(server);
    }

    [Fact]
    public async Task SocketActivatedSshd_NewPortBlocked_TheSocketListensWhereItDidBefore()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.UseSocketActivatedSshAsync(Ct);
        await server.ExecAsync("iptables -t raw -I PREROUTING -p tcp --dport 2222 --syn -j DROP", Ct);

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), "--to", "2222", "--confirm-timeout", "4"]);

        Assert.True(move.ExitCode == 4, move.Error + move.Output);
        Assert.Equal("Listen=[::]:22 (Stream)\n", await server.ExecAsync("systemctl show -p Listen ssh.socket", Ct));
        Assert.Equal(string.Empty, (await server.ExecAsync("ls /etc/systemd/system/ssh.socket.d/ 2>/dev/null || true", Ct)).Trim());
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }

    public static TheoryData<string> Lockouts => new()
    {
        // The new port dropped out of band (a provider firewall the tool does not see).
        "iptables -t raw -I PREROUTING -p tcp --dport 2222 --syn -j DROP",
        // The key login refused on the new port (sshd accepts the connection, then no login succeeds there).
        "printf 'Match LocalPort 2222\\n    DenyUsers *\\n' >> /etc/ssh/sshd_config && kill -HUP \"$(cat /run/sshd.pid)\"",
    };

    /// <summary>Any failure before the last step restores every layer; the old port is never closed.</summary>
    [Theory]
    [MemberData(nameof(Lockouts))]
    public async Task Lockout_NewPortNotProven_EveryLayerAsItWas_OldPortStillWorks(string breakIt)
    {
        var (server, group) = await ConfiguredAsync();
        await using var _ = server;
        await server.ExecAsync(breakIt, Ct);
        const string State = "find /etc/ssh /etc/fail2ban /etc/ufw -type f | sort | xargs md5sum; ufw status; sshd -T -C user=root,host=h,addr=198.18.0.1,laddr=198.18.0.2,lport=22 | grep '^port '";
        var before = await server.ExecAsync(State, Ct);
        var cloud = WorldRules(group);

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--to", "2222", "--confirm-timeout", "4", "--output", "json"]);

        Assert.True(move.ExitCode == 4, move.Error + move.Output);
        using var json = JsonDocument.Parse(move.Output);
        Assert.Equal("restored", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(before, await server.ExecAsync(State, Ct));
        Assert.Equal("22 ", await ListeningAsync(server));
        Assert.Equal(cloud, WorldRules(group));
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }

    /// <summary>A port another service listens on is refused with exit 2, before anything changes.</summary>
    [Fact]
    public async Task PortInUse_Exit2_NothingChanged()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await TestClient.ListenAsync(server, [2222], Ct);
        const string State = "ufw status; sshd -T | grep '^port '; ls /etc/ssh/sshd_config.d/";
        var before = await server.ExecAsync(State, Ct);

        var move = await CliHarness.RunAsync(["server", "ssh-port", .. CliFlags.Server(server), "--to", "2222"]);

        Assert.True(move.ExitCode == 2, move.Error + move.Output);
        Assert.Contains("port 2222 is in use", move.Error, StringComparison.Ordinal);
        Assert.Equal(before, await server.ExecAsync(State, Ct));
    }

    [Fact]
    public async Task BadInput_Exit2_BeforeAnythingIsRead()
    {
        var noPort = await CliHarness.RunAsync(["server", "ssh-port", "--host", "198.18.0.9"]);
        var badPort = await CliHarness.RunAsync(["server", "ssh-port", "--host", "198.18.0.9", "--to", "70000"]);
        var local = await CliHarness.RunAsync(["server", "ssh-port", "--local", "--to", "2222", "--dry-run"]);

        Assert.Equal(2, noPort.ExitCode);
        Assert.Contains("--to", noPort.Error, StringComparison.Ordinal);
        Assert.Equal(2, badPort.ExitCode);
        Assert.Equal(2, local.ExitCode);
    }

    /// <summary>A new login on 2222 works; 22 no longer answers.</summary>
    private static async Task AssertSshOnlyOn2222Async(TestServer server)
    {
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(port: 2222), Ct))
        {
            Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
        }

        await Assert.ThrowsAsync<LayerFailureException>(async () => await SshShell.ConnectAsync(server.Ssh(), Ct));
    }
}
