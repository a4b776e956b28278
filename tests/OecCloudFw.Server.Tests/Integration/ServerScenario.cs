using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Configure;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>Helpers shared by the scenarios: connect to a test server as the tool does and run preflight/configure.</summary>
internal static class ServerScenario
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<PreflightReport> PreflightAsync(TestServer server, FirewallPolicy? policy = null, string user = "root", int port = 22)
    {
        await using var shell = await SshShell.ConnectAsync(server.Ssh(user, port), Ct);
        return await new ServerConfigurator(shell, TimeProvider.System).PreflightAsync(policy ?? FirewallPolicy.Default, Ct);
    }

    public static async Task<ConfigureResult> ConfigureAsync(TestServer server, FirewallPolicy? policy = null, bool dryRun = false, int confirmSeconds = 20, int port = 22, string? backend = null, bool allowLockoutRisk = false)
    {
        await using var shell = await SshShell.ConnectAsync(server.Ssh(port: port), Ct);
        return await new ServerConfigurator(shell, TimeProvider.System).ConfigureAsync(policy ?? FirewallPolicy.Default, dryRun, TimeSpan.FromSeconds(confirmSeconds), backend, Backends.DockerMode.Policy, allowLockoutRisk, Ct);
    }

    public static FirewallPolicy Policy(PolicyOptions options) => PolicyBuilder.Build(options);

    /// <summary>Nobody is locked out: a brand-new SSH connection logs in and runs a command.</summary>
    public static async Task AssertNewSshConnectionWorksAsync(TestServer server)
    {
        await using var fresh = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal("ok", (await fresh.RunScriptAsync("echo ok", Ct)).Stdout.Trim());
    }
}
