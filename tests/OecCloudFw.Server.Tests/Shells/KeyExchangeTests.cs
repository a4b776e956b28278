using OecCloudFw.Core;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Shells;

/// <summary>
/// The key exchange the SSH connection negotiates with the test server's real sshd (OpenSSH 9.2: it offers
/// sntrup761x25519 and curve25519, not ML-KEM): the operator's KexAlgorithms (through ssh -G, and the built-in parser),
/// otherwise OpenSSH's default preference; never a silent weaker choice.
/// </summary>
public sealed class KeyExchangeTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("oecfw-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Default_OpenSshPreference_Sntrup761_AsTheServerLogsIt()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("printf 'LogLevel DEBUG\\n' > /etc/ssh/sshd_config.d/01-debug.conf", Ct);
        await server.RestartSshdAsync(Ct);

        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);

        Assert.Equal("sntrup761x25519-sha512", shell.KeyExchange);
        // The server's side of the same negotiation (sshd's debug log: "kex: algorithm: …").
        var log = await File.ReadAllTextAsync(Path.Combine(server.WorkDir, "sshd.log"), Ct);
        Assert.Contains("kex: algorithm: sntrup761x25519-sha512", log, StringComparison.Ordinal);
        Assert.DoesNotContain("kex: algorithm: curve25519", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KexAlgorithms curve25519-sha256", "curve25519-sha256")]
    [InlineData("KexAlgorithms -sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com", "curve25519-sha256")]
    [InlineData("KexAlgorithms ^ecdh-sha2-nistp256", "ecdh-sha2-nistp256")]
    [InlineData("KexAlgorithms +diffie-hellman-group14-sha1", "sntrup761x25519-sha512")]
    public async Task OperatorsKexAlgorithms_ThroughSshG_AndTheBuiltInParser_Followed(string line, string negotiated)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var config = Path.Combine(_home, "config");
        await File.WriteAllTextAsync(config, $"Host target\n  HostName {server.Address}\n  {line}\n", Ct);

        foreach (var resolver in new[] { SshConfigResolver.ForMachine(_home, Environment.GetEnvironmentVariable("PATH")), new SshConfigResolver(_home, null) })
        {
            var resolved = resolver.Resolve("target", config, null, null);
            var options = server.Ssh() with { KexAlgorithms = KeyExchangePreference.Wanted(resolved.KexAlgorithms) };

            await using var shell = await SshShell.ConnectAsync(options, Ct);

            Assert.True(negotiated == shell.KeyExchange, $"{line} ({(resolver.UsesOpenSsh ? "ssh -G" : "built-in parser")}): {shell.KeyExchange}");
        }
    }

    [Fact]
    public async Task ServerRestrictedToCurve25519_Curve25519_AndAnOperatorListItDoesNotOffer_TheConnectionError()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("printf 'KexAlgorithms curve25519-sha256\\n' > /etc/ssh/sshd_config.d/01-kex.conf", Ct);
        await server.RestartSshdAsync(Ct);

        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            Assert.Equal("curve25519-sha256", shell.KeyExchange);
        }

        var error = await Assert.ThrowsAsync<LayerFailureException>(() =>
            SshShell.ConnectAsync(server.Ssh() with { KexAlgorithms = ["sntrup761x25519-sha512", "ecdh-sha2-nistp256"] }, Ct));
        Assert.Contains("no key exchange in common", error.Message, StringComparison.Ordinal);
        Assert.Contains("sntrup761x25519-sha512,ecdh-sha2-nistp256", error.Message, StringComparison.Ordinal);
        Assert.Contains("KexAlgorithms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingImplemented_InTheOperatorsList_ClearErrorNamingKexAlgorithms_NoWeakerFallback()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var logins = server.AcceptedLogins;

        var error = await Assert.ThrowsAsync<LayerFailureException>(() =>
            SshShell.ConnectAsync(server.Ssh() with { KexAlgorithms = ["sntrup4591761x25519-sha512@tinyssh.org", "gss-curve25519-sha256-"] }, Ct));

        Assert.Contains("KexAlgorithms (sntrup4591761x25519-sha512@tinyssh.org,gss-curve25519-sha256-) names none the tool implements", error.Message, StringComparison.Ordinal);
        Assert.Equal(logins, server.AcceptedLogins);
    }

    [Fact]
    public void Wanted_OpenSshForms_ResolvedAgainstTheDefault()
    {
        Assert.Equal(KeyExchangePreference.OpenSshDefault, KeyExchangePreference.Wanted(null));
        Assert.Equal(["curve25519-sha256"], KeyExchangePreference.Wanted("curve25519-sha256"));
        Assert.Equal([.. KeyExchangePreference.OpenSshDefault, "diffie-hellman-group14-sha1"], KeyExchangePreference.Wanted("+diffie-hellman-group14-sha1"));
        Assert.Equal(["curve25519-sha256", .. KeyExchangePreference.OpenSshDefault.Where(n => n != "curve25519-sha256")], KeyExchangePreference.Wanted("^curve25519-sha256"));
        Assert.DoesNotContain(KeyExchangePreference.Wanted("-sntrup*,mlkem*"), n => n.StartsWith("sntrup", StringComparison.Ordinal) || n.StartsWith("mlkem", StringComparison.Ordinal));
        Assert.Equal("curve25519-sha256", KeyExchangePreference.Wanted("-sntrup*,mlkem*")[0]);
        // OpenSSH 9.2's own default, as its ssh -G prints it unconfigured: the current default (ML-KEM in front) instead.
        Assert.Equal(KeyExchangePreference.OpenSshDefault, KeyExchangePreference.Wanted(string.Join(',', KeyExchangePreference.OpenSshDefault.Skip(1))));
    }
}
