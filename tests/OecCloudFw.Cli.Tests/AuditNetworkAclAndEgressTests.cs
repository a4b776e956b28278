using System.Text.Json;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// The audit with what lies beyond the security groups: the subnet's network ACL (stateless: the replies must get
/// back) and the outbound connections the guide needs, in the cloud and on the server. Each finding's printed fix is
/// run as printed, and the audit then agrees.
/// </summary>
public sealed class AuditNetworkAclAndEgressTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonDocument> AuditAsync(TestServer server, params string[] extra)
    {
        var run = await CliHarness.RunAsync(["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "json", "--no-probe", "--fail-on", "never", .. extra]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        return JsonDocument.Parse(run.Output);
    }

    private string[] Aws(string instance) => ["--aws-instance", instance, "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString()];

    private static List<JsonElement> Findings(JsonDocument json, string id) =>
        json.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("id").GetString() == id).ToList();

    private static JsonElement Port(JsonDocument json, int port) =>
        json.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static JsonElement Egress(JsonDocument json, int port) =>
        json.RootElement.GetProperty("egress").EnumerateArray().First(e => e.GetProperty("port").GetInt32() == port);

    private static Task OpenServerAsync(TestServer server) =>
        server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);

    [Fact]
    public async Task NetworkAclDenyingHttpsInbound_IsBlocked_AndItsPrintedEntryFixesIt()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await OpenServerAsync(server);
        var group = _ec2.CreateGroup();
        foreach (var port in new[] { 22, 80, 443 })
        {
            _ec2.AddIngress(group, "tcp", port, port, "0.0.0.0/0");
        }

        var (acl, subnet) = _ec2.CreateNetworkAcl();
        _ec2.AddNetworkAclEntry(acl, 100, false, "6", 22, 22, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 110, false, "6", 80, 80, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 120, false, "6", 443, 443, "0.0.0.0/0", false);
        _ec2.AddNetworkAclEntry(acl, 130, false, "6", 32768, 60999, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 100, true, "6", 1024, 65535, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 110, true, "6", 80, 80, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 120, true, "6", 443, 443, "0.0.0.0/0", true);
        var instance = _ec2.CreateInstanceInSubnet(subnet, [group]);

        using var before = await AuditAsync(server, Aws(instance));

        var https = Port(before, 443).GetProperty("cloud").GetProperty("fromInternetIpv4");
        Assert.False(https.GetProperty("admitted").GetBoolean());
        Assert.Contains($"network ACL {acl} ({subnet}): rule 120 inbound deny tcp/443", https.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.True(Port(before, 22).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        var acls = before.RootElement.GetProperty("networkAcls").EnumerateArray().ToList();
        Assert.Equal(acl, Assert.Single(acls).GetProperty("id").GetString());
        var blocked = Assert.Single(Findings(before, "OECFW-REQUIRED-BLOCKED"));
        Assert.Equal("critical", blocked.GetProperty("severity").GetString());
        var fix = Assert.Single(blocked.GetProperty("fixes").EnumerateArray()).GetString()!;
        Assert.Equal($"aws ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 119 --protocol 6 --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow --region eu-west-1", fix);

        await AwsCliFix.RunAsync(fix, _ec2.Url, Ct);
        using var after = await AuditAsync(server, Aws(instance));
        Assert.Empty(Findings(after, "OECFW-REQUIRED-BLOCKED"));
        Assert.True(Port(after, 443).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
    }

    [Fact]
    public async Task Audit_TakesTheAwsVerbsSpellingOfRegionAndEndpoint()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();

        using var report = await AuditAsync(server, "--aws-group", group, "--region", "eu-west-1", "--endpoint-url", _ec2.Url.ToString());

        Assert.Equal($"aws {group}", report.RootElement.GetProperty("cloudLayer").GetString());
        Assert.Equal(1, _ec2.Calls("DescribeSecurityGroupRules"));
    }

    [Fact]
    public async Task NetworkAclWithoutTheReturnPath_RefusesSsh_BecauseTheRepliesCannotLeave()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await OpenServerAsync(server);
        var group = _ec2.CreateGroup();
        _ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        var (acl, subnet) = _ec2.CreateNetworkAcl();
        _ec2.AddNetworkAclEntry(acl, 100, false, "-1", 0, 0, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 100, true, "6", 443, 443, "0.0.0.0/0", true);
        var instance = _ec2.CreateInstanceInSubnet(subnet, [group]);

        using var report = await AuditAsync(server, Aws(instance));

        var ssh = Port(report, 22).GetProperty("cloud").GetProperty("fromInternetIpv4");
        Assert.False(ssh.GetProperty("admitted").GetBoolean());
        Assert.Contains("the replies are denied (network ACL ", ssh.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        var fixes = Findings(report, "OECFW-REQUIRED-BLOCKED").SelectMany(f => f.GetProperty("fixes").EnumerateArray()).Select(f => f.GetString()!).ToList();
        Assert.Contains(fixes, f => f.Contains("--egress", StringComparison.Ordinal) && f.Contains("From=1024,To=65535", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GroupWithoutEgress_BlocksHttpsOut_Critical_AndThePrintedRuleFixesIt()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await OpenServerAsync(server);
        var group = _ec2.CreateGroup();
        foreach (var port in new[] { 22, 80, 443 })
        {
            _ec2.AddIngress(group, "tcp", port, port, "0.0.0.0/0");
        }

        _ec2.RemoveAllEgress(group);
        var instance = _ec2.CreateInstance([group]);

        using var before = await AuditAsync(server, Aws(instance));

        Assert.False(Egress(before, 443).GetProperty("cloud").GetProperty("admitted").GetBoolean());
        Assert.True(Egress(before, 443).GetProperty("server").GetProperty("admitted").GetBoolean());
        var finding = Findings(before, "OECFW-EGRESS-BLOCKED").Single(f => f.GetProperty("message").GetString()!.StartsWith("outbound TCP 443", StringComparison.Ordinal));
        Assert.Equal("critical", finding.GetProperty("severity").GetString());
        var fix = Assert.Single(finding.GetProperty("fixes").EnumerateArray()).GetString()!;
        Assert.Equal($"aws ec2 authorize-security-group-egress --group-id {group} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{{CidrIp=0.0.0.0/0}}] --region eu-west-1", fix);

        await AwsCliFix.RunAsync(fix, _ec2.Url, Ct);
        using var after = await AuditAsync(server, Aws(instance));
        Assert.True(Egress(after, 443).GetProperty("cloud").GetProperty("admitted").GetBoolean());
        Assert.DoesNotContain(Findings(after, "OECFW-EGRESS-BLOCKED"), f => f.GetProperty("message").GetString()!.StartsWith("outbound TCP 443", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UfwDenyingOutgoing_BlocksHttpsAndMailOut_UntilThePrintedUfwRuleIsAdded()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await OpenServerAsync(server);
        await server.ExecAsync("ufw default deny outgoing >/dev/null", Ct);

        using var before = await AuditAsync(server, "--mail-host", "198.51.100.25");

        var https = Egress(before, 443);
        Assert.False(https.GetProperty("server").GetProperty("admitted").GetBoolean());
        Assert.False(https.TryGetProperty("cloud", out var cloud) && cloud.ValueKind != JsonValueKind.Null, "no cloud layer was given");
        var mail = before.RootElement.GetProperty("egress").EnumerateArray().Where(e => e.GetProperty("destination").GetString() == "198.51.100.25/32").Select(e => e.GetProperty("port").GetInt32()).ToList();
        Assert.Equal([25, 465, 587], mail);
        var finding = Findings(before, "OECFW-EGRESS-BLOCKED").Single(f => f.GetProperty("message").GetString()!.StartsWith("outbound TCP 443", StringComparison.Ordinal));
        var fix = Assert.Single(finding.GetProperty("fixes").EnumerateArray()).GetString()!;
        Assert.Equal("ufw allow out 443/tcp", fix);
        Assert.Contains(Findings(before, "OECFW-EGRESS-BLOCKED"), f => f.GetProperty("message").GetString()!.StartsWith("outbound TCP 587 to 198.51.100.25/32", StringComparison.Ordinal));

        await server.ExecAsync($"{fix} >/dev/null", Ct);
        using var after = await AuditAsync(server, "--mail-host", "198.51.100.25");
        Assert.True(Egress(after, 443).GetProperty("server").GetProperty("admitted").GetBoolean());
        Assert.DoesNotContain(Findings(after, "OECFW-EGRESS-BLOCKED"), f => f.GetProperty("message").GetString()!.StartsWith("outbound TCP 443", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AzureVmWithoutPublicIp_DatabaseTheNsgAdmits_NotReachable_LatentNotCritical()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var arm = await FakeArm.StartAsync();
        var nsg = arm.AddNsg("rg1", "web-nsg", RuleSpec("db-anywhere", 100, "Allow", "Tcp", "*", "5432"));
        arm.AddVm("rg1", "vm1", nsg, null, publicIpSku: null);

        var run = await CliHarness.RunAsync(null, arm.Connection(), ["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "json", "--no-probe", "--fail-on", "never", "--azure-vm", "vm1", "-g", "rg1", "--subscription", Subscription, "--azure-endpoint", arm.Url.ToString()]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var report = JsonDocument.Parse(run.Output);

        var cloud = Port(report, 5432).GetProperty("cloud").GetProperty("fromInternetIpv4");
        Assert.Equal("refused", cloud.GetProperty("verdict").GetString());
        Assert.Contains("nic vm1-nic has no public IPv4 address: not reachable from the internet", cloud.GetProperty("evidence").GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain(Findings(report, "OECFW-PORT-INTERNET"), f => f.GetProperty("message").GetString()!.Contains("(5432)", StringComparison.Ordinal));
        var latent = Assert.Single(Findings(report, "OECFW-PORT-LATENT"), f => f.GetProperty("message").GetString()!.Contains("5432", StringComparison.Ordinal));
        Assert.Equal("warning", latent.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task NsgDenyingHttpsOutbound_IsBlocked_AndANsgRuleForAnotherDestinationIsNotThisVms()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await OpenServerAsync(server);
        await using var arm = await FakeArm.StartAsync();
        var otherVm = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "db-only",
            ["properties"] = new System.Text.Json.Nodes.JsonObject
            {
                ["priority"] = 150, ["access"] = "Allow", ["protocol"] = "Tcp", ["direction"] = "Inbound",
                ["sourceAddressPrefix"] = "*", ["sourcePortRange"] = "*",
                ["destinationAddressPrefix"] = "10.0.0.99/32", ["destinationPortRange"] = "5432",
            },
        };
        var thisVm = (System.Text.Json.Nodes.JsonObject)otherVm.DeepClone();
        thisVm["name"] = "odoo-here";
        thisVm["properties"]!["priority"] = 160;
        thisVm["properties"]!["destinationAddressPrefix"] = "10.0.0.4/32";
        thisVm["properties"]!["destinationPortRange"] = "8069";
        var nsg = arm.AddNsg("rg1", "web-nsg",
            RuleSpec("web", 100, "Allow", "Tcp", "*", "22"),
            RuleSpec("web80", 110, "Allow", "Tcp", "*", "80"),
            RuleSpec("web443", 120, "Allow", "Tcp", "*", "443"),
            otherVm,
            thisVm,
            RuleSpec("no-https-out", 100, "Deny", "Tcp", "*", "443", direction: "Outbound"));
        arm.AddVm("rg1", "vm1", nsg, null);

        var run = await CliHarness.RunAsync(null, arm.Connection(), ["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "json", "--no-probe", "--fail-on", "never", "--azure-vm", "vm1", "-g", "rg1", "--subscription", Subscription, "--azure-endpoint", arm.Url.ToString()]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var report = JsonDocument.Parse(run.Output);

        Assert.False(Egress(report, 443).GetProperty("cloud").GetProperty("admitted").GetBoolean());
        Assert.True(Egress(report, 80).GetProperty("cloud").GetProperty("admitted").GetBoolean());
        Assert.Contains(Findings(report, "OECFW-EGRESS-BLOCKED"), f => f.GetProperty("message").GetString()!.Contains("azure vm vm1", StringComparison.Ordinal));
        // The VM's address is read from its NIC (10.0.0.4): a rule for another VM's address is not its, one for its own is.
        Assert.Equal("refused", Port(report, 5432).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("verdict").GetString());
        Assert.Equal("admitted", Port(report, 8069).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("verdict").GetString());
    }
}
