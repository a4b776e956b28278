using System.Text.Json;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>audit --inventory aws:tag:…</c> end to end: the fake EC2 lists the tagged running instances, each one is reached
/// over SSH by its public address (a real test server), and its cloud layer is the instance's own security groups.
/// </summary>
public sealed class AwsCloudInventoryTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AwsCloudInventory_TaggedRunningInstance_AuditedByItsPublicAddress_ItsGroupsTheCloudLayer()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var ssh = _ec2.CreateGroup();
        var web = _ec2.CreateGroup();
        _ec2.AddIngress(ssh, "tcp", 22, 22, "0.0.0.0/0");
        _ec2.AddIngress(web, "tcp", 443, 443, "0.0.0.0/0");
        var instance = _ec2.AddInstance(new FakeInstance
        {
            Tags = FakeInstance.Tagged(("Role", "web"), ("Env", "prod")),
            Interfaces = [new FakeEni([ssh, web]) { PublicIp = server.Address, PrivateIp = "10.0.0.10" }],
        });
        // Neither is in the fleet: another role, and a web instance that is stopped (its address answers nothing).
        _ec2.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "db")), Interfaces = [new FakeEni([ssh]) { PublicIp = "198.19.254.1" }] });
        _ec2.AddInstance(new FakeInstance { State = "stopped", Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([web]) { PublicIp = "198.19.254.2" }] });

        var run = await CliHarness.RunAsync("audit", "--inventory", "aws:tag:Role=web", "--aws-endpoint-url", _ec2.Url.ToString(), "--aws-region", "us-east-1",
            "--user", "root", "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--output", "json", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}\n{run.Output}");
        using var json = JsonDocument.Parse(run.Output);
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal([instance], json.RootElement.GetProperty("inventory").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));
        var audited = Assert.Single(json.RootElement.GetProperty("servers").EnumerateArray());
        Assert.Equal(instance, audited.GetProperty("server").GetString());
        Assert.Equal($"aws {ssh}+{web}", audited.GetProperty("cloudLayer").GetString());
        var https = audited.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 443);
        Assert.True(https.GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.Contains(audited.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-SSH-INTERNET");
        // One listing, then the instance's own network (its groups) for its layer.
        Assert.Equal(2, _ec2.Calls("DescribeInstances"));

        // --limit takes the groups the listing made.
        var limited = await CliHarness.RunAsync("audit", "--inventory", "aws:tag:Role", "--limit", "tag_Env_prod", "--aws-endpoint-url", _ec2.Url.ToString(), "--aws-region", "us-east-1",
            "--user", "root", "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--output", "json", "--fail-on", "never");
        Assert.True(limited.ExitCode == 0, $"exit {limited.ExitCode}: {limited.Error}\n{limited.Output}");
        using var limitedJson = JsonDocument.Parse(limited.Output);
        Assert.Equal([instance], limitedJson.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("server").GetString()!));
    }

    [Fact]
    public async Task AwsCloudInventory_BadSelector_ExitTwo_BeforeAnyRequest()
    {
        var run = await CliHarness.RunAsync("audit", "--inventory", "aws:tag:Role=", "--aws-endpoint-url", _ec2.Url.ToString(), "--aws-region", "us-east-1", "--no-probe");

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("--inventory aws:tag:Role=: the tag Role has an empty value", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Requests);
    }
}
