using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// The real CSF/LFD (the maintained GPLv3 release 15.10, vendored in tests/OecCloudFw.Testing/Vendor/csf with its
/// offline installer) in a test server: configure disables it with csf -x, and a rollback brings it back.
/// </summary>
public sealed class CsfScenarioTests
{
    [Fact]
    public async Task RealCsf_Preflight_Warning_Configure_DisablesItWithCsfX_AndLfdStops()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await CsfInServer.InstallAsync(server, Ct);
        Assert.Contains("LOCALINPUT", await server.ExecAsync("iptables-save", Ct), StringComparison.Ordinal);

        var preflight = await PreflightAsync(server);
        var result = await ConfigureAsync(server, confirmSeconds: 15);

        Assert.Equal(PreflightStatus.Warning, preflight.Status);
        Assert.Contains(preflight.Reasons, r => r.Contains("CSF/LFD is present", StringComparison.Ordinal));
        Assert.Equal("csf -x", result.Plan.Commands[0]);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        Assert.Equal("ufw", result.After.ActiveFirewall);
        Assert.Equal("0", (await server.ExecAsync("test -e /etc/csf/csf.disable && echo 0", Ct)).Trim());
        Assert.DoesNotContain("LOCALINPUT", await server.ExecAsync("iptables-save", Ct), StringComparison.Ordinal);
        Assert.NotEqual(0, (await server.TryExecAsync("pgrep -x lfd || pgrep -f '^lfd'", Ct)).ExitCode);
    }

    [Fact]
    public async Task RealCsf_ChangeThatCutsSsh_RollbackReEnablesCsf_AndAccessIsBack()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await CsfInServer.InstallAsync(server, Ct);

        var result = await ConfigureAsync(server, Policy(new PolicyOptions { SshSources = ["198.18.250.1/32"] }), confirmSeconds: 5, allowLockoutRisk: true);

        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Equal("gone", (await server.ExecAsync("test -e /etc/csf/csf.disable || echo gone", Ct)).Trim());
        Assert.Contains("LOCALINPUT", await server.ExecAsync("iptables-save", Ct), StringComparison.Ordinal);
        await AssertNewSshConnectionWorksAsync(server);
    }
}
