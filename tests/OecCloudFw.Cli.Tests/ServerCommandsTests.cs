using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>The server verbs end to end: the whole tool in process against a real test server.</summary>
public sealed class ServerCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Target(TestServer server, params string[] rest) =>
        ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, .. rest];

    [Fact]
    public async Task Preflight_ThenConfigure_ThenPreflight_WarningToPassedWithDocumentedExitCodes()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var before = await CliHarness.RunAsync(["server", "preflight", .. Target(server, "--output", "json")]);
        var configure = await CliHarness.RunAsync(["server", "configure", .. Target(server, "--confirm-timeout", "20")]);
        var after = await CliHarness.RunAsync(["server", "preflight", .. Target(server)]);

        Assert.Equal(1, before.ExitCode);
        using (var json = JsonDocument.Parse(before.Output))
        {
            Assert.Equal("oec-cloudfw/server-preflight/v1", json.RootElement.GetProperty("schema").GetString());
            Assert.Equal("warning", json.RootElement.GetProperty("status").GetString());
            Assert.Contains(json.RootElement.GetProperty("configureActions").EnumerateArray(), a => a.GetString()!.EndsWith("ufw-init start || ufw --force enable", StringComparison.Ordinal));
        }

        Assert.Equal(0, configure.ExitCode);
        Assert.Contains($"proven with a new connection over root@{server.Address}:22", configure.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("evaluating the applied ruleset", configure.Output, StringComparison.Ordinal);
        Assert.Contains("Preflight after configure:", configure.Output, StringComparison.Ordinal);
        Assert.Contains("Passed", configure.Output, StringComparison.Ordinal);
        Assert.Equal(0, after.ExitCode);
        // Held to the policy configure applied (recorded on the server), and saying so first.
        Assert.StartsWith("policy: as applied on ", after.Output, StringComparison.Ordinal);
        Assert.Contains(after.Output.Split('\n'), l => l.StartsWith("Passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configure_DryRun_PrintsExactCommandsAndChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var run = await CliHarness.RunAsync(["server", "configure", .. Target(server, "--dry-run", "--optional", "5432", "--source", "10.0.0.5/32")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ufw allow from '10.0.0.5/32' to any port 5432 proto tcp comment 'PostgreSQL'", run.Output, StringComparison.Ordinal);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_CutsSsh_RefusedBeforeAnyChange_ThenWithTheRiskAllowed_ExitFourAndAccessIsBack()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var before = await server.ExecAsync("iptables-save | grep -v '^#'; ufw status", Ct);

        var dryRun = await CliHarness.RunAsync(["server", "configure", .. Target(server, "--ssh-source", "203.0.113.1/32", "--dry-run")]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var refused = await CliHarness.RunAsync(["server", "configure", .. Target(server, "--ssh-source", "203.0.113.1/32", "--confirm-timeout", "30")]);
        watch.Stop();

        // Named before anything changes: the address, the flag that fixes it, the flag that overrides it.
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains($"your address {server.ClientAddress} is not among the SSH sources", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains($"--ssh-source {server.ClientAddress}/32", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains($"your address {server.ClientAddress} is not among the SSH sources", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"add --ssh-source {server.ClientAddress}/32, or pass --allow-lockout-risk", refused.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", refused.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"refused after {watch.Elapsed}: it waited for a confirm timeout");
        Assert.Equal(before, await server.ExecAsync("iptables-save | grep -v '^#'; ufw status", Ct));

        var run = await CliHarness.RunAsync(["server", "configure", .. Target(server, "--ssh-source", "203.0.113.1/32", "--allow-lockout-risk", "--confirm-timeout", "4")]);
        var after = await CliHarness.RunAsync(["server", "preflight", .. Target(server)]);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("warning:", run.Error, StringComparison.Ordinal);
        Assert.Contains("previous rules", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, after.ExitCode);
    }

    [Fact]
    public async Task WrongHostKey_ExitThreeBeforeAnyChange()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var knownHosts = Path.Combine(server.WorkDir, "bad_known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"{server.Address} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHjJ6WqlTNB7y5mWQK7t5nJmQxKX4oqZ0nYVn8wq4b3v\n", Ct);

        var run = await CliHarness.RunAsync("server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", knownHosts);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("has CHANGED", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.AcceptedLogins);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "host with shell characters", ["server", "configure", "--host", "a;reboot"] },
        { "no host", ["server", "configure"] },
        { "bad port", ["server", "preflight", "--host", "198.19.250.2", "--ssh-port", "0"] },
        { "bad user", ["server", "preflight", "--host", "198.19.250.2", "--user", "root;id"] },
        { "missing identity", ["server", "preflight", "--host", "198.19.250.2", "--identity", "/nonexistent/key"] },
        { "bad host key policy", ["server", "preflight", "--host", "198.19.250.2", "--host-key-policy", "trust-me"] },
        { "unset password variable", ["server", "preflight", "--host", "198.19.250.2", "--password-env", "OECFW_NO_SUCH_VARIABLE"] },
        { "bad ssh source", ["server", "configure", "--host", "198.19.250.2", "--ssh-source", "1.2.3.4/40"] },
        { "bad confirm timeout", ["server", "configure", "--host", "198.19.250.2", "--confirm-timeout", "1"] },
        { "bad backend", ["server", "configure", "--host", "198.19.250.2", "--backend", "pf"] },
        { "local and host", ["server", "configure", "--host", "198.19.250.2", "--local"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ExitTwoWithoutConnecting(string why, string[] args)
    {
        var run = await CliHarness.RunAsync(args);

        Assert.True(run.ExitCode == 2, $"{why}: exit {run.ExitCode}: {run.Error}");
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }
}
