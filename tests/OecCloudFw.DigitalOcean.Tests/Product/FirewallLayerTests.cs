using System.Net;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Product;

/// <summary>
/// The layer end to end through Core's seam (CloudOpen, CloudClose, Findings) against the fake DigitalOcean API over
/// real HTTP: additive, idempotent, only the tool's own rules removed, limits before writing, the provider's errors
/// in its words, polling and retries on a fake clock.
/// </summary>
public sealed class FirewallLayerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FirewallPolicy Policy(params string[] sshSources) =>
        sshSources.Length == 0 ? FirewallPolicy.Default : PolicyBuilder.Build(new PolicyOptions { SshSources = sshSources });

    private static DoFirewall? Own(TestBed bed) => bed.Fake.Firewalls.SingleOrDefault(f => f.Name == $"oecfw-{TestBed.DropletId}");

    private static async Task<string> RawAsync(TestBed bed, string id)
    {
        using var http = FakeHttp.Client(bed.Fake);
        var (_, body, _) = await http.GetJsonAsync($"v2/firewalls/{id}");
        return body!.ToJsonString();
    }

    [Fact]
    public async Task Open_DefaultPolicyNoFirewall_CreatesOwnFirewallWithOutboundOpen_SecondOpenWritesNothing()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();

        var first = await bed.RunAsync(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct));

        var own = Own(bed);
        Assert.NotNull(own);
        Assert.Equal([TestBed.DropletId], own.DropletIds);
        var wanted = FirewallPolicy.Default.DesiredRules();
        Assert.Equal(wanted.Count, own.Inbound.Count);
        Assert.All(wanted, w => Assert.Contains(own.Inbound, r => r.Target.Addresses.SequenceEqual([w.Source.ToString()])));
        // No firewall applied before: outbound stays open (a firewall with no outbound rules would cut every outbound connection).
        Assert.Equal(["icmp", "tcp", "udp"], own.Outbound.Select(r => r.Protocol).Order());
        Assert.Contains(first.Plan.Writes, w => w.Contains("becomes CLOSED", StringComparison.Ordinal));
        Assert.Contains(first.Created, c => c.StartsWith($"firewall oecfw-{TestBed.DropletId}", StringComparison.Ordinal));
        Assert.Empty(first.StillClosed);
        Assert.Equal(Decision.Admitted, layer.PlannedView(first.State, first.Plan).EvaluateEgress(Protocol.Tcp, 443, Cidr.Parse("192.0.2.1/32")).Decision);

        var writes = bed.Fake.Writes;
        var second = await bed.RunAsync(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct));

        Assert.Equal(writes, bed.Fake.Writes);
        Assert.True(second.Plan.IsNoOp || !second.Plan.Opens);
        Assert.Empty(second.Created);
        Assert.Equal(1, bed.Fake.Calls("firewalls_create"));
    }

    [Fact]
    public async Task Open_ForeignFirewallApplies_AddsOnlyWhatIsMissing_ForeignFirewallByteEqual_NoOutboundAdded()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        var before = await RawAsync(bed, TestBed.ForeignId);
        using var layer = bed.Layer("web-1");

        var result = await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: true, dryRun: false, Ct));

        Assert.Equal(before, await RawAsync(bed, TestBed.ForeignId));
        var own = Own(bed)!;
        Assert.Empty(own.Outbound); // the foreign firewall's outbound rules already decide: nothing widened
        Assert.DoesNotContain(own.Inbound, r => r.Ports == "22" && r.Target.Addresses.Contains("0.0.0.0/0"));
        Assert.Contains(result.Plan.Changes.Extra, r => r.Ports == PortRange.Single(5432) && r.Origin == RuleOrigin.Foreign);
        Assert.Empty(result.Removed);
    }

    [Fact]
    public async Task Open_Prune_RemovesOnlyOwnRulesThePolicyNoLongerWants()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        var foreign = await RawAsync(bed, TestBed.ForeignId);

        var moved = await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.8/32"), prune: true, dryRun: false, Ct));

        var own = Own(bed)!;
        Assert.Contains(own.Inbound, r => r.Ports == "22" && r.Target.Addresses.SequenceEqual(["203.0.113.8/32"]));
        Assert.DoesNotContain(own.Inbound, r => r.Target.Addresses.Contains("203.0.113.7/32"));
        Assert.Single(moved.Removed);
        Assert.Equal(foreign, await RawAsync(bed, TestBed.ForeignId));
    }

    [Fact]
    public async Task Close_SshPort_RemovesOwnRule_LeavesForeignAndSaysStillOpen()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        var foreign = await RawAsync(bed, TestBed.ForeignId);

        var closed = await bed.RunAsync(() => CloudClose.RunAsync(layer, CloseSelection.TcpPort(22), dryRun: false, Ct));

        Assert.DoesNotContain(Own(bed)!.Inbound, r => r.Ports == "22");
        Assert.Equal(foreign, await RawAsync(bed, TestBed.ForeignId));
        Assert.Single(closed.Removed);
        Assert.Equal(2, closed.LeftForeign.Count); // team-fw's 0.0.0.0/0 and ::/0
        Assert.True(closed.StillOpen);
        Assert.Equal(1, bed.Fake.Calls("firewalls_delete_rules"));
    }

    [Fact]
    public async Task Open_ConcurrentWriterAddedARuleMeanwhile_AddsOnlyTheRest()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        var state = await layer.ReadAsync(Ct);
        var plan = layer.Plan(state, Policy("203.0.113.7/32", "203.0.113.9/32"), prune: false);
        Assert.Single(plan.Changes.ToAdd);
        using (var http = FakeHttp.Client(bed.Fake))
        {
            var (status, _, _) = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{Own(bed)!.Id}/rules",
                """{"inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":["203.0.113.9/32"]}}]}""");
            Assert.Equal(HttpStatusCode.NoContent, status);
        }

        var adds = bed.Fake.Calls("firewalls_add_rules");
        var opened = await bed.RunAsync(() => layer.OpenAsync(plan, Ct));

        Assert.Empty(opened.Created);
        Assert.Equal(adds, bed.Fake.Calls("firewalls_add_rules"));
        Assert.NotNull(opened.Carried);
        Assert.Single(Own(bed)!.Inbound, r => r.Target.Addresses.Contains("203.0.113.9/32"));
    }

    [Fact]
    public async Task Open_BeyondFiftyRules_RefusedBeforeWriting_NamingTheLimit()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddFirewall(new DoFirewall("0f0e8d3c-1111-4a4a-9b9b-000000000001", $"oecfw-{TestBed.DropletId}",
            [.. Enumerable.Range(1, 49).Select(i => new DoRule("tcp", $"{10000 + i}", DoTarget.Of("192.0.2.1/32")))], [], [TestBed.DropletId], []));
        using var layer = bed.Layer();

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct)));

        Assert.Contains("at most 50 inbound and outbound rules", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, bed.Fake.Writes);
    }

    [Fact]
    public async Task Open_NamedForeignFirewall_RefusedAsBadInputBeforeWriting()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        using var layer = bed.Layer(firewall: "team-fw");

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));

        Assert.Contains("not created by oec-cloudfw", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, bed.Fake.Writes);
    }

    [Fact]
    public async Task Open_DryRunNoFirewall_PlannedViewClosesEveryOtherPort_NothingWritten()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();

        var result = await CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: true, Ct);

        Assert.Equal(0, bed.Fake.Writes);
        Assert.Equal(Decision.Admitted, result.State.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Decision);
        var planned = layer.PlannedView(result.State, result.Plan);
        Assert.Equal(Decision.Refused, planned.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Admitted, planned.Evaluate(Protocol.Tcp, 22, Cidr.Parse("203.0.113.7/32")).Decision);
        Assert.Equal(Decision.Refused, planned.Evaluate(Protocol.Tcp, 22, Cidr.Parse("203.0.113.8/32")).Decision);
        Assert.Equal(Decision.Admitted, planned.EvaluateEgress(Protocol.Udp, 53, Cidr.Parse("192.0.2.53/32")).Decision);
    }

    [Fact]
    public async Task Open_Provider422_InItsWords_NothingClaimed()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        bed.Fake.FailNext("firewalls_add_rules", 1, 422);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32", "203.0.113.9/32"), prune: false, dryRun: false, Ct)));

        Assert.Contains($"DigitalOcean rejected the change to firewall {Own(bed)!.Id} (422 unprocessable_entity: injected failure of firewalls_add_rules", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Own(bed)!.Inbound, r => r.Target.Addresses.Contains("203.0.113.9/32"));
    }

    [Fact]
    public async Task Open_PruneFailsAfterAdding_SaysWhatWasAlreadyCreatedAndItsUndo()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        bed.Fake.FailNext("firewalls_delete_rules", 1, 500);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.8/32"), prune: true, dryRun: false, Ct)));

        var id = Own(bed)!.Id;
        Assert.Contains("500 server_error: injected failure of firewalls_delete_rules", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"already done before that: created inbound tcp/22 from 203.0.113.8/32 in oecfw-{TestBed.DropletId} ({id})", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"doctl compute firewall remove-rules {id} --inbound-rules \"protocol:tcp,ports:22,address:203.0.113.8/32\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Own(bed)!.Inbound, r => r.Target.Addresses.Contains("203.0.113.7/32"));
    }

    [Fact]
    public async Task Close_OwnRuleWithTwoAddresses_RemovesOneAddsTheOtherBack()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddFirewall(new DoFirewall("0f0e8d3c-1111-4a4a-9b9b-000000000002", $"oecfw-{TestBed.DropletId}",
            [new DoRule("tcp", "8080", DoTarget.Of("192.0.2.1/32", "192.0.2.2/32"))], [new DoRule("tcp", "all", DoTarget.Of("0.0.0.0/0"))], [TestBed.DropletId], []));
        using var layer = bed.Layer();

        var closed = await bed.RunAsync(() => CloudClose.RunAsync(layer, new CloseSelection([PortRange.Single(8080)], [Cidr.Parse("192.0.2.1/32")], Protocol.Tcp), dryRun: false, Ct));

        var rule = Assert.Single(Own(bed)!.Inbound);
        Assert.Equal(["192.0.2.2/32"], rule.Target.Addresses);
        Assert.Single(closed.Removed);
        Assert.Single(Own(bed)!.Outbound);
    }

    [Fact]
    public async Task Read_FirewallByNameOrId_TheSameFirewallJudgedAlone()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        using var byName = bed.Layer(firewall: "team-fw");
        using var byId = bed.Layer(firewall: TestBed.ForeignId);

        var a = await byName.ReadAsync(Ct);
        var b = await byId.ReadAsync(Ct);

        Assert.Equal(a.Lines, b.Lines);
        Assert.Equal("digitalocean firewall team-fw", a.Target);
        Assert.Null(a.Snapshot.WriteTo);
        Assert.Equal(Decision.Admitted, a.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv6).Decision);
        Assert.Contains(a.View.Assumptions, x => x.Contains("no droplet was named", StringComparison.Ordinal));
        Assert.Equal(1, bed.Fake.Calls("firewalls_list"));
        Assert.Equal(1, bed.Fake.Calls("firewalls_get"));
    }

    [Fact]
    public async Task Read_TwoDropletsOfTheSameName_BadInputAskingForTheId()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddDroplet(3164446, "web-1", "198.51.100.30");
        using var layer = bed.Layer("web-1");

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => layer.ReadAsync(Ct));

        Assert.Equal("2 droplets are named web-1 (ids 3164444, 3164446): give --droplet ID", ex.Message);
        Assert.Contains("no droplet is named nope", (await Assert.ThrowsAsync<LayerFailureException>(() => bed.Layer("nope").ReadAsync(Ct))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "DigitalOcean refused the token (401 unauthorized: Unable to authenticate you.")]
    [InlineData(404, "not found at DigitalOcean (404 not_found")]
    public async Task Read_ProviderErrors_InTheProvidersWords(int status, string expected)
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = status == 401 ? bed.Layer(token: "dop_v1_wrong") : bed.Layer("99999");

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => layer.ReadAsync(Ct));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ReadOnlyToken_403SaysTheTokenMayNotChangeIt()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer(token: DigitalOceanFake.ReadOnlyToken);

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct)));

        Assert.Contains("may not change firewall oecfw-", ex.Message, StringComparison.Ordinal);
        Assert.Contains("403 forbidden: You do not have access for the attempted action.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("write scope", ex.Message, StringComparison.Ordinal);
        Assert.Empty(bed.Fake.Firewalls);
    }

    [Fact]
    public async Task Read_HourlyRateLimitSpent_429SaysWhenItResets()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.RateLimitRemaining = 0;
        using var layer = bed.Layer();

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => layer.ReadAsync(Ct));

        Assert.Contains("rate limit is reached (429 too_many_requests: API Rate limit exceeded.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it resets at 2026-12-07 13:00:00 UTC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_BurstLimit_WaitsRetryAfterOnTheClock_ThenSucceeds()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.RateLimitNext(1, retryAfterSeconds: 29);
        using var layer = bed.Layer();
        var started = bed.Time.GetUtcNow();

        var state = await bed.RunAsync(() => layer.ReadAsync(Ct));

        Assert.True(bed.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(29));
        Assert.NotEmpty(state.Lines);
    }

    [Fact]
    public async Task Read_BurstLimitEveryTime_StopsAfterTheRetries()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.RateLimitNext(10, retryAfterSeconds: 5);
        using var layer = bed.Layer();

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => layer.ReadAsync(Ct)));

        Assert.Contains("429 too_many_requests", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ChangeSettlesAsFailed_SaysWhatWasWrittenAndTheUndo()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.SettleAfterReads = 3;
        bed.Fake.FailNextApply();
        using var layer = bed.Layer();

        var ex = await Assert.ThrowsAsync<LayerFailureException>(() => bed.RunAsync(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct)));

        var id = Own(bed)!.Id;
        Assert.Contains("as failed (status failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"already written: firewall oecfw-{TestBed.DropletId} ({id})", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"doctl compute firewall delete {id} --force", ex.Message, StringComparison.Ordinal);
        Assert.True(bed.Fake.Calls("firewalls_get") >= 4);
    }

    [Fact]
    public async Task UndoCommands_RulesAddedToOwnFirewall_AreTheExactDoctlRemoveRules()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("203.0.113.7/32"), prune: false, dryRun: false, Ct));
        var state = await layer.ReadAsync(Ct);
        var plan = layer.Plan(state, Policy("203.0.113.7/32", "203.0.113.9/32"), prune: false);

        var opened = await bed.RunAsync(() => layer.OpenAsync(plan, Ct));

        var id = Own(bed)!.Id;
        Assert.Equal([$"doctl compute firewall remove-rules {id} --inbound-rules \"protocol:tcp,ports:22,address:203.0.113.9/32\""], layer.UndoCommands(plan, opened));
    }

    [Fact]
    public async Task Findings_SshAndDatabaseOpenToTheInternet_ExactFixes()
    {
        await using var bed = await TestBed.StartAsync();
        bed.AddForeignFirewall();
        using var layer = bed.Layer();
        var state = await layer.ReadAsync(Ct);

        var findings = layer.Findings(state);

        var ssh = Assert.Single(findings, f => f.Id == FindingIds.SshOpenToInternet);
        Assert.Contains("team-fw inbound rule 1", ssh.Evidence, StringComparison.Ordinal);
        Assert.Equal($"oec-cloudfw digitalocean open --droplet {TestBed.DropletId} --port 22 --ssh-source <management-ip>/32", ssh.Fixes[0]);
        Assert.Contains($"doctl compute firewall remove-rules {TestBed.ForeignId} --inbound-rules \"protocol:tcp,ports:22,address:0.0.0.0/0,address:::/0\"", ssh.Fixes);
        var db = Assert.Single(findings, f => f.Id == FindingIds.PortOpenToInternet && f.Message.Contains("5432", StringComparison.Ordinal));
        Assert.Contains($"doctl compute firewall remove-rules {TestBed.ForeignId} --inbound-rules \"protocol:tcp,ports:5432,address:0.0.0.0/0\"", db.Fixes);
        Assert.Equal(
            [
                $"oec-cloudfw digitalocean open --droplet {TestBed.DropletId} --port 443 --source 203.0.113.7/32",
                $"doctl compute firewall create --name oecfw-{TestBed.DropletId} --droplet-ids {TestBed.DropletId} --inbound-rules \"protocol:tcp,ports:443,address:203.0.113.7/32\"",
            ],
            Fix.CommandsOf(layer.Fixes(state, FixKind.CloudOpen, 443, [Cidr.Parse("203.0.113.7/32")])));
    }

    [Fact]
    public async Task Findings_OwnRuleOpensSsh_ToolsCloseFirst()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        await bed.RunAsync(() => CloudOpen.RunAsync(layer, Policy("0.0.0.0/0"), prune: false, dryRun: false, Ct));

        var findings = layer.Findings(await layer.ReadAsync(Ct));

        var ssh = Assert.Single(findings, f => f.Id == FindingIds.SshOpenToInternet);
        Assert.Contains($"oec-cloudfw digitalocean close --droplet {TestBed.DropletId} --port 22", ssh.Fixes);
        Assert.Contains(ssh.Fixes, f => f.StartsWith($"doctl compute firewall remove-rules {Own(bed)!.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task View_Egress_Smtp25BlockedByTheProvider_NotBlamedOnARule()
    {
        await using var bed = await TestBed.StartAsync();
        using var layer = bed.Layer();
        var state = await layer.ReadAsync(Ct);

        var smtp = state.View.EvaluateEgress(Protocol.Tcp, 25, Cidr.Parse("192.0.2.25/32"));
        var https = state.View.EvaluateEgress(Protocol.Tcp, 443, Cidr.Parse("192.0.2.25/32"));

        Assert.Equal(Decision.Refused, smtp.Decision);
        Assert.Contains("blocked by the provider (request an unblock)", smtp.Evidence, StringComparison.Ordinal);
        Assert.Equal(Decision.Admitted, https.Decision);
        Assert.Contains("no cloud firewall applies", https.Evidence, StringComparison.Ordinal);
        Assert.Contains(Fix.CommandsOf(layer.Fixes(state, FixKind.CloudEgress, 25, [Cidr.Parse("192.0.2.25/32")])), f => f.Contains("request an unblock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task View_FirewallWithoutOutboundRules_RefusesEveryOutboundConnection()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddFirewall(new DoFirewall(TestBed.ForeignId, "in-only", [new DoRule("tcp", "22", DoTarget.Of("0.0.0.0/0"))], [], [], ["web"]));
        using var layer = bed.Layer();
        var state = await layer.ReadAsync(Ct);

        var https = state.View.EvaluateEgress(Protocol.Tcp, 443, Cidr.Parse("192.0.2.25/32"));

        Assert.Equal(Decision.Refused, https.Decision);
        Assert.Contains("permits no outbound traffic", https.Evidence, StringComparison.Ordinal);
        Assert.Equal(Decision.Refused, state.View.Evaluate(Protocol.Tcp, 80, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Admitted, state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Decision);
    }

    [Fact]
    public async Task View_TagSourceAndLoadBalancer_TagMembersAdmitted_LoadBalancerIndeterminate()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddLoadBalancer(new DoAddressedResource("4de7ac8b-495b-4884-9a69-1050c6793cd6", ["192.0.2.200"]));
        bed.Fake.AddFirewall(new DoFirewall(TestBed.ForeignId, "mixed",
            [new DoRule("tcp", "443", new DoTarget([], [], ["db"], [], [])), new DoRule("tcp", "80", new DoTarget([], [], [], ["4de7ac8b-495b-4884-9a69-1050c6793cd6"], []))], [], [TestBed.DropletId], []));
        using var layer = bed.Layer();
        var state = await layer.ReadAsync(Ct);

        Assert.Equal(Decision.Admitted, state.View.Evaluate(Protocol.Tcp, 443, Cidr.Parse("198.51.100.20/32")).Decision);
        Assert.Equal(Decision.Refused, state.View.Evaluate(Protocol.Tcp, 443, Cidr.Parse("198.51.100.21/32")).Decision);
        var lb = state.View.Evaluate(Protocol.Tcp, 80, Cidr.Parse("192.0.2.200/32"));
        Assert.Equal(Decision.Indeterminate, lb.Decision);
        Assert.Contains("load balancer 4de7ac8b", lb.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_DropletWithoutIPv6_NotReachableOverIPv6_LatentSaid()
    {
        await using var bed = await TestBed.StartAsync();
        bed.Fake.AddFirewall(new DoFirewall(TestBed.ForeignId, "open", [new DoRule("tcp", "22", DoTarget.Of("::/0"))], [], [3164445], []));
        using var layer = bed.Layer("db-1");
        var state = await layer.ReadAsync(Ct);

        var v6 = state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv6);

        Assert.Equal(Decision.Refused, v6.Decision);
        Assert.Contains("has no IPv6 address", v6.Evidence, StringComparison.Ordinal);
        Assert.Equal(Decision.Admitted, v6.Latent?.Decision);
    }

    [Fact]
    public async Task Read_Paginated_FollowsLinksToTheEnd_LinesSortedAndStable()
    {
        await using var bed = await TestBed.StartAsync();
        for (var i = 0; i < 205; i++)
        {
            bed.Fake.AddDroplet(5000000 + i, $"extra-{i}", $"192.0.2.{i % 250}", null, null, "web");
        }

        bed.AddForeignFirewall();
        using var layer = bed.Layer();

        var a = await layer.ReadAsync(Ct);
        var b = await layer.ReadAsync(Ct);

        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.Lines.Order(StringComparer.Ordinal), a.Lines);
        Assert.Equal(207, a.Snapshot.Droplets.Count);
        // A droplet on the second page carries tag web: a rule from tag web would admit it; team-fw's 443 is from tag db.
        Assert.Equal(Decision.Refused, a.View.Evaluate(Protocol.Tcp, 443, Cidr.Parse("192.0.2.204/32")).Decision);
    }

    [Fact]
    public void Provider_NoToken_BadInputNamingTheVariable()
    {
        var provider = new DigitalOceanProvider();
        var values = new Core.Providers.ProviderSettings(new Dictionary<string, IReadOnlyList<string>> { ["droplet"] = ["web-1"] }, n => "--do-" + n);

        var ex = Assert.Throws<InvalidInputException>(() => provider.Validate(values, new NoEnv()));

        Assert.Contains("DIGITALOCEAN_ACCESS_TOKEN is not set", ex.Message, StringComparison.Ordinal);
        var both = new Core.Providers.ProviderSettings(new Dictionary<string, IReadOnlyList<string>> { ["droplet"] = ["web-1"], ["firewall"] = ["fw"] }, n => "--do-" + n);
        Assert.Contains("--do-droplet and --do-firewall are both given", Assert.Throws<InvalidInputException>(() => provider.Validate(both, new NoEnv())).Message, StringComparison.Ordinal);
        Assert.Equal("do-endpoint", provider.Settings.Single(s => s.Name == "endpoint-url").LayerFlagFor(provider.Prefix));
        Assert.Equal("do_droplet", provider.Settings.Single(s => s.Name == "droplet").InventoryKeyFor(provider.Prefix));
    }

    private sealed class NoEnv : IEnvironment
    {
        public string? Variable(string name) => null;
    }
}
