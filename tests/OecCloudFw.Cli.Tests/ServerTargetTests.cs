using OecCloudFw.Cli.Commands;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// How --host, the ssh config and the auth flags become a connection, and logging in as an operator does. The tests
/// give the tool a temporary HOME; since that is not the home in the password database (where ssh takes ~ from), the
/// tool itself hands ssh -G "-F $HOME/.ssh/config" (or /dev/null), so ssh and the tool read the same files.
/// </summary>
public sealed class ServerTargetTests : IDisposable
{
    private const string Passphrase = "correct horse";
    private readonly string _home = Directory.CreateTempSubdirectory("oecfw-home-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void ProxyJumpAndProxyCommand_FromTheConfig_EndUpInTheOptions_EachHopResolved()
    {
        var config = WriteConfig("""
            Host web1
              HostName 198.18.5.5
              User deploy
              ProxyJump bob@jump1:2022,jump2
            Host jump2
              HostName 198.18.5.9
              Port 2200
            Host db1
              HostName 198.18.5.6
              ProxyCommand nc -X connect -x 198.18.5.1:3128 %h %p --user=%r --alias=%n 100%%
            """);

        var web = Resolve(new ServerTarget(Host: "web1", SshConfig: config));
        var db = Resolve(new ServerTarget(Host: "db1", SshConfig: config));
        var direct = Resolve(new ServerTarget(Host: "web1", SshConfig: config, Jump: "none"));
        var flag = Resolve(new ServerTarget(Host: "db1", SshConfig: config, Jump: "root@jump2"));

        Assert.Equal(("198.18.5.5", 22, "deploy"), (web.Host, web.Port, web.User));
        Assert.Equal(["bob@jump1:2022", "root@198.18.5.9:2200"], web.JumpHosts.Select(j => j.Target));
        Assert.Null(web.ProxyCommand);
        Assert.Equal("nc -X connect -x 198.18.5.1:3128 198.18.5.6 22 --user=root --alias=db1 100%", db.ProxyCommand);
        Assert.Empty(db.JumpHosts);
        Assert.Empty(direct.JumpHosts);
        Assert.Equal(["root@198.18.5.9:2200"], flag.JumpHosts.Select(j => j.Target));
        Assert.Null(flag.ProxyCommand);
    }

    [Fact]
    public void UserAtHostColonPort_AndConflictingFlags_BadInput()
    {
        var config = WriteConfig("Host web1\n  HostName 198.18.5.5\n  Port 2200\n");

        var spec = Resolve(new ServerTarget(Host: "admin@web1:2222", SshConfig: config));
        var v6 = Resolve(new ServerTarget(Host: "[2001:2::5]:2222", SshConfig: config));
        var fromConfig = Resolve(new ServerTarget(Host: "web1", SshConfig: config));
        var flags = Resolve(new ServerTarget(Host: "web1", Port: 2022, User: "ops", SshConfig: config));
        var user = Assert.Throws<InvalidInputException>(() => Resolve(new ServerTarget(Host: "admin@web1", User: "root", SshConfig: config)));
        var port = Assert.Throws<InvalidInputException>(() => Resolve(new ServerTarget(Host: "web1:2222", Port: 22, SshConfig: config)));

        Assert.Equal("admin@198.18.5.5:2222", spec.Target);
        Assert.Equal(("2001:2::5", 2222), (v6.Host, v6.Port));
        Assert.Equal(2200, fromConfig.Port);
        Assert.Equal("ops@198.18.5.5:2022", flags.Target);
        Assert.Contains("--user is root", user.Message, StringComparison.Ordinal);
        Assert.Contains("--ssh-port is 22", port.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityPublicKey_UsesThePrivateKeyBesideIt_ElseBadInput()
    {
        var key = Path.Combine(_home, "k");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key], Ct);
        var lonely = Path.Combine(_home, "lonely.pub");
        File.Copy(key + ".pub", lonely);

        var options = Resolve(new ServerTarget(Host: "198.18.5.5", Identity: key + ".pub"));
        var ex = Assert.Throws<InvalidInputException>(() => Resolve(new ServerTarget(Host: "198.18.5.5", Identity: lonely)));

        Assert.Equal([key], options.IdentityFiles);
        Assert.Contains("is a public key and its private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassphraseKeyAsTheDefaultKey_AgentThenPassphraseEnvThenNeitherThenWrong_NeverExit70()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var key = Path.Combine(_home, ".ssh", "id_ed25519");
        Directory.CreateDirectory(Path.GetDirectoryName(key)!);
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", Passphrase, "-f", key], Ct);
        await server.ExecAsync($"cat {key}.pub >> /root/.ssh/authorized_keys", Ct);
        await agent.AddAsync(key, Passphrase, Ct);
        string[] args = ["server", "preflight", "--host", server.Address, "--known-hosts", server.KnownHosts];

        var viaAgent = await CliHarness.RunAsync(Env(("SSH_AUTH_SOCK", agent.Socket)), args);
        await agent.StopAsync();
        var viaEnv = await CliHarness.RunAsync(Env(("OECFW_PASS", Passphrase)), [.. args, "--passphrase-env", "OECFW_PASS"]);
        var neither = await CliHarness.RunAsync(Env(), args);
        var wrong = await CliHarness.RunAsync(Env(("OECFW_PASS", "wrong")), [.. args, "--passphrase-env", "OECFW_PASS"]);

        // preflight of a fresh server: 1 (warnings), after logging in.
        Assert.True(viaAgent.ExitCode == 1, viaAgent.Error);
        Assert.True(viaEnv.ExitCode == 1, viaEnv.Error);
        Assert.Equal(2, server.AcceptedLogins);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains($"the key {key} is encrypted", neither.Error, StringComparison.Ordinal);
        Assert.Equal(3, wrong.ExitCode);
        Assert.Contains($"the passphrase for {key} is wrong", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshPort_AndDeprecatedPortAliasWarnsButWorks_UserAtHostPortToo()
    {
        await using var server = await TestServer.StartAsync(Ct);
        string[] common = ["--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

        var sshPort = await CliHarness.RunAsync(Env(), ["server", "preflight", "--host", server.Address, "--ssh-port", "22", .. common]);
        var port = await CliHarness.RunAsync(Env(), ["server", "preflight", "--host", server.Address, "--port", "22", .. common]);
        var spec = await CliHarness.RunAsync(Env(), ["server", "preflight", "--host", $"root@{server.Address}:22", .. common]);

        Assert.True(sshPort.ExitCode == 1, sshPort.Error);
        Assert.DoesNotContain("deprecated", sshPort.Error, StringComparison.Ordinal);
        Assert.True(port.ExitCode == 1, port.Error);
        Assert.StartsWith("warning: --port is deprecated here; use --ssh-port", port.Error, StringComparison.Ordinal);
        Assert.Single(port.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("deprecated", StringComparison.Ordinal));
        Assert.True(spec.ExitCode == 1, spec.Error);
        Assert.Equal(3, server.AcceptedLogins);
    }

    [Fact]
    public async Task ProxyJumpFromAnIncludedFile_ConfigureAndAudit_GoThroughTheBastion_TheProofToo()
    {
        // The operator's ~/.ssh/config includes a file that says web-behind is reached through the bastion; the server
        // listens only on its link to the bastion. Every login it accepts, the lockout proof's included, comes from there.
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        var known = await KnownHostsAsync(bastion, link);
        Directory.CreateDirectory(Path.Combine(_home, ".ssh", "conf.d"));
        await File.WriteAllTextAsync(Path.Combine(_home, ".ssh", "config"), $"Include {_home}/.ssh/conf.d/*.conf\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(_home, ".ssh", "conf.d", "fleet.conf"), $"""
            Host bastion
              HostName {bastion.Address}
              User root
              IdentityFile {bastion.ClientKey}
              UserKnownHostsFile {known}
            Host web-behind
              HostName {link.FarAddress}
              User root
              ProxyJump bastion
              IdentityFile {target.ClientKey}
              UserKnownHostsFile {known}
            """, Ct);

        var configure = await CliHarness.RunAsync(Env(), ["server", "configure", "--host", "web-behind", "--output", "json"]);
        var audit = await CliHarness.RunAsync(Env(), ["audit", "--host", "web-behind", "--output", "json"]);

        Assert.True(configure.ExitCode == 0, configure.Error + configure.Output);
        Assert.StartsWith($"proven with a new connection over root@{link.FarAddress}:22 through jump host root@{bastion.Address}:22;", Detail(configure), StringComparison.Ordinal);
        Assert.True(audit.ExitCode is 0 or 1, audit.Error + audit.Output);
        var logins = BastionLink.AcceptedFrom(target);
        Assert.True(logins.Count >= 3, string.Join(", ", logins));
        Assert.All(logins, from => Assert.Equal(link.NearAddress, from));
        Assert.Equal(logins.Count, BastionLink.AcceptedFrom(bastion).Count);
    }

    [Fact]
    public async Task ProxyCommandFromTheConfig_IsTheTransport_OfTheFirstConnectionAndTheProof()
    {
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var target = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, target, cancellationToken: Ct);
        var known = await KnownHostsAsync(bastion, link);
        var config = WriteConfig($"""
            Host web-behind
              HostName {link.FarAddress}
              User root
              IdentityFile {target.ClientKey}
              UserKnownHostsFile {known}
              ProxyCommand ssh -F /dev/null -i {bastion.ClientKey} -o UserKnownHostsFile={known} -o BatchMode=yes -W %h:%p root@{bastion.Address}
            """);

        var configure = await CliHarness.RunAsync(Env(), ["server", "configure", "--host", "web-behind", "--ssh-config", config, "--output", "json"]);

        Assert.True(configure.ExitCode == 0, configure.Error + configure.Output);
        Assert.StartsWith($"proven with a new connection over root@{link.FarAddress}:22 through ProxyCommand 'ssh -F /dev/null -i {bastion.ClientKey}", Detail(configure), StringComparison.Ordinal);
        var logins = BastionLink.AcceptedFrom(target);
        Assert.True(logins.Count >= 2, string.Join(", ", logins));
        Assert.All(logins, from => Assert.Equal(link.NearAddress, from));
    }

    [Fact]
    public async Task SshPort_ThroughAProxyCommand_RefusedBeforeAnyConnection()
    {
        // The ProxyCommand's %p is the current port: a login on the new one could never be proven through it.
        var config = WriteConfig("Host web-behind\n  HostName 198.18.5.5\n  ProxyCommand ssh -W %h:%p root@198.18.5.1\n");

        var run = await CliHarness.RunAsync(Env(), ["server", "ssh-port", "--host", "web-behind", "--ssh-config", config, "--to", "2222"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ssh-port cannot prove a login on port 2222 through the ProxyCommand 'ssh -W 198.18.5.5:22 root@198.18.5.1'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedCertificateBesideTheKey_IsBadInputNamingIt_NeverExit70()
    {
        var key = Path.Combine(_home, "op_key");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key], Ct);
        await File.WriteAllTextAsync(key + "-cert.pub", "ssh-ed25519-cert-v01@openssh.com AAAAnotakey op\n", Ct);

        var run = await CliHarness.RunAsync(Env(), ["audit", "--host", "198.18.5.5", "--identity", key, "--no-probe"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: the key {key} ", run.Error, StringComparison.Ordinal);
    }

    /// <summary>A known_hosts in the temporary HOME holding the bastion's key and the server's under its link address.</summary>
    private async Task<string> KnownHostsAsync(TestServer bastion, BastionLink link)
    {
        var known = Path.Combine(_home, "known_hosts");
        await File.WriteAllTextAsync(known, $"{File.ReadAllLines(bastion.KnownHosts)[0]}\n{link.FarKnownHostsLine}\n", Ct);
        return known;
    }

    private static string Detail(CliRun run) =>
        System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("detail").GetString() ?? string.Empty;

    private SshConnectionOptions Resolve(ServerTarget target) =>
        target.Resolve(new Environment(Env()), SshConfigResolver.ForMachine(_home, System.Environment.GetEnvironmentVariable("PATH")))!;

    private Dictionary<string, string> Env(params (string Name, string Value)[] values)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = _home };
        foreach (var (name, value) in values)
        {
            env[name] = value;
        }

        return env;
    }

    private string WriteConfig(string text)
    {
        var path = Path.Combine(_home, "ssh_config");
        File.WriteAllText(path, text);
        return path;
    }

    private sealed class Environment(Dictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
