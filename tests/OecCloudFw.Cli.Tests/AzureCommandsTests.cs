using System.Text.Json;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Cli.Tests;

/// <summary>azure open/close/show end to end: the whole tool in process, the real SDK pipeline, a fake ARM endpoint over TLS.</summary>
public sealed class AzureCommandsTests : IAsyncLifetime
{
    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private Task<CliRun> Run(params string[] args) =>
        CliHarness.RunAsync(null, _arm.Connection(), [.. args, "--subscription", Subscription, "--endpoint", _arm.Url.ToString()]);

    [Fact]
    public async Task Audit_DatabasesOpenToTheInternet_EachFixNamesTheRuleThatDecides_AndTheToolsOwnFixCloses()
    {
        // 5432 is open by someone else's rule; 6432 by the tool's own (an earlier open with --source anywhere).
        await using var server = await OecCloudFw.Testing.Servers.TestServer.StartAsync(TestContext.Current.CancellationToken);
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("db-open", 200, "Allow", "Tcp", "*", "5432"));
        Assert.Equal(0, (await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--port", "6432", "--source", "anywhere")).ExitCode);
        string[] audit = ["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--output", "json", "--no-probe",
            "--fail-on", "never", "--azure-nsg", "web-nsg", "-g", "rg1", "--subscription", Subscription, "--azure-endpoint", _arm.Url.ToString()];
        List<string> Fixes(JsonDocument json, int port) => json.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET" && f.GetProperty("message").GetString()!.Contains($"({port})", StringComparison.Ordinal))
            .SelectMany(f => f.GetProperty("fixes").EnumerateArray().Select(x => x.GetString()!)).ToList();

        var before = await CliHarness.RunAsync(null, _arm.Connection(), audit);

        Assert.True(before.ExitCode == 0, before.Error);
        using (var json = JsonDocument.Parse(before.Output))
        {
            Assert.Contains("az network nsg rule delete -g rg1 --nsg-name web-nsg -n db-open", Fixes(json, 5432));
            Assert.Equal("oec-cloudfw azure close -g rg1 --nsg web-nsg --port 6432", Fixes(json, 6432)[0]); // then the server's own fix
            Assert.DoesNotContain(Fixes(json, 5432), f => f.StartsWith("oec-cloudfw azure close", StringComparison.Ordinal)); // it would not touch db-open
        }

        // The tool's own fix, run as printed: the port is closed, someone else's rule is untouched.
        var close = await Run([.. "oec-cloudfw azure close -g rg1 --nsg web-nsg --port 6432".Split(' ').Skip(1)]);
        Assert.True(close.ExitCode == 0, close.Output + close.Error);
        var after = await CliHarness.RunAsync(null, _arm.Connection(), audit);
        using (var json = JsonDocument.Parse(after.Output))
        {
            Assert.Empty(Fixes(json, 6432));
            Assert.NotEmpty(Fixes(json, 5432));
        }

        Assert.Contains(_arm.Rules(nsg), r => r["name"]!.GetValue<string>() == "db-open");
    }

    [Fact]
    public async Task Open_FreshNsg_CreatesOneOwnRuleOneReadOneWrite()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");

        var run = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("created oecfw-tcp-22_80_443-100: priority 100, Tcp 22,80,443 from *", run.Output, StringComparison.Ordinal); // IPv4 and IPv6, the default
        Assert.Equal((1, 1), (_arm.Reads, _arm.Writes));
        Assert.Single(_arm.Rules(nsg));
    }

    [Fact]
    public async Task Open_Compliant_JsonSaysSoAndNoWrite()
    {
        _arm.AddNsg("rg1", "web-nsg", RuleSpec("web", 300, "Allow", "Tcp", "*", "*"));

        var run = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--output", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("oec-cloudfw/azure-open/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.True(json.RootElement.GetProperty("compliant").GetBoolean());
        Assert.Equal(0, _arm.Writes);
    }

