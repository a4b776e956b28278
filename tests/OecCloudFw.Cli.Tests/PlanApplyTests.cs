using System.Text.Json;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// plan and apply across both layers, end to end: real test servers (sshd, ufw) as the server layer, the fake EC2 and
/// ARM endpoints (through the real SDKs) as the cloud layer. Each test asserts the end state of both layers, read from
/// the fakes and the server themselves.
/// </summary>
public sealed class PlanApplyTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private List<int> WorldPorts(string group) =>
        _ec2.Ingress(group).Where(r => r.Cidr == "0.0.0.0/0").Select(r => r.FromPort).Order().ToList();

    [Fact]
    public async Task Aws_PlanChangesNothing_ApplyBringsBothLayersToThePolicy_ASecondApplyChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        _ec2.AddIngress(group, "tcp", 8080, 8080, "0.0.0.0/0", "someone else's");

        _ec2.ResetCounts();
        var plan = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--output", "json"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Equal((1, 0), (_ec2.Reads, _ec2.Mutations)); // one read of the cloud layer, nothing written
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(plan.Output))
        {
            var cloud = json.RootElement.GetProperty("cloud");
            var changes = cloud.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("change").GetString(), c.GetProperty("rule").GetProperty("ports").GetString())).ToList();
            Assert.Contains(("add", "22"), changes);
            Assert.Contains(("add", "443"), changes);
            Assert.Contains(("extra", "8080"), changes); // someone else's: left alone
            Assert.Equal("ufw", json.RootElement.GetProperty("server").GetProperty("backend").GetString());
            Assert.Contains(json.RootElement.GetProperty("server").GetProperty("commands").EnumerateArray(), c => c.GetString()!.Contains("443", StringComparison.Ordinal));
            // The audit the result would give: 443 admitted by both layers, no finding about a required port.
            var expected = json.RootElement.GetProperty("expected");
            Assert.DoesNotContain(expected.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-REQUIRED-BLOCKED");
        }

        _ec2.ResetCounts();
        var logins = server.AcceptedLogins;
        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--no-probe", "--output", "json"]);

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        // Two SSH logins: the one the whole apply (and the audit afterwards) runs over, and the new one that proves access.
        Assert.Equal(2, server.AcceptedLogins - logins);
        Assert.Equal([22, 80, 443, 8080], WorldPorts(group));
        Assert.Equal(1, _ec2.Calls("AuthorizeSecurityGroupIngress"));
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("Status: active", status, StringComparison.Ordinal);
        Assert.Contains("443/tcp", status, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(apply.Output))
        {
            Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
            Assert.Equal("confirmed", json.RootElement.GetProperty("serverOutcome").GetString());
            Assert.Equal("oec-cloudfw/audit/v4", json.RootElement.GetProperty("audit").GetProperty("schema").GetString());
        }

        _ec2.ResetCounts();
        var again = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--no-probe", "--output", "json"]);

        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Equal(0, _ec2.Mutations);
        using (var json = JsonDocument.Parse(again.Output))
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("serverOutcome").GetString());
            Assert.Empty(json.RootElement.GetProperty("cloudCreated").EnumerateArray());
        }
    }

    [Fact]
    public async Task Aws_InstanceWithTwoGroupsAndANetworkAcl_EveryGroupRead_OneWritten_TheAuditIsTheUnionThroughTheAcl()
    {
        // EC2 admits what any of an ENI's groups admits: the web group (someone else's) admits 80 and 443 already, so only
        // 22 is added, to the group named; the subnet's network ACL denies 443, which the audit must say.
        await using var server = await TestServer.StartAsync(Ct);
        var web = _ec2.CreateGroup();
        _ec2.AddIngress(web, "tcp", 80, 80, "0.0.0.0/0", "someone else's");
        _ec2.AddIngress(web, "tcp", 443, 443, "0.0.0.0/0", "someone else's");
        var ops = _ec2.CreateGroup();
        var (acl, subnet) = _ec2.CreateNetworkAcl();
        _ec2.AddNetworkAclEntry(acl, 100, false, "6", 22, 22, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 110, false, "6", 80, 80, "0.0.0.0/0", true);
        _ec2.AddNetworkAclEntry(acl, 120, false, "6", 443, 443, "0.0.0.0/0", false);
        _ec2.AddNetworkAclEntry(acl, 100, true, "-1", 0, 0, "0.0.0.0/0", true);
        var instance = _ec2.CreateInstanceInSubnet(subnet, [web], [ops]);
        string[] cloud = ["--aws-instance", instance, "--aws-group", ops, "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString()];

        _ec2.ResetCounts();
        var plan = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. cloud, "--output", "json"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Equal(0, _ec2.Mutations);
        // The instance once, each group once, the subnet's ACL once.
        Assert.Equal((1, 2, 1), (_ec2.Calls("DescribeInstances"), _ec2.Calls("DescribeSecurityGroupRules"), _ec2.Calls("DescribeNetworkAcls")));
        using (var json = JsonDocument.Parse(plan.Output))
        {
            var changes = json.RootElement.GetProperty("cloud").GetProperty("changes").EnumerateArray()
                .Where(c => c.GetProperty("rule").GetProperty("source").GetString() == "0.0.0.0/0")
                .Select(c => (c.GetProperty("change").GetString(), c.GetProperty("rule").GetProperty("ports").GetString())).ToList();
            Assert.Contains(("add", "22"), changes);
            Assert.Contains(("keep", "80"), changes);
            Assert.Contains(("keep", "443"), changes);
            Assert.DoesNotContain(("add", "443"), changes);
            Assert.DoesNotContain(("add", "80"), changes);
            // The audit the plan predicts is the provider's: 22 added and let through by the ACL; 22 over IPv6 added too,
            // but the ACL has no IPv6 entry (its closing deny decides); 443 kept in the other group, denied by the ACL.
            var expected = json.RootElement.GetProperty("expected").GetProperty("ports").EnumerateArray().ToList();
            JsonElement Cloud(int port) => expected.Single(p => p.GetProperty("port").GetInt32() == port).GetProperty("cloud");
            Assert.True(Cloud(22).GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
            Assert.False(Cloud(22).GetProperty("fromInternetIpv6").GetProperty("admitted").GetBoolean(), Cloud(22).ToString());
            Assert.Contains(acl, Cloud(22).GetProperty("fromInternetIpv6").GetProperty("evidence").GetString(), StringComparison.Ordinal);
            Assert.False(Cloud(443).GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        }

        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. cloud, "--no-probe", "--fail-on", "never", "--output", "json"]);

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        Assert.Equal([22], WorldPorts(ops));
        Assert.Equal([80, 443], WorldPorts(web));
        using (var json = JsonDocument.Parse(apply.Output))
        {
            var ports = json.RootElement.GetProperty("audit").GetProperty("ports").EnumerateArray().ToList();
            JsonElement Internet(int port) => ports.Single(p => p.GetProperty("port").GetInt32() == port).GetProperty("cloud").GetProperty("fromInternetIpv4");
            Assert.True(Internet(22).GetProperty("admitted").GetBoolean()); // the rule just added, through the ACL
            Assert.True(Internet(80).GetProperty("admitted").GetBoolean()); // the other group's rule
            Assert.False(Internet(443).GetProperty("admitted").GetBoolean()); // the other group admits it; the ACL does not
            Assert.Contains(acl, Internet(443).GetProperty("evidence").GetString(), StringComparison.Ordinal);
        }

        _ec2.ResetCounts();
        var again = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. cloud, "--no-probe", "--fail-on", "never", "--output", "json"]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Equal(0, _ec2.Mutations);

        // A group that is not the instance's: exit 2, nothing written.
        var stranger = _ec2.CreateGroup();
        var wrong = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), "--aws-instance", instance, "--aws-group", stranger, "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString()]);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains($"--aws-group {stranger} is not a group of instance {instance}", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Mutations);
    }

    [Fact]
    public async Task Aws_SavedPlan_AppliedExactly_AndRefusedWithExit5OnceALayerMoved()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var file = Path.Combine(server.WorkDir, "plan.json");
        var stale = Path.Combine(server.WorkDir, "stale.json");
        Assert.Equal(0, (await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--out", stale])).ExitCode);

        // Someone changes the cloud layer after the plan was reviewed: the plan is refused before any change.
        _ec2.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0", "added after the review");
        _ec2.ResetCounts();
        var refused = await CliHarness.RunAsync(["apply", "--plan", stale, "--output", "json"]);

        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("stale", refused.Error, StringComparison.Ordinal);
        var savedCloud = JsonDocument.Parse(await File.ReadAllTextAsync(stale, Ct)).RootElement.GetProperty("cloud");
        // The layer named, with the digest the plan saved and the one read now.
        Assert.Contains($"{savedCloud.GetProperty("target").GetString()} moved since it was made (its state was {savedCloud.GetProperty("digest").GetString()}, now sha256:", refused.Error, StringComparison.Ordinal);
        Assert.Equal((1, 0), (_ec2.Reads, _ec2.Mutations));
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(refused.Output))
        {
            var drift = json.RootElement.GetProperty("drift")[0];
            Assert.StartsWith("aws " + group, drift.GetProperty("target").GetString(), StringComparison.Ordinal);
            Assert.Contains(drift.GetProperty("new").EnumerateArray(), l => l.GetString()!.Contains("tcp/5432 from 0.0.0.0/0", StringComparison.Ordinal));
        }

        // The server moving out of band makes a plan stale too.
        Assert.Equal(0, (await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--out", file])).ExitCode);
        await server.ExecAsync("ufw allow 8443/tcp >/dev/null", Ct);
        var serverMoved = await CliHarness.RunAsync(["apply", "--plan", file]);
        Assert.Equal(5, serverMoved.ExitCode);
        Assert.Contains(server.Address, serverMoved.Error, StringComparison.Ordinal);
        // What moved, in rule lines and at most a screenful: not the whole ruleset (nft -j's one line) twice.
        var moved = serverMoved.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(moved.Length < 50, serverMoved.Output);
        Assert.True(serverMoved.Output.Length < 12_000, $"{serverMoved.Output.Length} characters");
        Assert.Contains(moved, l => l.StartsWith("  + ", StringComparison.Ordinal) && l.Contains("--dport 8443", StringComparison.Ordinal));
        await server.ExecAsync("ufw delete allow 8443/tcp >/dev/null", Ct);

        // A fresh plan, applied as saved: one extra read of the cloud layer to check its digest (and one for the audit after).
        Assert.Equal(0, (await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--out", file])).ExitCode);
        _ec2.ResetCounts();
        var applied = await CliHarness.RunAsync(["apply", "--plan", file, "--no-probe", "--output", "json"]);

        Assert.True(applied.ExitCode == 0, applied.Error + applied.Output);
        Assert.Equal(2, _ec2.Reads);
        Assert.Equal([22, 80, 443, 5432], WorldPorts(group));
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(applied.Output))
        {
            Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
            // Someone else's 5432 rule was left alone; the audit afterwards says ufw alone keeps it closed.
            Assert.Contains(json.RootElement.GetProperty("audit").GetProperty("findings").EnumerateArray(),
                f => f.GetProperty("id").GetString() == "OECFW-SINGLE-LAYER" && f.GetProperty("message").GetString()!.StartsWith("PostgreSQL (5432)", StringComparison.Ordinal));
        }

        // Other flags cannot ride along with a saved plan.
        var mixed = await CliHarness.RunAsync(["apply", "--plan", file, "--host", "198.18.0.9"]);
        Assert.Equal(2, mixed.ExitCode);
    }

    /// <summary>
    /// A saved plan is what gets applied: a file whose commands were edited after review (an extra <c>; touch …</c> in a
    /// ufw command, or a cloud write taken out) is refused with exit 5 naming the line, and nothing runs or is written.
    /// </summary>
    [Fact]
    public async Task SavedPlan_EditedAfterReview_IsRefusedWithExit5NamingTheLine_AndNothingRuns()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var file = Path.Combine(server.WorkDir, "plan.json");
        Assert.Equal(0, (await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--out", file])).ExitCode);
        var saved = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, Ct))!;
        var commands = saved["server"]!["commands"]!.AsArray();
        var index = commands.Select((c, i) => (c, i)).First(x => x.c!.GetValue<string>().StartsWith("ufw ", StringComparison.Ordinal)).i;
        var original = commands[index]!.GetValue<string>();
        commands[index] = original + "; touch /tmp/oecfw-injected";
        await File.WriteAllTextAsync(Path.Combine(server.WorkDir, "edited.json"), saved.ToJsonString(), Ct);
        _ec2.ResetCounts();

        var refused = await CliHarness.RunAsync(["apply", "--plan", Path.Combine(server.WorkDir, "edited.json"), "--no-probe"]);

        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("edited after it was saved", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"the file says '{original}; touch /tmp/oecfw-injected' where the plan says '{original}'", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Mutations);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        Assert.Equal("absent", (await server.ExecAsync("test -e /tmp/oecfw-injected && echo present || echo absent", Ct)).Trim());

        // A cloud write taken out of the file: refused the same way.
        saved = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, Ct))!;
        var writes = saved["cloud"]!["writes"]!.AsArray();
        var dropped = writes[0]!.GetValue<string>();
        writes.RemoveAt(0);
        await File.WriteAllTextAsync(Path.Combine(server.WorkDir, "edited.json"), saved.ToJsonString(), Ct);
        var cloudEdited = await CliHarness.RunAsync(["apply", "--plan", Path.Combine(server.WorkDir, "edited.json"), "--no-probe"]);
        Assert.Equal(5, cloudEdited.ExitCode);
        Assert.Contains(dropped, cloudEdited.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Mutations);

        // The policy inside the file edited (443 taken out; the changes and their digest left as they were): a plan made
        // now from that policy differs, and the line is named.
        saved = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, Ct))!;
        var requirements = saved["policy"]!["requirements"]!.AsArray();
        requirements.Remove(requirements.First(r => r!["ports"]!.GetValue<string>() == "443"));
        await File.WriteAllTextAsync(Path.Combine(server.WorkDir, "edited.json"), saved.ToJsonString(), Ct);
        var policyEdited = await CliHarness.RunAsync(["apply", "--plan", Path.Combine(server.WorkDir, "edited.json"), "--no-probe"]);
        Assert.Equal(5, policyEdited.ExitCode);
        Assert.Contains("its policy now gives another plan", policyEdited.Error, StringComparison.Ordinal);
        Assert.Contains("443", policyEdited.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Mutations);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);

        // The file as saved still applies.
        var applied = await CliHarness.RunAsync(["apply", "--plan", file, "--no-probe"]);
        Assert.True(applied.ExitCode == 0, applied.Error + applied.Output);
        Assert.Equal([22, 80, 443], WorldPorts(group));
    }

    /// <summary>
    /// The server's change would cut SSH (the policy admits it only from an address that is not the operator's): the
    /// server restores its rules, the cloud layer's additions stay and are reported with the exact command that undoes
    /// them, which the real AWS CLI then runs.
    /// </summary>
    [Fact]
    public async Task Aws_ServerChangeRolledBack_Exit4_CloudChangeReportedWithItsUndo()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var before = await server.ExecAsync("iptables-save | grep -v '^#'; ufw status", Ct);

        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--ssh-source", "198.18.250.1/32", "--allow-lockout-risk", "--confirm-timeout", "4", "--output", "json"]);

        Assert.True(apply.ExitCode == 4, apply.Error + apply.Output);
        using var json = JsonDocument.Parse(apply.Output);
        Assert.Equal("server-rolled-back", json.RootElement.GetProperty("outcome").GetString());
        var created = json.RootElement.GetProperty("cloudCreated").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.NotEmpty(created);
        Assert.Equal(created.Order(), _ec2.Ingress(group).Select(r => r.RuleId).Order());
        var undo = json.RootElement.GetProperty("undo").EnumerateArray().Select(u => u.GetString()!).Single();
        Assert.Equal($"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {string.Join(' ', created)} --region eu-west-1", undo);
        Assert.Equal(before, await server.ExecAsync("iptables-save | grep -v '^#'; ufw status", Ct));
        await using (var shell = await SshShell.ConnectAsync(server.Ssh(), Ct))
        {
            Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
        }

        await AwsCliFix.RunAsync(undo, _ec2.Url, Ct);
        Assert.Empty(_ec2.Ingress(group));
    }

    [Fact]
    public async Task Azure_PlanThenApply_BothLayersEndRight_ASecondApplyWritesNothing()
    {
        await using var arm = await FakeArm.StartAsync();
        var nsg = arm.AddNsg("web-rg", "web-nsg");
        await using var server = await TestServer.StartAsync(Ct);
        string[] azure = ["--azure-nsg", "web-nsg", "-g", "web-rg", "--subscription", FakeArm.Subscription, "--azure-endpoint", arm.Url.ToString()];

        arm.ResetCounts();
        var plan = await CliHarness.RunAsync(null, arm.Connection(), ["plan", .. CliFlags.Server(server), .. azure]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Equal((1, 0), (arm.Reads, arm.Writes));
        Assert.Contains("will create oecfw-tcp-22_80_443", plan.Output, StringComparison.Ordinal);

        var apply = await CliHarness.RunAsync(null, arm.Connection(), ["apply", .. CliFlags.Server(server), .. azure, "--no-probe", "--output", "json"]);

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        var rule = Assert.Single(arm.Rules(nsg));
        Assert.StartsWith("oecfw-tcp-22_80_443", rule["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);

        arm.ResetCounts();
        var again = await CliHarness.RunAsync(null, arm.Connection(), ["apply", .. CliFlags.Server(server), .. azure, "--no-probe", "--output", "json"]);

        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Equal(0, arm.Writes);
        Assert.Single(arm.Rules(nsg));
    }

    [Fact]
    public async Task Azure_PlanThroughAVm_TheExpectedAuditIsWhatArmWouldDo_TheSubnetNsgStillDecides()
    {
        // The plan creates the NIC NSG's rule for 22, 80 and 443; the subnet's NSG admits only 22 (its DenyAllInBound
        // decides the rest): the audit the plan predicts must say so, as the one after apply does.
        await using var arm = await FakeArm.StartAsync();
        var nic = arm.AddNsg("web-rg", "vm1-nic-nsg");
        var subnet = arm.AddNsg("web-rg", "subnet-nsg", FakeArm.RuleSpec("ssh", 100, "Allow", "Tcp", "*", "22"));
        arm.AddVm("web-rg", "vm1", nic, subnet);
        await using var server = await TestServer.StartAsync(Ct);
        string[] azure = ["--azure-vm", "vm1", "-g", "web-rg", "--subscription", FakeArm.Subscription, "--azure-endpoint", arm.Url.ToString()];

        var plan = await CliHarness.RunAsync(null, arm.Connection(), ["plan", .. CliFlags.Server(server), .. azure, "--output", "json"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Equal(0, arm.Writes);
        using var json = JsonDocument.Parse(plan.Output);
        var expected = json.RootElement.GetProperty("expected").GetProperty("ports").EnumerateArray().ToList();
        JsonElement Internet(int port) => expected.Single(p => p.GetProperty("port").GetInt32() == port).GetProperty("cloud").GetProperty("fromInternetIpv4");
        Assert.True(Internet(22).GetProperty("admitted").GetBoolean(), Internet(22).ToString());
        Assert.False(Internet(443).GetProperty("admitted").GetBoolean(), Internet(443).ToString());
        Assert.Contains("subnet-nsg", Internet(443).GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains(json.RootElement.GetProperty("expected").GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-REQUIRED-BLOCKED");
    }

    /// <summary>apply --harden: the firewall, sshd's hardening and fail2ban's jail in one rollback-armed change, proven by a new key login.</summary>
    [Fact]
    public async Task Aws_ApplyWithHarden_FirewallAndSshdInOneLockoutProofChange_ThenNothingMore()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("printf 'PasswordAuthentication yes\\nPermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/50-weak.conf", Ct);
        await server.RestartSshdAsync(Ct);
        // fail2ban as its package leaves it (not running, Debian's stock jail), sshd logging to auth.log.
        await server.ExecAsync(Fail2BanInServer.InstallScript, Ct);
        await server.UseSyslogAsync(Ct);
        var group = _ec2.CreateGroup();

        var plan = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--harden"]);
        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--harden", "--no-probe", "--output", "json"]);
        var again = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--harden", "--no-probe", "--output", "json"]);
        var local = await CliHarness.RunAsync(["plan", "--local", "--harden"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Contains("rollback-armed: sshd -t", plan.Output, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        var sshd = await server.ExecAsync("sshd -T | grep -E '^(passwordauthentication|permitrootlogin) ' | sort", Ct);
        Assert.Equal("passwordauthentication no\npermitrootlogin without-password\n", sshd);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        // fail2ban's jail runs on the SSH port, its bans through UFW, the frontend this apply configured.
        Assert.Contains("banaction = ufw\n", await server.ExecAsync("cat /etc/fail2ban/jail.d/zz-oec-cloudfw-sshd.local", Ct), StringComparison.Ordinal);
        Assert.Contains("/var/log/auth.log", await server.ExecAsync("fail2ban-client status sshd", Ct), StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(apply.Output))
        {
            Assert.Equal("confirmed", json.RootElement.GetProperty("serverOutcome").GetString());
            Assert.DoesNotContain(json.RootElement.GetProperty("audit").GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() is "OECFW-SSH-PASSWORD" or "OECFW-NO-FAIL2BAN");
        }

        using (var json = JsonDocument.Parse(again.Output))
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("serverOutcome").GetString());
        }

        Assert.Equal(2, local.ExitCode);
    }

    /// <summary>
    /// The plan saves the policy itself: a policy file edited after the plan was saved (8072 added) changes nothing in
    /// what apply --plan does: the saved policy's changes are applied, in both layers, and the audit holds the server to it.
    /// </summary>
    [Fact]
    public async Task SavedPlan_PolicyFileEditedAfterwards_TheSavedPolicyIsApplied()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var policy = Path.Combine(server.WorkDir, "oec-cloudfw.yaml");
        var file = Path.Combine(server.WorkDir, "plan.json");
        await File.WriteAllTextAsync(policy, "version: 1\noptional:\n  - port: \"19999\"\n", Ct);
        Assert.Equal(0, (await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(_ec2, group), "--policy", policy, "--out", file])).ExitCode);
        await File.WriteAllTextAsync(policy, "version: 1\noptional:\n  - port: \"8072\"\n", Ct);

        var applied = await CliHarness.RunAsync(["apply", "--plan", file, "--no-probe", "--output", "json"]);

        Assert.True(applied.ExitCode is 0 or 1, applied.Error + applied.Output);
        Assert.Equal([22, 80, 443, 19999], WorldPorts(group));
        var ufw = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("19999/tcp", ufw, StringComparison.Ordinal);
        Assert.DoesNotContain("8072", ufw, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(applied.Output);
        Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
        // The audit afterwards holds the server to the saved policy: 19999 wanted, 8072 not.
        var wanted = json.RootElement.GetProperty("audit").GetProperty("ports").EnumerateArray()
            .Where(p => p.GetProperty("wanted").GetBoolean()).Select(p => p.GetProperty("port").GetInt32()).ToList();
        Assert.Contains(19999, wanted);
        Assert.DoesNotContain(8072, wanted);
        // The server records the policy that was applied, the saved one.
        Assert.Contains("19999", await server.ExecAsync("cat /etc/oec-cloudfw/applied-policy.yaml", Ct), StringComparison.Ordinal);
    }

    /// <summary>An inventory entry as the target: its connection, its cloud layer and its policy file; the saved plan applies it.</summary>
    [Fact]
    public async Task InventoryEntry_PlannedAndAppliedAsSaved()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var inventory = Path.Combine(server.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"""
            defaults:
              aws_region: eu-west-1
              aws_endpoint_url: {_ec2.Url}
            servers:
              - host: 198.18.0.77
                aws_groups: [sg-00000000000000001]
              - host: {server.Address}
                identity: {server.ClientKey}
                known_hosts: {server.KnownHosts}
                aws_groups: [{group}]
            """, Ct);
        var file = Path.Combine(server.WorkDir, "plan.json");

        var plan = await CliHarness.RunAsync(["plan", "--inventory", inventory, "--server", server.Address, "--out", file]);
        var apply = await CliHarness.RunAsync(["apply", "--plan", file, "--no-probe"]);
        var mixed = await CliHarness.RunAsync(["plan", "--inventory", inventory, "--server", server.Address, "--host", server.Address]);
        var unknown = await CliHarness.RunAsync(["plan", "--inventory", inventory, "--server", "198.18.0.99"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        Assert.Equal([22, 80, 443], WorldPorts(group));
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        Assert.Equal((2, 2), (mixed.ExitCode, unknown.ExitCode));
    }

    [Fact]
    public async Task BadInput_Exit2_BeforeAnythingIsRead()
    {
        var group = _ec2.CreateGroup();
        _ec2.ResetCounts();

        var noServer = await CliHarness.RunAsync(["plan", .. CliFlags.Aws(_ec2, group)]);
        var twoClouds = await CliHarness.RunAsync(["plan", "--host", "198.18.0.9", .. CliFlags.Aws(_ec2, group), "--azure-nsg", "n", "-g", "rg"]);
        var badBackend = await CliHarness.RunAsync(["apply", "--host", "198.18.0.9", .. CliFlags.Aws(_ec2, group), "--backend", "pf"]);
        var notAPlan = await CliHarness.RunAsync(["apply", "--plan", "/etc/hostname"]);
        var v2 = Path.Combine(Path.GetTempPath(), $"oecfw-v2-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(v2, """{"schema":"oec-cloudfw/plan/v2","arguments":["--host","198.18.0.9"],"planDigest":"sha256:00"}""", Ct);
        var older = await CliHarness.RunAsync(["apply", "--plan", v2]);
        var missing = Path.Combine(Path.GetTempPath(), $"oecfw-v3-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(missing, """{"schema":"oec-cloudfw/plan/v3","noChange":false,"planDigest":"sha256:00"}""", Ct);
        var incomplete = await CliHarness.RunAsync(["apply", "--plan", missing]);
        File.Delete(v2);
        File.Delete(missing);

        Assert.Equal([2, 2, 2, 2, 2, 2], new[] { noServer.ExitCode, twoClouds.ExitCode, badBackend.ExitCode, notAPlan.ExitCode, older.ExitCode, incomplete.ExitCode });
        Assert.Contains("run plan --out again", older.Error, StringComparison.Ordinal);
        Assert.Contains("is not a valid saved plan", incomplete.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("OecCloudFw.", incomplete.Error, StringComparison.Ordinal);
        Assert.Equal(0, _ec2.Reads + _ec2.Mutations);
    }
}
