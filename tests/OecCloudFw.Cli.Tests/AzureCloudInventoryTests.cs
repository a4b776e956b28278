using System.Text.Json;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>audit --inventory azure:tag:…</c> end to end: the real Azure provider lists the fake ARM's VMs (every page, the
/// running ones the tags select), each VM's public IP is a real test server, and each is audited over SSH with its own
/// NSGs as its cloud layer.
/// </summary>
public sealed class AzureCloudInventoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CloudInventory_AzureVmsByTag_EachAuditedWithItsOwnNsgs()
    {
        await using var fleet = await ServerFleet.StartAsync(2, cancellationToken: Ct);
        var (one, two) = (fleet.Servers[0], fleet.Servers[1]);
        await using var arm = await FakeArm.StartAsync();
        arm.PageSize = 1;
        var open = arm.AddNsg("web-rg", "web-nsg", RuleSpec("ssh", 100, "Allow", "Tcp", "*", "22"), RuleSpec("http", 110, "Allow", "Tcp", "*", "80"));
        var admin = arm.AddNsg("admin-rg", "admin-nsg", RuleSpec("ssh-office", 100, "Allow", "Tcp", "203.0.113.0/24", "22"));
        arm.AddVm("web-rg", "web-1", open, null, tags: new Dictionary<string, string> { ["Role"] = "web" }, publicIp: one.Address);
        arm.AddVm("admin-rg", "web-2", admin, null, tags: new Dictionary<string, string> { ["role"] = "web", ["env"] = "prod" }, publicIp: two.Address);
        // Not listed: a deallocated web VM and a running database VM (their addresses reach nothing: listed, they would be errors).
        arm.AddVm("web-rg", "web-3", open, null, tags: new Dictionary<string, string> { ["Role"] = "web" }, powerState: "deallocated", publicIp: "198.19.255.253");
        arm.AddVm("web-rg", "db-1", open, null, tags: new Dictionary<string, string> { ["Role"] = "db" }, publicIp: "198.19.255.254");
        var home = Directory.CreateTempSubdirectory("oecfw-azinv-home-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            // As an operator's ssh config reaches a cloud's servers: a key and a known_hosts per address.
            await File.WriteAllTextAsync(Path.Combine(home, ".ssh", "config"), string.Concat(fleet.Servers.Select(s =>
                $"Host {s.Address}\n  IdentityFile {s.ClientKey}\n  UserKnownHostsFile {s.KnownHosts}\n")), Ct);
            var environment = new Dictionary<string, string> { ["HOME"] = home, ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };

            var run = await CliHarness.RunAsync(environment, arm.Connection(), "audit", "--inventory", "azure:tag:role=web", "--subscription", Subscription,
                "--azure-endpoint", arm.Url.ToString(), "--no-probe", "--output", "json", "--fail-on", "never");

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            using var json = JsonDocument.Parse(run.Output);
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            Assert.Equal(["web-1", "web-2"], json.RootElement.GetProperty("inventory").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!).Order(StringComparer.Ordinal));
            var audited = json.RootElement.GetProperty("servers").EnumerateArray().ToDictionary(s => s.GetProperty("server").GetString()!);
            Assert.Equal(["web-1", "web-2"], audited.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("azure vm web-1 (NIC and subnet NSGs)", audited["web-1"].GetProperty("cloudLayer").GetString());
            Assert.Equal("azure vm web-2 (NIC and subnet NSGs)", audited["web-2"].GetProperty("cloudLayer").GetString());
            // Each its own NSG: SSH from anywhere through web-nsg, only from the office through admin-nsg.
            Assert.Equal("admitted", Ssh(audited["web-1"]).GetString());
            Assert.Equal("refused", Ssh(audited["web-2"]).GetString());

            // The resource group scopes the listing: only admin-rg's web VM; --limit by the tag's group.
            run = await CliHarness.RunAsync(environment, arm.Connection(), "audit", "--inventory", "azure:tag:Role=web,env=prod", "-g", "admin-rg", "--subscription", Subscription,
                "--azure-endpoint", arm.Url.ToString(), "--limit", "tag_env_prod", "--no-probe", "--output", "json", "--fail-on", "never");

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            using var scoped = JsonDocument.Parse(run.Output);
            var only = Assert.Single(scoped.RootElement.GetProperty("servers").EnumerateArray());
            Assert.Equal("web-2", only.GetProperty("server").GetString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task CloudInventory_AzureBadSelector_ExitTwoBeforeArmIsAsked()
    {
        await using var arm = await FakeArm.StartAsync();

        var run = await CliHarness.RunAsync(null, arm.Connection(), "audit", "--inventory", "azure:label:role=web", "--subscription", Subscription,
            "--azure-endpoint", arm.Url.ToString(), "--no-probe");

        Assert.True(run.ExitCode == 2, run.Error);
        Assert.Contains("--inventory azure:label:role=web", run.Error, StringComparison.Ordinal);
        Assert.Contains("tag:KEY=VALUE", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, arm.Reads);
    }

    private static JsonElement Ssh(JsonElement report) =>
        report.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 22).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("verdict");
}
