using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Hetzner.Tests.Fake;
using OecCloudFw.Hetzner.Tests.Oracle;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>
/// The layer through the seam (CloudOpen, CloudClose, Findings) against the fake over real HTTP: what is written, what
/// is left exactly as it was, what a concurrent writer, a limit or an API error does; delays on an instant clock.
/// </summary>
public sealed class HetznerLayerEndToEndTests
{
    private const string SetRules = "/firewalls/{id}/actions/set_rules";
    private static readonly HzRule Ssh = HzRule.In("tcp", "22", "0.0.0.0/0", "::/0") with { Description = "ssh from anywhere" };
    private static readonly HzRule[] Foreign =
    [
        Ssh,
        new("in", "udp", "53", ["10.0.0.0/8"], [], null),
        HzRule.In("esp", null, "198.51.100.7/32"),
        HzRule.In("tcp", "5000-5010", "192.0.2.0/24") with { Description = "partner" },
    ];

    private readonly InstantClock _clock = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (long Server, long Firewall) SeedWeb(HetznerFake fake, IEnumerable<HzRule>? rules = null)
    {
        var server = fake.AddServer("web-1", "203.0.113.10", "2001:db8:1::/64");
        var firewall = fake.AddFirewall("fw-web", rules ?? Foreign, servers: [server]);
        return (server, firewall);
    }

