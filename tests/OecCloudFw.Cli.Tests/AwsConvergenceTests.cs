using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// The AWS layer on the shapes real accounts have: restricting what the tool opened, database ports that must be
/// opened on purpose, prefix lists and group references, fixes that are run as printed, and every bad region or
/// broken transport a clear exit code.
/// </summary>
public sealed class AwsConvergenceTests : IAsyncLifetime
{
    private FakeEc2 _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private string[] Target(string group, params string[] rest) =>
        ["--group", group, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString(), .. rest];

    private List<(int Port, string Source)> Ingress(string group) =>
        _fake.Ingress(group).Select(r => (r.FromPort, r.Peer)).Order().ToList();

    [Fact]
    public async Task Open_RestrictingSshTheToolOpened_WithPrune_AddsTheSourceAndRevokesTheWorldRule_InOneReadOneAuthorizeOneRevoke()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group)]);
        _fake.ResetCounts();

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--ssh-source", "203.0.113.10/32", "--prune")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([(22, "203.0.113.10/32"), (80, "0.0.0.0/0"), (80, "::/0"), (443, "0.0.0.0/0"), (443, "::/0")], Ingress(group));
        Assert.Equal(1, _fake.Calls("DescribeSecurityGroupRules"));
        Assert.Equal(1, _fake.Calls("AuthorizeSecurityGroupIngress"));
        Assert.Equal(1, _fake.Calls("RevokeSecurityGroupIngress"));

        _fake.ResetCounts();
        var again = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--ssh-source", "203.0.113.10/32", "--prune")]);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_RestrictingWithoutPrune_AddsTheNarrowRule_AndReportsTheBroadOneAsExtra()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group, "--optional", "5432", "--source", "anywhere")]);

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--optional", "5432", "--source", "10.0.0.5/32", "--output", "json")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains((5432, "10.0.0.5/32"), Ingress(group));
        Assert.Contains((5432, "0.0.0.0/0"), Ingress(group));
        using var json = JsonDocument.Parse(run.Output);
        Assert.Contains(json.RootElement.GetProperty("changes").EnumerateArray(), c => c.GetProperty("change").GetString() == "extra" && c.GetProperty("rule").GetProperty("source").GetString() == "0.0.0.0/0");

        var pruned = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--optional", "5432", "--source", "10.0.0.5/32", "--prune")]);
        Assert.Equal(0, pruned.ExitCode);
        Assert.Equal([(5432, "10.0.0.5/32")], Ingress(group).Where(r => r.Port == 5432));
    }

    [Theory]
    [InlineData("--optional", "5432")]
    [InlineData("--optional", "6432")]
    [InlineData("--port", "5432")]
    [InlineData("--port", "6433")]
    public async Task Open_DatabaseWithNoSource_Exit2BeforeAnyCall_ExplicitAnywhereOpensIt(string flag, string port)
    {
        var group = _fake.CreateGroup();

        var refused = await CliHarness.RunAsync(["aws", "open", .. Target(group, flag, port)]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("would be open to the whole internet", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--source anywhere", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads + _fake.Mutations);

        var meant = await CliHarness.RunAsync(["aws", "open", .. Target(group, flag, port, "--source", "anywhere")]);
        Assert.Equal(0, meant.ExitCode);
        Assert.Contains((int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), "0.0.0.0/0"), Ingress(group));
    }

    [Fact]
    public async Task Open_BadSourceForAnOptionalPort_NamesTheSourceFlag()
    {
        var run = await CliHarness.RunAsync(["aws", "open", .. Target(_fake.CreateGroup(), "--optional", "5432", "--source", "10.0.0.300/32")]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --source:", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us_east_1")]
    [InlineData("eu-west-1 ")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("EU-WEST-1")]
    public async Task AnyVerb_BadRegion_Exit2BeforeAnyCall(string region)
    {
        var group = _fake.CreateGroup();
        foreach (var verb in new[] { "open", "show" })
        {
            var run = await CliHarness.RunAsync("aws", verb, "--group", group, "--region", region, "--endpoint-url", _fake.Url.ToString());

            Assert.True(run.ExitCode == 2, $"{verb} --region '{region}': exit {run.ExitCode}: {run.Error}");
            Assert.Contains("is not an AWS region name", run.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0, _fake.Reads + _fake.Mutations);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    public async Task Open_EndpointThatDropsTheConnection_Exit3WithTheCause_AndAttemptsAreBounded(string maxAttempts, int expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                var buffer = new byte[4096];
                _ = await client.GetStream().ReadAsync(buffer, stop.Token);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
            }
        }, TestContext.Current.CancellationToken);

        var run = await CliHarness.RunAsync("aws", "open", "--group", "sg-0123456789abcdef0", "--region", "eu-west-1",
            "--endpoint-url", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", "--max-attempts", maxAttempts);
        await stop.CancelAsync();

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot reach the EC2 endpoint for eu-west-1", run.Error, StringComparison.Ordinal);
        Assert.Equal(expected, Volatile.Read(ref accepted));
        try
        {
            await server;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task Show_PrefixListHoldingTheWorldOnPostgres_IsCritical_WithAnExactFix()
    {
        var group = _fake.CreateGroup();
        var list = _fake.CreatePrefixList("partners", 10, "198.51.100.0/24", "0.0.0.0/0");
        var rule = _fake.AddIngressFromPrefixList(group, "tcp", 5432, 5432, list);

        var run = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--fail-on", "critical", "--output", "json")]);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var finding = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET");
        Assert.Equal("critical", finding.GetProperty("severity").GetString());
        Assert.Contains(finding.GetProperty("fixes").EnumerateArray(), f => f.GetString()!.StartsWith($"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {rule} --region eu-west-1", StringComparison.Ordinal));
        Assert.Equal(1, _fake.Calls("DescribeManagedPrefixLists"));
        Assert.Equal(1, _fake.Calls("GetManagedPrefixListEntries"));
    }

    [Fact]
    public async Task Open_QuotaCountsAPrefixListAsItsMaximumEntries_RefusedBeforeAnyWrite()
    {
        var group = _fake.CreateGroup();
        var list = _fake.CreatePrefixList("office", 58, "203.0.113.10/32");
        _fake.AddIngressFromPrefixList(group, "tcp", 8069, 8069, list);

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group)]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("would have 61 IPv4 inbound rules, over the quota of 60", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_SshFromAManagementPrefixList_CountsAsPresent_NothingIsAddedForTheWorld()
    {
        var group = _fake.CreateGroup();
        var list = _fake.CreatePrefixList("office", 5, "203.0.113.10/32");
        _fake.AddIngressFromPrefixList(group, "tcp", 22, 22, list);

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--ssh-source", "203.0.113.10/32")]);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(_fake.Ingress(group), r => r.FromPort == 22 && r.PrefixListId is null);
    }

    [Fact]
    public async Task Show_SshOpenToTheWorldBySomeoneElse_PrintedFixesRunAsPrinted_LeaveSshOnlyFromTheManagementSource()
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0", "ssh");

        var show = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--output", "json")]);
        using var json = JsonDocument.Parse(show.Output);
        var fixes = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-SSH-INTERNET")
            .GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!).ToList();

        Assert.Equal(2, fixes.Count);
        Assert.Equal($"oec-cloudfw aws open --group {group} --port 22 --ssh-source <management-ip>/32 --region eu-west-1", fixes[0]);
        foreach (var fix in fixes)
        {
            await RunFixAsync(fix.Replace("<management-ip>/32", "203.0.113.10/32", StringComparison.Ordinal));
        }

        Assert.Equal([(22, "203.0.113.10/32")], Ingress(group).Where(r => r.Port == 22));
        var after = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--fail-on", "warning")]);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public async Task Show_EveryPortOpenToTheWorld_FixesReAddTheGuidesPortsBeforeTheRevoke()
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "-1", -1, -1, "0.0.0.0/0");

        var show = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--output", "json")]);
        using var json = JsonDocument.Parse(show.Output);
        var fixes = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-ALL-INTERNET")
            .GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!).ToList();
        foreach (var fix in fixes)
        {
            await RunFixAsync(fix);
        }

        Assert.Equal([(22, "0.0.0.0/0"), (22, "::/0"), (80, "0.0.0.0/0"), (80, "::/0"), (443, "0.0.0.0/0"), (443, "::/0")], Ingress(group));
    }

    [Fact]
    public async Task Show_SubnetOrInstance_ReadsTheNetworkAcl_FlagsARequiredPortItDenies_AndItsFixWorks()
    {
        var group = _fake.CreateGroup();
        foreach (var port in new[] { 22, 80, 443 })
        {
            _fake.AddIngress(group, "tcp", port, port, "0.0.0.0/0");
        }

        var (acl, subnet) = _fake.CreateNetworkAcl();
        _fake.AddNetworkAclEntry(acl, 100, false, "6", 22, 80, "0.0.0.0/0", true);
        _fake.AddNetworkAclEntry(acl, 100, true, "6", 1024, 65535, "0.0.0.0/0", true);
        var instance = _fake.CreateInstanceInSubnet(subnet, [group]);

        var bySubnet = await CliHarness.RunAsync("aws", "show", "--subnet", subnet, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString(), "--output", "json", "--fail-on", "critical");
        var byInstance = await CliHarness.RunAsync("aws", "show", "--instance", instance, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString(), "--output", "json");

        Assert.Equal(1, bySubnet.ExitCode);
        using var json = JsonDocument.Parse(bySubnet.Output);
        Assert.Equal(acl, json.RootElement.GetProperty("networkAcls")[0].GetProperty("id").GetString());
        var ports = json.RootElement.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetInt32(), p => p.GetProperty("verdict").GetString());
        Assert.Equal("admitted", ports[22]);
        Assert.Equal("refused", ports[443]);
        var finding = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-REQUIRED-BLOCKED");
        var fixes = finding.GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal([$"aws ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 32766 --protocol 6 --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow --region eu-west-1"], fixes);
        using var viaInstance = JsonDocument.Parse(byInstance.Output);
        Assert.Contains(viaInstance.RootElement.GetProperty("rules").EnumerateArray(), r => r.GetProperty("ports").GetString() == "443");
        Assert.Equal("refused", viaInstance.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 443).GetProperty("verdict").GetString());

        foreach (var fix in fixes)
        {
            await RunFixAsync(fix);
        }

        var after = await CliHarness.RunAsync("aws", "show", "--instance", instance, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString(), "--fail-on", "critical");
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public async Task OpenOrShow_WithoutATarget_Exit2BeforeAnyCall()
    {
        var open = await CliHarness.RunAsync("aws", "open", "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString());
        var show = await CliHarness.RunAsync("aws", "show", "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString());
        var badSubnet = await CliHarness.RunAsync("aws", "show", "--subnet", "subnet-nope", "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString());

        Assert.Equal(2, open.ExitCode);
        Assert.Contains("--group is required", open.Error, StringComparison.Ordinal);
        Assert.Equal(2, show.ExitCode);
        Assert.Equal(2, badSubnet.ExitCode);
        Assert.Equal(0, _fake.Reads + _fake.Mutations);
    }

    /// <summary>
    /// Runs a printed fix as printed: this tool's own commands through the CLI, and the AWS CLI's
    /// revoke-security-group-ingress through the SDK with exactly the ids and region it names.
    /// </summary>
    private async Task RunFixAsync(string fix)
    {
        var words = fix.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] == "oec-cloudfw")
        {
            var run = await CliHarness.RunAsync([.. words[1..], "--endpoint-url", _fake.Url.ToString()]);
            Assert.True(run.ExitCode is 0 or 1, $"{fix}: exit {run.ExitCode}: {run.Error}");
            return;
        }

        await AwsCliFix.RunAsync(fix, _fake.Url, TestContext.Current.CancellationToken);
    }
}
