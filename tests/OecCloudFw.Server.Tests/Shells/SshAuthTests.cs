using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>Logging in as an operator does, against a real sshd: a real ssh-agent, encrypted keys, OpenSSH certificates.</summary>
public sealed class SshAuthTests
{
    private const string Passphrase = "correct horse";

    [Fact]
    public async Task EncryptedKeyHeldByAgent_LogsInThroughTheAgentWithoutThePassphrase()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ed25519", Passphrase);
        await agent.AddAsync(key, Passphrase, Ct);

        // No passphrase and nobody to ask: only the agent can sign.
        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key], IdentityAgent = agent.Socket }, Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        Assert.Contains(await AcceptedAsync(server), l => l.Contains("ED25519", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyOnlyInTheAgent_RsaSignsWithSha2_NoIdentityFileNeeded()
    {
        await using var server = await TestServer.StartAsync(Ct);
        // Only rsa-sha2-256: the agent key must be offered with it (after rsa-sha2-512), never as ssh-rsa.
        await server.ExecAsync("printf 'PubkeyAcceptedAlgorithms rsa-sha2-256\\n' > /etc/ssh/sshd_config.d/10-rsa.conf", Ct);
        await server.RestartSshdAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "rsa", Passphrase);
        await agent.AddAsync(key, Passphrase, Ct);
        File.Delete(key);

        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [], IdentityAgent = agent.Socket }, Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        Assert.Contains(await AcceptedAsync(server), l => l.Contains("publickey", StringComparison.Ordinal) && l.Contains("RSA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EncryptedKey_AgentGone_PassphraseFromEnvironmentLogsIn()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ed25519", Passphrase);
        await using var agent = await TestAgent.StartAsync(Ct);
        await agent.AddAsync(key, Passphrase, Ct);
        await agent.StopAsync();

        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key], IdentityAgent = agent.Socket, Passphrase = Passphrase }, Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
    }

    [Fact]
    public async Task EncryptedKey_NoAgentNoPassphrase_BadInputNamingTheKeyAndTheThreeWays()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ed25519", Passphrase);

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key] }, Ct));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("ssh-add", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--passphrase-env", ex.Message, StringComparison.Ordinal);
        Assert.Contains("terminal", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedKey_WrongPassphrase_LayerFailureSayingSo()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ed25519", Passphrase);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key], Passphrase = "wrong" }, Ct));

        Assert.Contains($"the passphrase for {key} is wrong", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.AcceptedLogins);
    }

    [Fact]
    public async Task EncryptedKey_PromptAnswers_AskedOnceForBothConnectionsOfTheRun()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ecdsa", Passphrase);
        var asked = new List<string>();

        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key], PassphrasePrompt = k => { asked.Add(k); return Passphrase; } }, Ct);
        var proof = await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(proof);
        Assert.Equal([key], asked);
    }

    [Fact]
    public async Task UserCertificate_BesideTheKeyAndViaCertificateFile_LogsInWithoutAuthorizedKeys()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var ca = await TrustUserCaAsync(server);
        var key = Path.Combine(server.WorkDir, "certified");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", key], Ct);
        await TestServer.Run("ssh-keygen", ["-q", "-s", ca, "-I", "test", "-n", "root", "-V", "+1h", key + ".pub"], Ct);
        var elsewhere = Path.Combine(server.WorkDir, "elsewhere-cert.pub");
        File.Copy(key + "-cert.pub", elsewhere);
        var plain = Path.Combine(server.WorkDir, "plain");
        File.Copy(key, plain);
        await TestServer.Run("chmod", ["600", plain], Ct);

        var withoutCertificate = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [plain] }, Ct));
        await using (var beside = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key] }, Ct))
        {
            Assert.Equal("0", (await beside.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        }

        await using var configured = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [plain], CertificateFiles = [elsewhere] }, Ct);

        Assert.Equal("0", (await configured.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        Assert.Contains("refused the login", withoutCertificate.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await AcceptedAsync(server)).Count(l => l.Contains("ED25519-CERT", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task IdentitiesOnly_AgentKeysNotNamedAreNotOffered()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var authorized = await AuthorizedKeyAsync(server, "ed25519", Passphrase);
        var other = Path.Combine(server.WorkDir, "other");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", Passphrase, "-f", other], Ct);
        await agent.AddAsync(authorized, Passphrase, Ct);
        await agent.AddAsync(other, Passphrase, Ct);
        var options = server.Ssh() with { IdentityFiles = [other], IdentityAgent = agent.Socket };

        await using (var all = await SshShell.ConnectAsync(options, Ct))
        {
            Assert.Equal("0", (await all.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        }

        var only = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(options with { IdentitiesOnly = true }, Ct));

        Assert.Contains("refused the login", only.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.AcceptedLogins);
    }

    [Fact]
    public async Task IdentityFileNamingAPublicKey_AgentHoldsIt_LogsIn_NoAgentIsBadInput()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var key = await AuthorizedKeyAsync(server, "ed25519", Passphrase);
        await agent.AddAsync(key, Passphrase, Ct);
        var publicOnly = Path.Combine(server.WorkDir, "only.pub");
        File.Copy(key + ".pub", publicOnly);
        var options = server.Ssh() with { IdentityFiles = [publicOnly], IdentitiesOnly = true };

        await using (var shell = await SshShell.ConnectAsync(options with { IdentityAgent = agent.Socket }, Ct))
        {
            Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        }

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => SshShell.ConnectAsync(options, Ct));

        Assert.Contains($"{publicOnly} is a public key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateHeldByTheAgent_OfferedAsItIs()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var ca = await TrustUserCaAsync(server);
        var key = Path.Combine(server.WorkDir, "certified");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", Passphrase, "-f", key], Ct);
        await TestServer.Run("ssh-keygen", ["-q", "-s", ca, "-I", "test", "-n", "root", "-V", "+1h", key + ".pub"], Ct);
        await agent.AddAsync(key, Passphrase, Ct); // ssh-add loads KEY-cert.pub with it

        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [], IdentityAgent = agent.Socket }, Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        Assert.Contains(await AcceptedAsync(server), l => l.Contains("ED25519-CERT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CertificateFileBesideAnEncryptedKeyTheAgentHolds_SignedByTheAgent()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var agent = await TestAgent.StartAsync(Ct);
        var ca = await TrustUserCaAsync(server);
        var key = Path.Combine(server.WorkDir, "certified");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", Passphrase, "-f", key], Ct);
        await agent.AddAsync(key, Passphrase, Ct); // the plain key only: the certificate is made afterwards
        await TestServer.Run("ssh-keygen", ["-q", "-s", ca, "-I", "test", "-n", "root", "-V", "+1h", key + ".pub"], Ct);

        await using var shell = await SshShell.ConnectAsync(server.Ssh() with { IdentityFiles = [key], IdentityAgent = agent.Socket }, Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
        Assert.Contains(await AcceptedAsync(server), l => l.Contains("ED25519-CERT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JumpHostOrProxyCommandThatFails_IsNamed_NeverConnectedDirectly()
    {
        // The server is reachable directly, but the config says to go through a jump host (here unreachable) or a
        // ProxyCommand (here one that fails): the tool goes the operator's way or not at all.
        await using var server = await TestServer.StartAsync(Ct);
        var jump = server.Ssh() with { Host = "198.18.0.1", ConnectTimeout = TimeSpan.FromSeconds(2) };

        var viaJump = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh() with { JumpHosts = [jump] }, Ct));
        var viaCommand = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh() with { ProxyCommand = "echo no route to the bastion >&2; exit 7" }, Ct));

        Assert.StartsWith("jump host root@198.18.0.1:22", viaJump.Message, StringComparison.Ordinal);
        Assert.Contains("no route to the bastion", viaCommand.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.AcceptedLogins);
    }

    /// <summary>A test CA whose user certificates the server's sshd trusts (TrustedUserCAKeys); its private key's path.</summary>
    private static async Task<string> TrustUserCaAsync(TestServer server)
    {
        var ca = Path.Combine(server.WorkDir, "ca");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", ca], Ct);
        await server.ExecAsync($"cp {ca}.pub /etc/ssh/ca.pub && printf 'TrustedUserCAKeys /etc/ssh/ca.pub\\n' > /etc/ssh/sshd_config.d/10-ca.conf", Ct);
        await server.RestartSshdAsync(Ct);
        return ca;
    }

    /// <summary>A new key pair whose public key root on the server accepts.</summary>
    private static async Task<string> AuthorizedKeyAsync(TestServer server, string type, string passphrase)
    {
        var key = Path.Combine(server.WorkDir, "op_" + type);
        await TestServer.Run("ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-f", key], Ct);
        await server.ExecAsync($"cat {key}.pub >> /root/.ssh/authorized_keys", Ct);
        return key;
    }

    private static async Task<string[]> AcceptedAsync(TestServer server) =>
        (await File.ReadAllLinesAsync(Path.Combine(server.WorkDir, "sshd.log"), Ct)).Where(l => l.StartsWith("Accepted ", StringComparison.Ordinal)).ToArray();
}
