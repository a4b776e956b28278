using System.Security.Cryptography;
using System.Text;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>Connections to a real sshd: host keys (plain, hashed, unknown, changed), sudo, ~/.ssh/config.</summary>
public sealed class SshShellTests
{
    [Fact]
    public async Task WrongHostKey_IsRefusedEvenWithAcceptNew()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var wrong = Path.Combine(server.WorkDir, "wrong_known_hosts");
        var other = Path.Combine(server.WorkDir, "other");
        await TestServer.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", other], Ct);
        var otherKey = (await File.ReadAllTextAsync(other + ".pub", Ct)).Split(' ');
        await File.WriteAllTextAsync(wrong, $"{server.Address} {otherKey[0]} {otherKey[1]}\n", Ct);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh(policy: HostKeyPolicy.AcceptNew, knownHosts: wrong), Ct));

        Assert.Contains("has CHANGED", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.AcceptedLogins);
        Assert.Single(await File.ReadAllLinesAsync(wrong, Ct));
    }

    [Fact]
    public async Task UnknownHost_StrictRefuses_AcceptNewAppendsThenStrictAccepts()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var file = Path.Combine(server.WorkDir, "empty_known_hosts");

        var strict = await Assert.ThrowsAsync<LayerFailureException>(() => SshShell.ConnectAsync(server.Ssh(knownHosts: file), Ct));
        await using (await SshShell.ConnectAsync(server.Ssh(policy: HostKeyPolicy.AcceptNew, knownHosts: file), Ct))
        {
        }

        await using var again = await SshShell.ConnectAsync(server.Ssh(knownHosts: file), Ct);

        Assert.Contains("is not in", strict.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{server.Address} ssh-ed25519 ", Assert.Single(await File.ReadAllLinesAsync(file, Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashedKnownHostsEntry_IsMatched()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var key = (await File.ReadAllTextAsync(Path.Combine(server.WorkDir, "host_key.pub"), Ct)).Split(' ');
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // HashKnownHosts is defined with HMAC-SHA1.
        var hash = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(server.Address));
#pragma warning restore CA5350
        var hashed = Path.Combine(server.WorkDir, "hashed_known_hosts");
        await File.WriteAllTextAsync(hashed, $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} {key[0]} {key[1]}\n", Ct);

        await using var shell = await SshShell.ConnectAsync(server.Ssh(knownHosts: hashed), Ct);

        Assert.Equal("0", (await shell.RunScriptAsync("id -u", Ct)).Stdout.Trim());
    }

    [Fact]
    public async Task NonRootUserWithSudo_RunsAsRootThroughSudoN()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.AddUserAsync("deploy", sudo: true, Ct);

        var report = await PreflightAsync(server, user: "deploy");
        await using var shell = await SshShell.ConnectAsync(server.Ssh("deploy"), Ct);
        var whoami = await shell.RunScriptAsync("id -un; echo \"$OECFW_SSH_CONNECTION\"", Ct);

        Assert.Equal([22], report.SshPorts);
        Assert.StartsWith("root\n" + server.ClientAddress + " ", whoami.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonRootUserWithoutSudo_ClearErrorNamingTheFix()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.AddUserAsync("nobody2", sudo: false, Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh("nobody2"), Ct);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => shell.RunScriptAsync("id -u", Ct));

        Assert.Contains("cannot run commands as root without a password", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NOPASSWD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SshConfig_HostAlias_ResolvedAsSshDoesFirstValueWins()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """
            Host web-*
              User deploy
              Port 2222
            Host web-1 other
              HostName 198.19.200.2
              Port 22
              IdentityFile ~/.ssh/web_key
            Host *
              User root
              IdentityFile ~/.ssh/id_default
            """);
        try
        {
            var resolved = SshConfig.Resolve("web-1", path, "/home/op");
            var none = SshConfig.Resolve("db", path, "/home/op");

            Assert.Equal("198.19.200.2", resolved.HostName);
            Assert.Equal(2222, resolved.Port);
            Assert.Equal("deploy", resolved.User);
            Assert.Equal(["/home/op/.ssh/web_key", "/home/op/.ssh/id_default"], resolved.IdentityFiles);
            Assert.False(resolved.DefaultIdentityFiles);
            Assert.Equal("db", none.HostName);
            Assert.Equal("root", none.User);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ShellQuote_NeverLetsAValueEscapeItsQuotes() =>
        Assert.Equal("'a'\\''; rm -rf / #'", ShellQuote.Quote("a'; rm -rf / #"));
}