    [Fact]
    public async Task Open_ByVm_ChangesTheNicNsgAndReportsTheSubnetStillBlocking()
    {
        var nic = _arm.AddNsg("rg1", "vm1-nic-nsg");
        var subnet = _arm.AddNsg("rg1", "subnet-nsg", RuleSpec("ssh", 100, "Allow", "Tcp", "*", "22"));
        _arm.AddVm("rg1", "vm1", nic, subnet);

        var run = await Run("azure", "open", "-g", "rg1", "--vm", "vm1");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(_arm.Rules(nic));
        Assert.Single(_arm.Rules(subnet));
        // Judged with the rules just written: the subnet's NSG admits 22 only, its DenyAllInBound decides 80 and 443.
        Assert.Contains("still closed: tcp/443 from 0.0.0.0/0: nic vm1-nic: subnet NSG subnet-nsg: DenyAllInBound", run.Output, StringComparison.Ordinal);
        Assert.Contains("still closed: tcp/80 from 0.0.0.0/0: nic vm1-nic: subnet NSG subnet-nsg: DenyAllInBound", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("still closed: tcp/22", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ByVmOnTheSubnetsNsg_JudgedWithTheRulesItWrites_NotBlocked_AndEveryNsgIsReadOnce()
    {
        var nic = _arm.AddNsg("rg1", "vm1-nic-nsg", RuleSpec("all-web", 100, "Allow", "Tcp", "*", "*"));
        var subnet = _arm.AddNsg("rg1", "subnet-nsg");
        _arm.AddVm("rg1", "vm1", nic, subnet);
        _arm.ResetCounts();

        var run = await Run("azure", "open", "-g", "rg1", "--vm", "vm1", "--nsg", "subnet-nsg", "--output", "json");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Single(_arm.Rules(subnet));
        using var json = JsonDocument.Parse(run.Output);
        Assert.Empty(json.RootElement.GetProperty("stillBlocked").EnumerateArray());
        // VM, NIC, its public IP, subnet, the two NSGs once each: 6 reads. The verdict is the subnet NSG with the rules written into it.
        Assert.Equal(6, _arm.Reads);
    }

    [Fact]
    public async Task Close_PortStillAdmittedBySomeoneElsesAnyProtocolRule_NamesIt()
    {
        _arm.AddNsg("rg1", "web-nsg", RuleSpec("legacy-any", 200, "Allow", "*", "Internet", "80-90"));
        await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--port", "80");

        var close = await Run("azure", "close", "-g", "rg1", "--nsg", "web-nsg", "--port", "80");

        Assert.Equal(1, close.ExitCode);
        Assert.Contains("legacy-any", close.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_BadAzureNames_AreBlamedOnTheAuditsOwnFlags()
    {
        var nsg = await CliHarness.RunAsync(null, _arm.Connection(), "audit", "--local", "--azure-nsg", "-bad-", "-g", "rg1", "--subscription", Subscription, "--azure-endpoint", _arm.Url.ToString());
        var vm = await CliHarness.RunAsync(null, _arm.Connection(), "audit", "--local", "--azure-vm", "bad name", "-g", "rg1", "--subscription", Subscription, "--azure-endpoint", _arm.Url.ToString());

        Assert.Equal(2, nsg.ExitCode);
        Assert.StartsWith("error: --azure-nsg '-bad-'", nsg.Error, StringComparison.Ordinal);
        Assert.Equal(2, vm.ExitCode);
        Assert.StartsWith("error: --azure-vm 'bad name'", vm.Error, StringComparison.Ordinal);
        Assert.Equal(0, _arm.Reads);
    }

    [Theory]
    [InlineData("Esp")]
    [InlineData("Ah")]
    public async Task IpsecOnlyRule_FromTheInternet_AdmitsNoTcpPort_AndOpenStillOpensTheGuidesPorts(string protocol)
    {
        var nsg = _arm.AddNsg("rg1", "vpn-nsg", RuleSpec("ipsec", 100, "Allow", protocol, "*", "*"));

        var show = await Run("azure", "show", "-g", "rg1", "--nsg", "vpn-nsg", "--fail-on", "critical", "--output", "json");

        Assert.Equal(0, show.ExitCode);
        using (var doc = JsonDocument.Parse(show.Output))
        {
            Assert.DoesNotContain(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-ALL-INTERNET");
            Assert.All(doc.RootElement.GetProperty("ports").EnumerateArray(), p => Assert.False(p.GetProperty("openToInternet").GetBoolean()));
        }

        var open = await Run("azure", "open", "-g", "rg1", "--nsg", "vpn-nsg");

        Assert.Equal(0, open.ExitCode);
        Assert.Equal(2, _arm.Rules(nsg).Count);
        var after = await Run("azure", "show", "-g", "rg1", "--nsg", "vpn-nsg", "--output", "json");
        using var afterDoc = JsonDocument.Parse(after.Output);
        Assert.All(afterDoc.RootElement.GetProperty("ports").EnumerateArray().Where(p => p.GetProperty("port").GetInt32() is 22 or 80 or 443),
            p => Assert.True(p.GetProperty("openToInternet").GetBoolean()));
    }

    [Fact]
    public async Task Open_AnywhereAndASourceTogether_WritesARuleArmAccepts()
    {
        // ARM refuses "*" inside sourceAddressPrefixes (the fake checks it as ARM does): "*" alone covers both.
        var nsg = _arm.AddNsg("rg1", "web-nsg");

        var run = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--optional", "8069", "--source", "anywhere", "--source", "10.0.0.5/32", "--ipv6");

        Assert.True(run.ExitCode == 0, run.Error);
        static IEnumerable<string> Ports(System.Text.Json.Nodes.JsonObject r) =>
            ((r["properties"]!["destinationPortRanges"] as System.Text.Json.Nodes.JsonArray)?.Select(p => p!.GetValue<string>()) ?? [])
            .Append(r["properties"]!["destinationPortRange"]?.GetValue<string>() ?? string.Empty);
        Assert.Contains(_arm.Rules(nsg), r => Ports(r).Contains("8069") && r["properties"]!["sourceAddressPrefix"]?.GetValue<string>() == "*");
    }

    [Fact]
    public async Task UnreachableEndpointOrUntrustedCertificate_Exit3WithTheCause_NeverABug()
    {
        _arm.AddNsg("rg1", "web-nsg");

        var unreachable = await CliHarness.RunAsync(null, _arm.Connection(), "azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", Subscription, "--endpoint", "https://127.0.0.1:9/");
        var untrusted = await CliHarness.RunAsync(null, UntrustingConnection(), "azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", Subscription, "--endpoint", _arm.Url.ToString());

        Assert.True(unreachable.ExitCode == 3, $"exit {unreachable.ExitCode}: {unreachable.Error}");
        Assert.Contains("cannot reach the Azure Resource Manager endpoint https://127.0.0.1:9", unreachable.Error, StringComparison.Ordinal);
        Assert.True(untrusted.ExitCode == 3, $"exit {untrusted.ExitCode}: {untrusted.Error}");
        Assert.Contains("TLS failed", untrusted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_DatabaseOpenToInternet_CriticalButShadowedAllowIsNot()
    {
        _arm.AddNsg("rg1", "db-nsg",
            RuleSpec("deny-redis", 100, "Deny", "Tcp", "*", "6432"),
            RuleSpec("pg-anywhere", 110, "Allow", "Tcp", "Internet", "5432"),
            RuleSpec("pgbouncer-anywhere", 120, "Allow", "Tcp", "*", "6432"));

        var run = await Run("azure", "show", "-g", "rg1", "--nsg", "db-nsg", "--fail-on", "critical");
        var json = await Run("azure", "show", "-g", "rg1", "--nsg", "db-nsg", "--output", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("CRITICAL OECFW-PORT-INTERNET: PostgreSQL (5432) is open to the internet", run.Output, StringComparison.Ordinal);
        Assert.Contains("az network nsg rule delete -g rg1 --nsg-name db-nsg -n pg-anywhere", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PgBouncer (primary) (6432) is open", run.Output, StringComparison.Ordinal);
        Assert.Contains("DenyAllInBound", run.Output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Contains(doc.RootElement.GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == 5432 && p.GetProperty("openToInternet").GetBoolean() && p.GetProperty("verdict").GetString() == "open");
        Assert.Contains(doc.RootElement.GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == 6432 && !p.GetProperty("openToInternet").GetBoolean());
    }

    private static System.Text.Json.Nodes.JsonObject ToAsg(string name, int priority, string port, string asg)
    {
        var rule = RuleSpec(name, priority, "Allow", "Tcp", "*", port);
        rule["properties"]!["destinationAddressPrefix"] = null;
        rule["properties"]!["destinationApplicationSecurityGroups"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["id"] = $"/subscriptions/{Subscription}/resourceGroups/rg1/providers/Microsoft.Network/applicationSecurityGroups/{asg}" });
        return rule;
    }

    [Fact]
    public async Task Show_NsgAlone_RulesForAnAsgOrOneAddress_IndeterminateNeverClosed_AndNoFinding()
    {
        var toAddress = RuleSpec("one-vm", 110, "Allow", "Tcp", "*", "6432");
        toAddress["properties"]!["destinationAddressPrefix"] = "10.0.0.99/32";
        _arm.AddNsg("rg1", "db-nsg", ToAsg("db-asg", 100, "5432", "asg-db"), toAddress);

        var table = await Run("azure", "show", "-g", "rg1", "--nsg", "db-nsg");
        var json = await Run("azure", "show", "-g", "rg1", "--nsg", "db-nsg", "--output", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("5432 indeterminate", table.Output, StringComparison.Ordinal);
        Assert.Contains("6432 indeterminate", table.Output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Output);
        foreach (var port in new[] { 5432, 6432 })
        {
            var view = Assert.Single(doc.RootElement.GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == port);
            // Neither true nor false: null, which the documents leave out.
            Assert.True(!view.TryGetProperty("openToInternet", out var open) || open.ValueKind == JsonValueKind.Null);
            Assert.Equal("indeterminate", view.GetProperty("verdict").GetString());
            Assert.Contains("which VMs it targets is not known", view.GetProperty("evidence").GetString()!, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET");
        Assert.Contains(doc.RootElement.GetProperty("assumptions").EnumerateArray(), a => a.GetString()!.Contains("no VM was read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_Vm_RuleForAnotherAsg_NoFindingNoFix_TheTableAgrees_ItsOwnAsgIsCritical()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", ToAsg("db-asg", 100, "5432", "asg-db"), ToAsg("web-asg", 110, "6432", "asg-web"));
        _arm.AddVm("rg1", "vm1", null, null, publicIpSku: null);
        _arm.AddNic("rg1", "vm1", "vm1-nic2", nsg, "default", null, "10.0.0.5", [("Standard", "IPv4")], ["asg-web"]);

        var json = await Run("azure", "show", "-g", "rg1", "--vm", "vm1", "--output", "json");

        Assert.True(json.ExitCode == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        var ports = doc.RootElement.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetInt32(), p => p.GetProperty("verdict").GetString());
        Assert.Equal("closed", ports[5432]);
        Assert.Equal("open", ports[6432]);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.DoesNotContain(findings, f => f.GetProperty("message").GetString()!.Contains("(5432)", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.GetProperty("fixes").EnumerateArray().Any(x => x.GetString()!.Contains("-n db-asg", StringComparison.Ordinal)));
        Assert.Contains(findings, f => f.GetProperty("message").GetString()!.Contains("(6432) is open to the internet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_Vm_StandardPublicIpAndNoNsg_EveryPortClosedWithTheReason()
    {
        _arm.AddVm("rg1", "vm1", null, null);

        var run = await Run("azure", "show", "-g", "rg1", "--vm", "vm1", "--output", "json", "--fail-on", "info");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var doc = JsonDocument.Parse(run.Output);
        Assert.All(doc.RootElement.GetProperty("ports").EnumerateArray(), p =>
        {
            Assert.Equal("closed", p.GetProperty("verdict").GetString());
            Assert.Contains("is closed to inbound unless an NSG admits it (secure by default)", p.GetProperty("evidence").GetString()!, StringComparison.Ordinal);
        });
        Assert.Empty(doc.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Show_DatabaseFromAzureCloud_OtherTenantsFinding_NotClosed()
    {
        _arm.AddNsg("rg1", "db-nsg", RuleSpec("from-azure", 100, "Allow", "Tcp", "AzureCloud", "5432"));

        var run = await Run("azure", "show", "-g", "rg1", "--nsg", "db-nsg", "--fail-on", "critical");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("CRITICAL OECFW-OTHER-TENANTS: PostgreSQL (5432) is admitted from service tag AzureCloud", run.Output, StringComparison.Ordinal);
        Assert.Contains("5432 indeterminate", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_SshSourcePrune_AfterTheOwnCombinedRule_Converges_ASecondRunWritesNothing()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        Assert.Equal(0, (await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg")).ExitCode);

        var prune = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--ssh-source", "198.51.100.7/32", "--prune");
        _arm.ResetCounts();
        var again = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--ssh-source", "198.51.100.7/32", "--prune", "--output", "json");

        Assert.True(prune.ExitCode == 0, prune.Output + prune.Error);
        var rules = _arm.Rules(nsg).Select(r => (Ports: r["properties"]!["destinationPortRanges"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } many ? many.ToJsonString() : r["properties"]!["destinationPortRange"]!.ToJsonString(),
            Source: r["properties"]!["sourceAddressPrefix"]!.ToJsonString())).OrderBy(r => r.Ports, StringComparer.Ordinal).ToList();
        Assert.Equal([("\"22\"", "\"198.51.100.7/32\""), ("[\"80\",\"443\"]", "\"*\"")], rules);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        using var doc = JsonDocument.Parse(again.Output);
        Assert.True(doc.RootElement.GetProperty("compliant").GetBoolean());
        Assert.Equal(0, _arm.Writes);
    }

    [Fact]
    public async Task Open_Prune_DeleteRefused_Exit3_SaysWhatWasCreatedAndTheUndo()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("oecfw-tcp-5432-200", 200, "Allow", "Tcp", "*", "5432"));
        _arm.DeniedActions.Add("Microsoft.Network/networkSecurityGroups/securityRules/delete");

        var run = await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--prune");

        Assert.Equal(3, run.ExitCode);
        var created = Assert.Single(_arm.Rules(nsg), r => r["name"]!.GetValue<string>() != "oecfw-tcp-5432-200")["name"]!.GetValue<string>();
        Assert.Contains($"created {created}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"az network nsg rule delete --subscription {Subscription} -g rg1 --nsg-name web-nsg -n {created}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_OwnRule_DeletedAndSshRefusedWithoutForce()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");
        await Run("azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--port", "8072");

        var ssh = await Run("azure", "close", "-g", "rg1", "--nsg", "web-nsg", "--port", "22");
        var close = await Run("azure", "close", "-g", "rg1", "--nsg", "web-nsg", "--port", "8072");

        Assert.Equal(2, ssh.ExitCode);
        Assert.Contains("OEC.sh cannot manage the server", ssh.Error, StringComparison.Ordinal);
        Assert.Equal(0, close.ExitCode);
        Assert.Empty(_arm.Rules(nsg));
    }

    [Fact]
    public async Task MissingNsg_ExitThreeNamesIt()
    {
        _arm.AddNsg("rg1", "web-nsg");

        var run = await Run("azure", "show", "-g", "rg1", "--nsg", "nope");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("network security group nope not found (ResourceNotFound)", run.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "bad nsg name", ["azure", "open", "-g", "rg1", "--nsg", "-bad-"] },
        { "no resource group", ["azure", "open", "--nsg", "web-nsg"] },
        { "no target", ["azure", "open", "-g", "rg1"] },
        { "bad resource group", ["azure", "show", "-g", "rg1.", "--nsg", "web-nsg"] },
        { "bad port", ["azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--port", "65536"] },
        { "bad cidr", ["azure", "open", "-g", "rg1", "--nsg", "web-nsg", "--ssh-source", "300.1.1.1/32"] },
        { "bad vm name", ["azure", "show", "-g", "rg1", "--vm", "_vm"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ExitTwoAndNoRequest(string why, string[] args)
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg");

        var run = await Run(args);

        Assert.True(run.ExitCode == 2, $"{why}: exit {run.ExitCode}: {run.Error}");
        Assert.Equal(0, _arm.Reads + _arm.Writes);
        Assert.Empty(_arm.Rules(nsg));
    }

    [Fact]
    public async Task BadSubscriptionOrHttpEndpoint_ExitTwo()
    {
        var badSub = await CliHarness.RunAsync(null, _arm.Connection(), "azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", "nope", "--endpoint", _arm.Url.ToString());
        var noSub = await CliHarness.RunAsync(null, _arm.Connection(), "azure", "show", "-g", "rg1", "--nsg", "web-nsg");
        var http = await CliHarness.RunAsync(null, _arm.Connection(), "azure", "show", "-g", "rg1", "--nsg", "web-nsg", "--subscription", Subscription, "--endpoint", "http://127.0.0.1:1");

        Assert.Equal((2, 2, 2), (badSub.ExitCode, noSub.ExitCode, http.ExitCode));
        Assert.Contains("not an https URL", http.Error, StringComparison.Ordinal);
    }
}
