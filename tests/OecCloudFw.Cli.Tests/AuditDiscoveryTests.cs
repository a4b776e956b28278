using System.Text.Json;
using OecCloudFw.Testing;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// audit --local with no cloud flag on a cloud instance: the instance and its groups come from the metadata service
/// (IMDSv2 on AWS, Azure IMDS), here a fake on loopback. This machine's own firewall is only read.
/// </summary>
public sealed class AuditDiscoveryTests
{
    [Fact]
    public async Task LocalOnEc2_DiscoversTheInstanceThroughImdsV2AndAuditsItsGroups()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync();
        await using var ec2 = await FakeEc2.StartAsync();
        var group = ec2.CreateGroup();
        imds.Ec2InstanceId = ec2.CreateInstance([group]);
        var env = new Dictionary<string, string> { ["OECFW_IMDS_ENDPOINT"] = imds.Url.ToString(), ["AWS_ENDPOINT_URL_EC2"] = ec2.Url.ToString() };

        var run = await CliHarness.RunAsync(env, "audit", "--local", "--output", "json", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal($"aws {group}", json.RootElement.GetProperty("cloudLayer").GetString());
        Assert.Equal(1, ec2.Calls("DescribeInstances"));
        Assert.Equal(0, imds.Refused);
    }

    [Fact]
    public async Task LocalOnAzure_DiscoversTheVmThroughImds()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync();
        await using var arm = await FakeArm.StartAsync();
        var nsg = arm.AddNsg("vm-rg", "vm7-nsg");
        arm.AddVm("vm-rg", "vm7", nsg, null);
        imds.AzureVm = ("vm7", "vm-rg", Subscription);
        var env = new Dictionary<string, string> { ["OECFW_IMDS_ENDPOINT"] = imds.Url.ToString(), ["AWS_EC2_METADATA_DISABLED"] = "true" };

        var run = await CliHarness.RunAsync(env, arm.Connection(), "audit", "--local", "--azure-endpoint", arm.Url.ToString(), "--output", "json", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("azure vm vm7 (NIC and subnet NSGs)", json.RootElement.GetProperty("cloudLayer").GetString());
        Assert.Equal(0, imds.Refused);
    }

    [Fact]
    public async Task LocalOffCloud_NoMetadataServiceIsAsked()
    {
        var run = await CliHarness.RunAsync(new Dictionary<string, string>(), "audit", "--local", "--output", "json", "--fail-on", "never");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.False(json.RootElement.TryGetProperty("cloudLayer", out var cloud) && cloud.ValueKind != JsonValueKind.Null);

        // Every fix for this machine is a --local command (the tests never touch this machine's firewall: it has none).
        var fixes = json.RootElement.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("fixes").EnumerateArray()).Select(f => f.GetString()!).ToList();
        Assert.Contains("oec-cloudfw server configure --local", AuditCommandTests.Fixes(json, "OECFW-NO-FIREWALL"));
        Assert.DoesNotContain(fixes, f => f.Contains("--host", StringComparison.Ordinal));
    }
}
