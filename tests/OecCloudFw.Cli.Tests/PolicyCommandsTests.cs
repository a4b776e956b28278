using System.Text.Json;

namespace OecCloudFw.Cli.Tests;

public sealed class PolicyCommandsTests
{
    [Fact]
    public async Task Show_Default_RequiredPortsAndSshWarning()
    {
        var run = await CliHarness.RunAsync("policy", "show");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("OEC.sh management", run.Output, StringComparison.Ordinal);
        Assert.Contains("WARNING OECFW-SSH-INTERNET", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_DatabaseToWorld_FailOnCriticalExitsOne()
    {
        // Opening the database to the world must be said explicitly; then the policy is critical.
        var implicitWorld = await CliHarness.RunAsync("policy", "show", "--optional", "5432");
        Assert.Equal(2, implicitWorld.ExitCode);

        var run = await CliHarness.RunAsync("policy", "show", "--optional", "5432", "--source", "anywhere", "--fail-on", "critical", "--output", "json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("oec-cloudfw/policy/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.Contains(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "critical");
    }

    [Fact]
    public async Task Catalog_ListsEveryGuidePort()
    {
        var run = await CliHarness.RunAsync("policy", "catalog");

        Assert.Equal(0, run.ExitCode);
        foreach (var port in new[] { "22", "80", "443", "8069", "8072", "5432", "19999", "6432", "6433" })
        {
            Assert.Contains($"│ {port} ", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Read replica access (Odoo 18+)", run.Output, StringComparison.Ordinal);
    }
}