    /// <summary>The firewall's rules exactly as the API serves them (JSON text, in order).</summary>
    private static async Task<List<string>> RulesJsonAsync(HetznerFake fake, long firewall)
    {
        using var client = fake.CreateClient();
        var body = JsonNode.Parse(await client.GetStringAsync(new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative), Ct))!;
        return [.. body["firewall"]!["rules"]!.AsArray().Select(r => r!.ToJsonString())];
    }

    private static HetznerVerdict Oracle(HetznerFake fake, long server, string protocol, int port, string peer, bool inbound = true) =>
        HetznerOracle.Evaluate(fake.Snapshot(server), protocol, port, IPAddress.Parse(peer), inbound);

    [Fact]
    public async Task Open_DefaultPolicy_AddsOnlyWhatIsMissing_OthersRulesByteEqual_SecondOpenWritesNothing()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (server, firewall) = SeedWeb(fake);
        var before = await RulesJsonAsync(fake, firewall);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        var first = await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct);

        var wanted = FirewallPolicy.Default.DesiredRules();
        var missing = wanted.Where(w => !(w.Protocol == Protocol.Tcp && w.Ports == PortRange.Single(22) && w.Source.IsInternet)).ToList();
        Assert.True(missing.Count > 0);
        Assert.Equal(missing.Count, first.Created.Count);
        Assert.Equal(1, fake.Count("POST", SetRules));
        var after = await RulesJsonAsync(fake, firewall);
        Assert.Equal(before, after.Take(before.Count));
        var own = fake.GetFirewall(firewall)!.Rules.Skip(before.Count).ToList();
        Assert.Equal(missing.Count, own.Count);
        Assert.All(own, r => Assert.StartsWith("oec-cloudfw:", r.Description, StringComparison.Ordinal));
        Assert.All(own, r => Assert.Single(r.SourceIps));
        Assert.Contains(first.Plan.Changes.Changes, c => c.Kind == Core.Planning.ChangeKind.Keep && c.Rule.Ports == PortRange.Single(22));
        Assert.Empty(first.StillClosed);
        Assert.Equal(0, fake.RunningActions);
        foreach (var rule in missing)
        {
            Assert.Equal(HetznerVerdict.Admitted, Oracle(fake, server, "tcp", rule.Ports.From, rule.Source.Family == IpFamily.IPv4 ? "8.8.8.8" : "2a00::1"));
        }

        var writes = fake.Writes;
        var second = await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct);
        Assert.Empty(second.Created);
        Assert.True(second.Plan.IsNoOp);
        Assert.Equal(writes, fake.Writes);
        Assert.Equal(1, fake.Count("POST", SetRules));
        Assert.NotEqual(first.State.Digest, second.State.Digest);
        Assert.Equal(second.State.Lines.Order(StringComparer.Ordinal), second.State.Lines);
    }

    [Fact]
    public async Task Open_WithPrune_RemovesOnlyTheToolsOwnRulesThePolicyNoLongerWants()
    {
        await using var fake = await HetznerFake.StartAsync();
        HzRule ownOld = HzRule.In("tcp", "8080", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/8080 from 0.0.0.0/0" };
        HzRule theirs = HzRule.In("tcp", "9090", "0.0.0.0/0") with { Description = "metrics (someone else's)" };
        var (server, firewall) = SeedWeb(fake, [.. Foreign, ownOld, theirs]);
        var before = await RulesJsonAsync(fake, firewall);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1", firewall: "fw-web");

        var result = await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: true, dryRun: false, Ct);

        Assert.Contains(result.Removed, id => id.Contains("tcp/8080", StringComparison.Ordinal));
        var after = await RulesJsonAsync(fake, firewall);
        Assert.DoesNotContain(after, r => r.Contains("\"8080\"", StringComparison.Ordinal));
        Assert.Equal(before.Where(r => !r.Contains("\"8080\"", StringComparison.Ordinal)), after.Take(before.Count - 1));
        Assert.Equal(HetznerVerdict.Admitted, Oracle(fake, server, "tcp", 9090, "8.8.8.8"));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Oracle(fake, server, "tcp", 8080, "8.8.8.8"));
    }

    [Fact]
    public async Task CloseSsh_RemovesTheToolsRule_LeavesAndNamesSomeoneElses()
    {
        await using var fake = await HetznerFake.StartAsync();
        HzRule own = HzRule.In("tcp", "22", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/22 from 0.0.0.0/0" };
        HzRule office = HzRule.In("tcp", "22", "203.0.113.0/24") with { Description = "office" };
        var (server, firewall) = SeedWeb(fake, [office, own, HzRule.In("tcp", "443", "0.0.0.0/0")]);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        var result = await CloudClose.RunAsync(layer, CloseSelection.TcpPort(22), dryRun: false, Ct);

        var removed = Assert.Single(result.Removed);
        Assert.Equal(Cidr.AnyIPv4, removed.Source);
        Assert.Contains(result.LeftForeign, r => r.Source == Cidr.Parse("203.0.113.0/24"));
        Assert.True(result.StillOpen);
        var rules = fake.GetFirewall(firewall)!.Rules;
        Assert.Equal(["office", null], rules.Select(r => r.Description));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Oracle(fake, server, "tcp", 22, "8.8.8.8"));
        Assert.Equal(HetznerVerdict.Admitted, Oracle(fake, server, "tcp", 22, "203.0.113.7"));

        var writes = fake.Writes;
        var again = await CloudClose.RunAsync(layer, CloseSelection.TcpPort(22), dryRun: false, Ct);
        Assert.Empty(again.Removed);
        Assert.Equal(writes, fake.Writes);
    }

    [Fact]
    public async Task SomeoneWritesBetweenTheReadAndTheWrite_TheirRuleIsKept_AndTheOpenIsPlannedAgain()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (server, firewall) = SeedWeb(fake);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var state = await layer.ReadAsync(Ct);
        var plan = layer.Plan(state, FirewallPolicy.Default, prune: false);

        // Someone else adds tcp/80 from everywhere (which the plan was going to add) and an API port of their own.
        await SomeoneAddsAsync(fake, firewall, HzRule.In("tcp", "80", "0.0.0.0/0") with { Description = "web (theirs)" }, HzRule.In("tcp", "8443", "0.0.0.0/0"));
        var opened = await layer.OpenAsync(plan, Ct);

        Assert.NotNull(opened.Carried);
        Assert.DoesNotContain(opened.Carried!.ToAdd, r => r.Ports == PortRange.Single(80) && r.Source == Cidr.AnyIPv4);
        var rules = fake.GetFirewall(firewall)!.Rules;
        Assert.Contains(rules, r => r.Description == "web (theirs)");
        Assert.Contains(rules, r => r.Port == "8443");
        Assert.Single(rules, r => r.Port == "80" && r.SourceIps.SequenceEqual(["0.0.0.0/0"]));
        Assert.Equal(HetznerVerdict.Admitted, Oracle(fake, server, "tcp", 8443, "8.8.8.8"));
    }

    [Fact]
    public async Task SomeoneWritesRightAfterTheToolsWrite_IsDetectedAndSaid()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (_, firewall) = SeedWeb(fake);
        using var rival = new RivalWriter(fake, firewall);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1", transport: rival);

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct));

        Assert.Contains("was changed by someone else while the tool wrote it", error.Message, StringComparison.Ordinal);
        Assert.Contains("hcloud firewall describe fw-web", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, fake.Count("POST", SetRules));
    }

    [Fact]
    public async Task RulesLimit_IsCheckedBeforeWriting_NamingTheLimit()
    {
        await using var fake = await HetznerFake.StartAsync();
        var many = Enumerable.Range(0, 49).Select(i => HzRule.In("tcp", (10000 + i).ToString(CultureInfo.InvariantCulture), $"192.0.2.{i.ToString(CultureInfo.InvariantCulture)}/32")).ToList();
        SeedWeb(fake, many);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct));

        Assert.Contains("Hetzner allows 50 rules per firewall", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.Writes);
    }

    [Fact]
    public async Task ApiErrors_AreSaidWithTheProvidersMessage_NeverATypeName()
    {
        await using var fake = await HetznerFake.StartAsync();
        SeedWeb(fake);

        using (var wrong = HetznerHarness.Layer(fake, _clock, server: "web-1", token: "not-a-token"))
        {
            var error = await Assert.ThrowsAsync<LayerFailureException>(() => wrong.ReadAsync(Ct));
            Assert.Contains("HTTP 401 unauthorized: unable to authenticate", error.Message, StringComparison.Ordinal);
            Assert.Contains("HCLOUD_TOKEN", error.Message, StringComparison.Ordinal);
        }

        using (var readOnly = HetznerHarness.Layer(fake, _clock, server: "web-1", token: fake.ReadOnlyToken))
        {
            var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(readOnly, FirewallPolicy.Default, prune: false, dryRun: false, Ct));
            Assert.Contains("HTTP 403 token_readonly", error.Message, StringComparison.Ordinal);
            Assert.Contains("Read & Write", error.Message, StringComparison.Ordinal);
        }

        using (var missing = HetznerHarness.Layer(fake, _clock, server: "999999"))
        {
            var error = await Assert.ThrowsAsync<LayerFailureException>(() => missing.ReadAsync(Ct));
            Assert.Contains("server 999999 was not found (HTTP 404 not_found", error.Message, StringComparison.Ordinal);
        }

        using (var unnamed = HetznerHarness.Layer(fake, _clock, server: "no-such-server"))
        {
            var error = await Assert.ThrowsAsync<LayerFailureException>(() => unnamed.ReadAsync(Ct));
            Assert.Contains("no server named 'no-such-server'", error.Message, StringComparison.Ordinal);
        }

        using (var layer = HetznerHarness.Layer(fake, _clock, server: "web-1"))
        {
            fake.FailNext("POST", SetRules, 1, "firewall_resource_not_found");
            var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct));
            Assert.Contains("HTTP 422 firewall_resource_not_found: injected firewall_resource_not_found", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RateLimit_IsRetriedASecondApart_ThenSaidWithItsReset()
    {
        await using var fake = await HetznerFake.StartAsync();
        SeedWeb(fake);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        fake.RateLimitNext(2);
        var state = await layer.ReadAsync(Ct);
        Assert.NotEmpty(state.Lines);
        Assert.Equal(2, fake.RateLimitedRequests);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], _clock.Delays);

        fake.RateLimitNext(10);
        var error = await Assert.ThrowsAsync<LayerFailureException>(() => layer.ReadAsync(Ct));
        Assert.Contains("rate limit was reached (HTTP 429 rate_limit_exceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 retries a second apart; it resets at 2016-01-31", error.Message, StringComparison.Ordinal);
        Assert.Equal(2 + 4, fake.RateLimitedRequests);
    }

    [Fact]
    public async Task Actions_AreFollowedToTheEnd_OnTheInjectedClock_AndAFailedOneIsSaid()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (_, firewall) = SeedWeb(fake);
        fake.ActionPollsBeforeDone = 3;
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct);

        Assert.Equal(0, fake.RunningActions);
        Assert.True(fake.Count("GET", "/actions/{id}") >= 4);
        Assert.Equal(fake.Count("GET", "/actions/{id}"), _clock.Delays.Count);
        Assert.All(_clock.Delays, d => Assert.Equal(TimeSpan.FromSeconds(1), d));

        fake.ActionPollsBeforeDone = 1;
        fake.FailNextActions(1);
        using var close = HetznerHarness.Layer(fake, _clock, firewall: "fw-web");
        var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudClose.RunAsync(close, CloseSelection.TcpPort(80), dryRun: false, Ct));
        Assert.Matches(@"hetzner: action \d+ \(set_firewall_rules\) failed: action_failed: Action failed", error.Message);
        Assert.NotNull(fake.GetFirewall(firewall));
    }

    [Fact]
    public async Task ServerWithNoFirewall_IsNothingFiltered_OpenNeedsAName_ThenCreatesAndAppliesIt()
    {
        await using var fake = await HetznerFake.StartAsync();
        var server = fake.AddServer("db-1", "203.0.113.20", null);
        using var bare = HetznerHarness.Layer(fake, _clock, server: "db-1");

        var state = await bare.ReadAsync(Ct);
        var verdict = state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4);
        Assert.True(verdict.Admitted);
        Assert.Contains("no firewall is applied to the server: nothing filtered", verdict.Evidence, StringComparison.Ordinal);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv6).Refused);
        Assert.Contains(bare.Findings(state), f => f.Id == "hetzner-no-firewall");
        Assert.Contains(bare.Findings(state), f => f.Id == FindingIds.PortOpenToInternet && f.Message.Contains("5432", StringComparison.Ordinal));
        var bad = await Assert.ThrowsAsync<InvalidInputException>(() => CloudOpen.RunAsync(bare, FirewallPolicy.Default, prune: false, dryRun: false, Ct));
        Assert.Contains("give --firewall NAME to create one", bad.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.Writes);

        using var layer = HetznerHarness.Layer(fake, _clock, server: "db-1", firewall: "db-1-fw");
        var plan = layer.Plan(await layer.ReadAsync(Ct), FirewallPolicy.Default, prune: false);
        Assert.All(plan.Writes, w => Assert.Contains("every other inbound port of the server becomes closed", w, StringComparison.Ordinal));
        var opened = await layer.OpenAsync(plan, Ct);

        var created = Assert.Single(fake.Firewalls());
        Assert.Equal("db-1-fw", created.Name);
        Assert.Equal([server], created.AppliedServers);
        Assert.StartsWith($"firewall {created.Id.ToString(CultureInfo.InvariantCulture)} (db-1-fw) created and applied to server db-1", opened.Created[0], StringComparison.Ordinal);
        Assert.Equal(HetznerVerdict.RefusedByFirewall, Oracle(fake, server, "tcp", 5432, "8.8.8.8"));
        Assert.Equal(HetznerVerdict.Admitted, Oracle(fake, server, "tcp", 22, "8.8.8.8"));
        Assert.Equal(
            [$"hcloud firewall remove-from-resource db-1-fw --type server --server {server.ToString(CultureInfo.InvariantCulture)}", "hcloud firewall delete db-1-fw"],
            layer.UndoCommands(plan, opened));

        var writes = fake.Writes;
        var again = await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct);
        Assert.Empty(again.Created);
        Assert.Equal(writes, fake.Writes);
    }

    [Fact]
    public async Task AFirewallNotAppliedToTheServer_IsBadInputNamingBoth()
    {
        await using var fake = await HetznerFake.StartAsync();
        SeedWeb(fake);
        fake.AddFirewall("elsewhere", [HzRule.In("tcp", "80", "0.0.0.0/0")]);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1", firewall: "elsewhere");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => layer.ReadAsync(Ct));

        Assert.Contains("--firewall elsewhere", error.Message, StringComparison.Ordinal);
        Assert.Contains("--server web-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenWithTwoDirectFirewalls_AsksWhichOne_AndLabelSelectorFirewallsCount()
    {
        await using var fake = await HetznerFake.StartAsync();
        var server = fake.AddServer("web-1", "203.0.113.10", "2001:db8:1::/64", new Dictionary<string, string> { ["role"] = "web" });
        fake.AddFirewall("a", [HzRule.In("tcp", "22", "0.0.0.0/0")], servers: [server]);
        fake.AddFirewall("b", [], servers: [server]);
        fake.AddFirewall("by-label", [HzRule.In("tcp", "443", "0.0.0.0/0", "::/0")], selectors: ["role=web"]);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");

        var state = await layer.ReadAsync(Ct);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv6).Admitted);
        Assert.True(state.View.Evaluate(Protocol.Tcp, 3306, Cidr.AnyIPv4).Refused);
        Assert.Contains(state.Lines, l => l.Contains("applied by label selector role=web", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidInputException>(() => layer.Plan(state, FirewallPolicy.Default, prune: false));
        Assert.Contains("2 firewalls are applied to the server web-1 directly (a, b): give --firewall", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Egress_OutboundMailIsBlockedByTheProvider_NotByAFirewallRule_UntilUnblocked()
    {
        await using var fake = await HetznerFake.StartAsync();
        SeedWeb(fake, [.. Foreign, HzRule.Out("tcp", "443", "0.0.0.0/0")]);
        var mail = Cidr.Parse("192.0.2.25/32");

        using var blocked = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var state = await blocked.ReadAsync(Ct);
        var smtp = state.View.EvaluateEgress(Protocol.Tcp, 25, mail);
        Assert.True(smtp.Refused);
        Assert.Contains("blocked by the provider (request an unblock)", smtp.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("no outbound rule", smtp.Evidence, StringComparison.Ordinal);
        Assert.Contains("no outbound rule of firewall fw-web allows it", state.View.EvaluateEgress(Protocol.Tcp, 587, mail).Evidence, StringComparison.Ordinal);
        Assert.True(state.View.EvaluateEgress(Protocol.Tcp, 443, mail).Admitted);
        Assert.StartsWith("request an unblock of outbound port 25 from Hetzner", Fix.CommandsOf(blocked.Fixes(state, FixKind.CloudEgress, 25, [mail]))[0], StringComparison.Ordinal);

        using var unblocked = HetznerHarness.Layer(fake, _clock, server: "web-1", smtpUnblocked: "true");
        var after = await unblocked.ReadAsync(Ct);
        var now = after.View.EvaluateEgress(Protocol.Tcp, 25, mail);
        Assert.True(now.Refused);
        Assert.Contains("no outbound rule of firewall fw-web allows it", now.Evidence, StringComparison.Ordinal);
        Assert.Equal(
            ["hcloud firewall add-rule fw-web --direction out --protocol tcp --port 25 --destination-ips 192.0.2.25/32 --description 'oec-cloudfw: allow out tcp/25 to 192.0.2.25/32'"],
            Fix.CommandsOf(unblocked.Fixes(after, FixKind.CloudEgress, 25, [mail])));
    }

    [Fact]
    public async Task Findings_ExposureAsTheEngineEvaluatesIt_WithExactFixes_TheToolsVerbFirst()
    {
        await using var fake = await HetznerFake.StartAsync();
        HzRule pg = HzRule.In("tcp", "5432", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/5432 from 0.0.0.0/0" };
        SeedWeb(fake, [.. Foreign, pg]);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var state = await layer.ReadAsync(Ct);

        var findings = layer.Findings(state);

        var ssh = Assert.Single(findings, f => f.Id == FindingIds.SshOpenToInternet);
        Assert.Equal("oec-cloudfw hetzner open --firewall fw-web --port 22 --ssh-source <management-ip>/32", ssh.Fixes[0]);
        Assert.Equal("hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 22 --source-ips 0.0.0.0/0,::/0 --description 'ssh from anywhere'", ssh.Fixes[1]);
        Assert.Contains("IPv4 and IPv6", ssh.Message, StringComparison.Ordinal);
        var db = Assert.Single(findings, f => f.Id == FindingIds.PortOpenToInternet && f.Message.Contains("5432", StringComparison.Ordinal));
        Assert.Equal(Severity.Critical, db.Severity);
        Assert.Equal(["oec-cloudfw hetzner close --firewall fw-web --port 5432 --source 0.0.0.0/0"], db.Fixes);
        Assert.Equal(db.Fixes, Fix.CommandsOf(layer.Fixes(state, FixKind.CloudClose, 5432, [])));
        Assert.Equal(
            ["oec-cloudfw hetzner open --firewall fw-web --port 22 --ssh-source 198.51.100.9/32", "hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 22 --source-ips 0.0.0.0/0,::/0 --description 'ssh from anywhere'"],
            Fix.CommandsOf(layer.Fixes(state, FixKind.CloudRestrict, 22, [Cidr.Parse("198.51.100.9/32")])));
    }

    [Fact]
    public async Task Findings_EveryTcpPortOpen_ReAddsTheGuidesPortsFirst_ThenTakesTheBroadRuleAway()
    {
        await using var fake = await HetznerFake.StartAsync();
        HzRule all = HzRule.In("tcp", "1-65535", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/1-65535 from 0.0.0.0/0" };
        HzRule split = HzRule.In("tcp", "5432", "0.0.0.0/1", "128.0.0.0/1");
        SeedWeb(fake, [all]);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var finding = Assert.Single(layer.Findings(await layer.ReadAsync(Ct)), f => f.Id == FindingIds.AllPortsOpenToInternet);
        Assert.Equal(["oec-cloudfw hetzner open --firewall fw-web", "oec-cloudfw hetzner close --firewall fw-web --port 1-65535 --source 0.0.0.0/0 --force"], finding.Fixes);

        fake.Reset();
        SeedWeb(fake, [split]);
        var state = await layer.ReadAsync(Ct);
        var split4 = Assert.Single(layer.Findings(state), f => f.Message.Contains("5432", StringComparison.Ordinal));
        Assert.Equal(["hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 5432 --source-ips 0.0.0.0/1,128.0.0.0/1"], split4.Fixes);
    }

    [Fact]
    public async Task UndoCommands_AreTheExactHcloudCommands_ThatRemoveWhatWasAdded()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (_, firewall) = SeedWeb(fake);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var plan = layer.Plan(await layer.ReadAsync(Ct), FirewallPolicy.Default, prune: false);
        var opened = await layer.OpenAsync(plan, Ct);

        var undo = layer.UndoCommands(plan, opened);

        var own = fake.GetFirewall(firewall)!.Rules.Where(r => r.Description?.StartsWith("oec-cloudfw:", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(own.Count, undo.Count);
        Assert.All(own, r => Assert.Contains($"hcloud firewall delete-rule fw-web --direction in --protocol {r.Protocol} --port {r.Port} --source-ips {r.SourceIps[0]} --description '{r.Description}'", undo));
    }

    [Fact]
    public async Task Lines_AreOnePerRule_Sorted_SoTheSameRulesInAnotherOrderHaveTheSameDigest()
    {
        await using var fake = await HetznerFake.StartAsync();
        var (_, firewall) = SeedWeb(fake);
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1");
        var first = await layer.ReadAsync(Ct);

        using (var client = fake.CreateClient())
        {
            var path = new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);
            var rules = JsonNode.Parse(await client.GetStringAsync(path, Ct))!["firewall"]!["rules"]!.AsArray().Select(r => r!.DeepClone()).Reverse().ToList();
            using var response = await client.PostAsJsonAsync(new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}/actions/set_rules", UriKind.Relative), new JsonObject { ["rules"] = new JsonArray([.. rules]) }, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var reordered = await layer.ReadAsync(Ct);
        Assert.NotEqual(Foreign.Select(r => r.Port), fake.GetFirewall(firewall)!.Rules.Select(r => r.Port));
        Assert.Equal(first.Lines, reordered.Lines);
        Assert.Equal(first.Digest, reordered.Digest);
        Assert.Equal(Foreign.Length + 2, first.Lines.Count);
        await SomeoneAddsAsync(fake, firewall, HzRule.In("tcp", "8443", "0.0.0.0/0"));
        Assert.NotEqual(first.Digest, (await layer.ReadAsync(Ct)).Digest);
    }

    [Fact]
    public async Task AFirewallNamedAlone_IsReadAndWritten_TheServerTakenAsReachable_WhichIsSaid()
    {
        await using var fake = await HetznerFake.StartAsync();
        var firewall = fake.AddFirewall("shared", [HzRule.In("tcp", "443", "0.0.0.0/0") with { Description = "theirs" }]);
        using var layer = HetznerHarness.Layer(fake, _clock, firewall: firewall.ToString(CultureInfo.InvariantCulture));

        var result = await CloudOpen.RunAsync(layer, FirewallPolicy.Default, prune: false, dryRun: false, Ct);

        Assert.Contains(result.State.View.Assumptions, a => a.Contains("no server was named", StringComparison.Ordinal));
        Assert.Equal("theirs", fake.GetFirewall(firewall)!.Rules[0].Description);
        Assert.True(result.Created.Count > 0);
        Assert.Empty(result.StillClosed);
        using var missing = HetznerHarness.Layer(fake, _clock, firewall: "no-such-firewall");
        var error = await Assert.ThrowsAsync<LayerFailureException>(() => missing.ReadAsync(Ct));
        Assert.Contains("no firewall named 'no-such-firewall'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_AcrossTwoFirewalls_ASecondFailure_SaysWhatWasAlreadyRemoved()
    {
        await using var fake = await HetznerFake.StartAsync();
        var server = fake.AddServer("web-1", "203.0.113.10", "2001:db8:1::/64", new Dictionary<string, string> { ["role"] = "web" });
        var a = fake.AddFirewall("a", [HzRule.In("tcp", "22", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/22 from 0.0.0.0/0" }], servers: [server]);
        fake.AddFirewall("b", [HzRule.In("tcp", "22", "::/0") with { Description = "oec-cloudfw: allow tcp/22 from ::/0" }], selectors: ["role=web"]);
        using var failing = new FailSecondSetRules();
        using var layer = HetznerHarness.Layer(fake, _clock, server: "web-1", transport: failing);

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => CloudClose.RunAsync(layer, CloseSelection.TcpPort(22), dryRun: false, Ct));

        Assert.Contains("HTTP 422 conflict_in_test: refused on purpose", error.Message, StringComparison.Ordinal);
        Assert.Contains($"already done before that: removed firewall {a.ToString(CultureInfo.InvariantCulture)} (a): in tcp/22 from 0.0.0.0/0", error.Message, StringComparison.Ordinal);
        Assert.Empty(fake.GetFirewall(a)!.Rules);
        Assert.Single(fake.Firewalls(), f => f.Name == "b" && f.Rules.Count == 1);
    }

    /// <summary>Passes requests to the fake, except the second set_rules, answered 422 with the documented error body.</summary>
    private sealed class FailSecondSetRules() : DelegatingHandler(new HttpClientHandler())
    {
        private int _seen;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/actions/set_rules", StringComparison.Ordinal) && Interlocked.Increment(ref _seen) == 2
                ? Task.FromResult(new HttpResponseMessage((HttpStatusCode)422) { Content = new StringContent(HetznerErrors.Body("conflict_in_test", "refused on purpose").ToJsonString()) })
                : base.SendAsync(request, cancellationToken);
    }

    private static async Task SomeoneAddsAsync(HetznerFake fake, long firewall, params HzRule[] rules)
    {
        using var client = fake.CreateClient();
        var path = new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);
        var body = JsonNode.Parse(await client.GetStringAsync(path, Ct))!;
        var all = body["firewall"]!["rules"]!.AsArray().Select(r => r!.DeepClone()).ToList();
        all.AddRange(rules.Select(r => (JsonNode)new JsonObject
        {
            ["direction"] = r.Direction,
            ["protocol"] = r.Protocol,
            ["port"] = r.Port,
            ["source_ips"] = new JsonArray([.. r.SourceIps.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["destination_ips"] = new JsonArray([.. r.DestinationIps.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["description"] = r.Description,
        }));
        using var response = await client.PostAsJsonAsync(new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}/actions/set_rules", UriKind.Relative), new JsonObject { ["rules"] = new JsonArray([.. all]) }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Passes the product's requests to the fake; right after the product's first set_rules, someone else writes too.</summary>
    private sealed class RivalWriter(HetznerFake fake, long firewall) : DelegatingHandler(new HttpClientHandler())
    {
        private int _done;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.EndsWith("/actions/set_rules", StringComparison.Ordinal) && Interlocked.Exchange(ref _done, 1) == 0)
            {
                await SomeoneAddsAsync(fake, firewall, HzRule.In("tcp", "6379", "0.0.0.0/0") with { Description = "redis (rival)" });
            }

            return response;
        }
    }
}
