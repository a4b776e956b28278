using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Hetzner.Tests.Fake;
using OecCloudFw.Hetzner.Tests.Oracle;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Hetzner.Tests.Cli;

/// <summary>
/// Hetzner end to end through the command line (issue 23): <c>hetzner open|close|show</c>, and the <c>--hetzner-…</c>
/// flags and <c>hetzner_…</c> inventory keys of audit/plan/apply, with the independent fake of the API over real HTTP
/// as the cloud layer and a real test server (sshd, ufw) as the server layer. Each test asserts exit codes, the fake's
/// state and write counters, and the documents printed (each validated against its shipped schema).
/// </summary>
public sealed class HetznerCliTests : IAsyncLifetime
{
    private const string SetRules = "/firewalls/{id}/actions/set_rules";
    private static readonly HzRule SshAnywhere = HzRule.In("tcp", "22", "0.0.0.0/0", "::/0") with { Description = "ssh from anywhere" };
    private static readonly HzRule Dns = new("in", "udp", "53", ["10.0.0.0/8"], [], null);
    private static readonly HzRule Metrics = HzRule.In("tcp", "9090", "0.0.0.0/0") with { Description = "metrics (someone else's)" };
    private static readonly HzRule OwnOld = HzRule.In("tcp", "8080", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/8080 from 0.0.0.0/0" };

    private HetznerFake _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await HetznerFake.StartAsync();
        _fake.ActionPollsBeforeDone = 0; // the CLI polls on the system clock: actions finish at the first poll
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private string Endpoint => _fake.BaseUrl.AbsoluteUri;

    private Task<CliRun> Hz(params string[] args) => HetznerCli.RunAsync(HetznerCli.Environment(_fake), ["hetzner", .. args, "--endpoint-url", Endpoint]);

    private (long Server, long Firewall) SeedWeb(params HzRule[] rules)
    {
        var server = _fake.AddServer("web-1", "203.0.113.10", "2001:db8:1::/64");
        var firewall = _fake.AddFirewall("fw-web", rules, servers: [server]);
        return (server, firewall);
    }

    /// <summary>The firewall's rules exactly as the API serves them (JSON text, in order).</summary>
    private async Task<List<string>> RulesJsonAsync(long firewall)
    {
        using var client = _fake.CreateClient();
        var body = JsonNode.Parse(await client.GetStringAsync(new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative), Ct))!;
        return [.. body["firewall"]!["rules"]!.AsArray().Select(r => r!.ToJsonString())];
    }

    /// <summary>Inbound tcp ports admitted from 0.0.0.0/0 by the firewall's rules, by whose rule.</summary>
    private List<(string Port, bool Own)> WorldTcp(long firewall) =>
        [.. _fake.GetFirewall(firewall)!.Rules.Where(r => r.Direction == "in" && r.Protocol == "tcp" && r.SourceIps.Contains("0.0.0.0/0"))
            .Select(r => (r.Port!, r.Description?.StartsWith("oec-cloudfw:", StringComparison.Ordinal) == true)).Order()];

    private static readonly HzRule Grafana = HzRule.In("tcp", "9091", "0.0.0.0/0") with { Description = "grafana" };

    /// <summary>Someone else replaces the firewall's rules through the API (as the Cloud Console or hcloud would).</summary>
    private async Task SetRulesAsync(long firewall, params HzRule[] rules)
    {
        using var client = _fake.CreateClient();
        var body = new JsonObject
        {
            ["rules"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
            {
                ["direction"] = r.Direction,
                ["protocol"] = r.Protocol,
                ["port"] = r.Port,
                ["source_ips"] = new JsonArray([.. r.SourceIps.Select(ip => (JsonNode)JsonValue.Create(ip))]),
                ["destination_ips"] = new JsonArray([.. r.DestinationIps.Select(ip => (JsonNode)JsonValue.Create(ip))]),
                ["description"] = r.Description,
            })]),
        };
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"firewalls/{firewall.ToString(CultureInfo.InvariantCulture)}/actions/set_rules", UriKind.Relative), content, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Open_DryRunWritesNothing_OpenAddsOnlyWhatIsMissing_SecondOpenWritesNothing_PruneRemovesOnlyOwn()
    {
        var (_, firewall) = SeedWeb(SshAnywhere, Dns, Metrics, OwnOld);
        var before = await RulesJsonAsync(firewall);

        var dry = await Hz("open", "--server", "web-1", "--dry-run", "--output", "json");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(0, _fake.Writes);
        Assert.Equal(before, await RulesJsonAsync(firewall));
        using (var json = dry.Json())
        {
            Assert.Equal("hetzner", json.RootElement.GetProperty("provider").GetString());
            Assert.True(json.RootElement.GetProperty("dryRun").GetBoolean());
            Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
            Assert.False(json.RootElement.GetProperty("compliant").GetBoolean());
            Assert.NotEmpty(Strings(json.RootElement.GetProperty("writes")));
            var changes = json.RootElement.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("change").GetString(), c.GetProperty("rule").GetProperty("ports").GetString())).ToList();
            Assert.Contains(("add", "443"), changes);
            Assert.Contains(("add", "80"), changes);
            Assert.DoesNotContain(("add", "22"), changes); // someone else's rule already admits SSH from anywhere
        }

        var open = await Hz("open", "--server", "web-1", "--output", "json");

        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.Equal(1, _fake.Count("POST", SetRules));
        var after = await RulesJsonAsync(firewall);
        Assert.Equal(before, after.Take(before.Count)); // everyone else's rules (and the tool's old one) byte-equal, in place
        Assert.Equal([("22", false), ("443", true), ("80", true), ("8080", true), ("9090", false)], WorldTcp(firewall));
        using (var json = open.Json())
        {
            Assert.True(json.RootElement.GetProperty("applied").GetBoolean());
            Assert.Equal(after.Count - before.Count, json.RootElement.GetProperty("created").GetArrayLength());
            Assert.Empty(Strings(json.RootElement.GetProperty("removed")));
            Assert.All(Strings(json.RootElement.GetProperty("undo")), u => Assert.StartsWith("hcloud firewall delete-rule fw-web --direction in --protocol tcp --port ", u, StringComparison.Ordinal));
            Assert.Equal(after.Count - before.Count, json.RootElement.GetProperty("undo").GetArrayLength());
        }

        var writes = _fake.Writes;
        var again = await Hz("open", "--server", "web-1", "--output", "json");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(writes, _fake.Writes);
        Assert.Equal(after, await RulesJsonAsync(firewall));
        using (var json = again.Json())
        {
            Assert.True(json.RootElement.GetProperty("compliant").GetBoolean());
            Assert.Empty(Strings(json.RootElement.GetProperty("created")));
        }

        var table = await Hz("open", "--firewall", "fw-web", "--prune");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(writes + 1, _fake.Writes);
        Assert.Contains("wrote: ", table.Output, StringComparison.Ordinal);
        Assert.Equal([("22", false), ("443", true), ("80", true), ("9090", false)], WorldTcp(firewall));
        Assert.Equal(after.Where(r => !r.Contains("\"8080\"", StringComparison.Ordinal)), await RulesJsonAsync(firewall));
    }

    [Fact]
    public async Task Close_RemovesOwn_NamesAndKeepsForeign_RefusesSshWithoutForce()
    {
        var office = HzRule.In("tcp", "22", "203.0.113.0/24") with { Description = "office" };
        var ownSsh = HzRule.In("tcp", "22", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/22 from 0.0.0.0/0" };
        var own443 = HzRule.In("tcp", "443", "0.0.0.0/0") with { Description = "oec-cloudfw: allow tcp/443 from 0.0.0.0/0" };
        var partner443 = HzRule.In("tcp", "443", "192.0.2.0/24") with { Description = "partner" };
        var (server, firewall) = SeedWeb(office, ownSsh, own443, partner443, Metrics);

        var refused = await Hz("close", "--server", "web-1", "--port", "22");

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Writes);

        var close = await Hz("close", "--server", "web-1", "--port", "443", "--output", "json");

        Assert.True(close.ExitCode == 1, close.ToString()); // still admitted from 192.0.2.0/24 by the partner's rule
        Assert.Equal(1, _fake.Count("POST", SetRules));
        Assert.Equal(["office", "oec-cloudfw: allow tcp/22 from 0.0.0.0/0", "partner", "metrics (someone else's)"], _fake.GetFirewall(firewall)!.Rules.Select(r => r.Description));
        using (var json = close.Json())
        {
            var removed = Assert.Single(json.RootElement.GetProperty("removed").EnumerateArray());
            Assert.Equal("0.0.0.0/0", removed.GetProperty("source").GetString());
            var left = Assert.Single(json.RootElement.GetProperty("leftForeign").EnumerateArray());
            Assert.Equal("192.0.2.0/24", left.GetProperty("source").GetString());
            Assert.True(json.RootElement.GetProperty("stillOpen").GetBoolean());
        }

        Assert.Equal(HetznerVerdict.RefusedByFirewall, HetznerOracle.Evaluate(_fake.Snapshot(server), "tcp", 443, System.Net.IPAddress.Parse("8.8.8.8"), inbound: true));
        Assert.Equal(HetznerVerdict.Admitted, HetznerOracle.Evaluate(_fake.Snapshot(server), "tcp", 443, System.Net.IPAddress.Parse("192.0.2.7"), inbound: true));

        var forced = await Hz("close", "--firewall", "fw-web", "--port", "22", "--force");

        Assert.True(forced.ExitCode == 1, forced.ToString()); // the office still reaches SSH
        Assert.Contains("left ", forced.Output, StringComparison.Ordinal);
        Assert.Contains("203.0.113.0/24", forced.Output, StringComparison.Ordinal);
        // The rule left is named with the command that removes it (hcloud's own, the rule as it is).
        Assert.Contains("To remove it yourself: hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 22 --source-ips 203.0.113.0/24", forced.Output, StringComparison.Ordinal);
        Assert.Equal(["office", "partner", "metrics (someone else's)"], _fake.GetFirewall(firewall)!.Rules.Select(r => r.Description));

        var writes = _fake.Writes;
        var nothing = await Hz("close", "--firewall", "fw-web", "--port", "443");
        Assert.True(nothing.ExitCode == 1, nothing.ToString());
        Assert.Contains("nothing was removed", nothing.Output, StringComparison.Ordinal);
        Assert.Equal(writes, _fake.Writes);
    }

    [Fact]
    public async Task Show_RulesPortsAndFindingsWithExactFixes_FailOnDecidesTheExitCode()
    {
        var postgres = HzRule.In("tcp", "5432", "0.0.0.0/0", "::/0") with { Description = "db (someone else's)" };
        SeedWeb(SshAnywhere, postgres, HzRule.In("tcp", "443", "0.0.0.0/0", "::/0"));

        var show = await Hz("show", "--server", "web-1", "--output", "json", "--fail-on", "never");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(0, _fake.Writes);
        using (var json = show.Json())
        {
            var rules = Strings(json.RootElement.GetProperty("rules"));
            Assert.Contains(rules, r => r.Contains("5432", StringComparison.Ordinal));
            var ports = json.RootElement.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetInt32(), p => (p.GetProperty("ipv4").GetString(), p.GetProperty("ipv6").GetString()));
            Assert.Equal(("admitted", "admitted"), ports[5432]);
            Assert.Equal(("admitted", "admitted"), ports[443]);
            Assert.Equal(("refused", "refused"), ports[80]);
            var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
            var db = findings.Single(f => f.GetProperty("message").GetString()!.Contains("5432", StringComparison.Ordinal) && f.GetProperty("severity").GetString() == "critical");
            // Someone else's rule: only the hcloud command that deletes exactly it (the tool never removes it).
            Assert.Equal(["hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 5432 --source-ips 0.0.0.0/0,::/0 --description 'db (someone else'\\''s)'"], Strings(db.GetProperty("fixes")));
            var ssh = findings.Single(f => f.GetProperty("id").GetString() == "OECFW-SSH-INTERNET");
            Assert.Equal("warning", ssh.GetProperty("severity").GetString());
            Assert.Equal(
                [
                    "oec-cloudfw hetzner open --firewall fw-web --port 22 --ssh-source <management-ip>/32",
                    "hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 22 --source-ips 0.0.0.0/0,::/0 --description 'ssh from anywhere'",
                ],
                Strings(ssh.GetProperty("fixes")));
            Assert.DoesNotContain(findings, f => f.GetProperty("message").GetString()!.Contains("(443)", StringComparison.Ordinal));
        }

        var warning = await Hz("show", "--server", "web-1", "--output", "json", "--fail-on", "warning");
        Assert.True(warning.ExitCode == 1, warning.ToString());

        var critical = await Hz("show", "--server", "web-1", "--fail-on", "critical");

        Assert.True(critical.ExitCode == 1, critical.ToString());
        Assert.Contains("fw-web", critical.Output, StringComparison.Ordinal);
        Assert.Contains("From the internet: ", critical.Output, StringComparison.Ordinal);
        Assert.Contains("5432 admitted", critical.Output, StringComparison.Ordinal);
        Assert.Contains("hcloud firewall delete-rule fw-web", critical.Output, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Writes);
    }

    [Fact]
    public async Task BadInput_ExitTwoNamingTheFlag_ProviderErrors_ExitThreeWithTheProvidersMessage()
    {
        SeedWeb(SshAnywhere);
        var env = HetznerCli.Environment(_fake);

        var noTarget = await Hz("show");
        var noToken = await HetznerCli.RunAsync(new Dictionary<string, string>(), "hetzner", "show", "--server", "web-1", "--endpoint-url", Endpoint);
        var badEndpoint = await HetznerCli.RunAsync(env, "hetzner", "show", "--server", "web-1", "--endpoint-url", "ftp://api.example/v1");
        var badVariable = await HetznerCli.RunAsync(new Dictionary<string, string>(env) { [HetznerProvider.EndpointVariable] = "not a url" }, "hetzner", "show", "--server", "web-1");
        var bothLayers = await HetznerCli.RunAsync(env, "audit", "--host", "198.19.250.2", "--hetzner-server", "web-1", "--aws-group", "sg-0123456789abcdef0");
        var smtpAlone = await HetznerCli.RunAsync(env, "audit", "--host", "198.19.250.2", "--hetzner-smtp-unblocked", "true");
        var badSmtp = await Hz("show", "--server", "web-1", "--smtp-unblocked", "yes");
        var auditNoToken = await HetznerCli.RunAsync(new Dictionary<string, string>(), "audit", "--host", "198.19.250.2", "--hetzner-server", "web-1");

        Assert.True(noTarget.ExitCode == 2 && noTarget.Error.Contains("--server", StringComparison.Ordinal) && noTarget.Error.Contains("--firewall", StringComparison.Ordinal), noTarget.ToString());
        Assert.True(noToken.ExitCode == 2 && noToken.Error.Contains("HCLOUD_TOKEN", StringComparison.Ordinal), noToken.ToString());
        Assert.True(badEndpoint.ExitCode == 2 && badEndpoint.Error.Contains("--endpoint-url 'ftp://api.example/v1'", StringComparison.Ordinal), badEndpoint.ToString());
        Assert.True(badVariable.ExitCode == 2 && badVariable.Error.Contains("HCLOUD_ENDPOINT", StringComparison.Ordinal), badVariable.ToString());
        Assert.True(bothLayers.ExitCode == 2 && bothLayers.Error.Contains("one cloud layer at a time", StringComparison.Ordinal) && bothLayers.Error.Contains("--hetzner-server", StringComparison.Ordinal), bothLayers.ToString());
        Assert.True(smtpAlone.ExitCode == 2 && smtpAlone.Error.Contains("--hetzner-smtp-unblocked", StringComparison.Ordinal), smtpAlone.ToString());
        Assert.True(badSmtp.ExitCode == 2 && badSmtp.Error.Contains("--smtp-unblocked 'yes'", StringComparison.Ordinal), badSmtp.ToString());
        Assert.True(auditNoToken.ExitCode == 2 && auditNoToken.Error.Contains("HCLOUD_TOKEN", StringComparison.Ordinal), auditNoToken.ToString());
        Assert.Equal(0, _fake.Reads);

        var wrongToken = await HetznerCli.RunAsync(HetznerCli.Environment(_fake, "not-the-token"), "hetzner", "show", "--server", "web-1", "--endpoint-url", Endpoint);
        var unknownServer = await Hz("show", "--server", "424242");
        var readOnly = await HetznerCli.RunAsync(HetznerCli.Environment(_fake, _fake.ReadOnlyToken), "hetzner", "open", "--server", "web-1", "--endpoint-url", Endpoint);

        Assert.True(wrongToken.ExitCode == 3 && wrongToken.Error.Contains("unable to authenticate", StringComparison.Ordinal) && wrongToken.Error.Contains("HCLOUD_TOKEN", StringComparison.Ordinal), wrongToken.ToString());
        Assert.True(unknownServer.ExitCode == 3 && unknownServer.Error.Contains("server not found", StringComparison.Ordinal), unknownServer.ToString());
        Assert.True(readOnly.ExitCode == 3 && readOnly.Error.Contains("token_readonly", StringComparison.Ordinal), readOnly.ToString());
        Assert.Equal(0, _fake.Writes);
        Assert.All(new[] { noTarget, noToken, badEndpoint, wrongToken, unknownServer, readOnly }, r => Assert.DoesNotContain("Exception", r.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_ServerWithNoFirewall_CreatesTheNamedFirewallAndAppliesIt_UndoNamesItsRemoval()
    {
        var server = _fake.AddServer("db-1", "203.0.113.20", "2001:db8:2::/64");

        var show = await Hz("show", "--server", "db-1", "--output", "json");

        Assert.True(show.ExitCode == 0, show.ToString());
        using (var json = show.Json())
        {
            var none = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "hetzner-no-firewall");
            Assert.StartsWith("oec-cloudfw hetzner open --server db-1 --firewall db-1-firewall ", Strings(none.GetProperty("fixes")).Single(), StringComparison.Ordinal);
            Assert.All(json.RootElement.GetProperty("ports").EnumerateArray(), p => Assert.Equal("admitted", p.GetProperty("ipv4").GetString()));
        }

        var asks = await Hz("open", "--server", "db-1");
        Assert.True(asks.ExitCode == 2 && asks.Error.Contains("--firewall", StringComparison.Ordinal), asks.ToString());
        Assert.Equal(0, _fake.Writes);

        var open = await Hz("open", "--server", "db-1", "--firewall", "db-1-firewall", "--output", "json");

        Assert.True(open.ExitCode == 0, open.ToString());
        var created = Assert.Single(_fake.Firewalls());
        Assert.Equal("db-1-firewall", created.Name);
        Assert.Equal([server], created.AppliedServers);
        Assert.Equal(HetznerVerdict.Admitted, HetznerOracle.Evaluate(_fake.Snapshot(server), "tcp", 443, System.Net.IPAddress.Parse("8.8.8.8"), inbound: true));
        Assert.Equal(HetznerVerdict.RefusedByFirewall, HetznerOracle.Evaluate(_fake.Snapshot(server), "tcp", 5432, System.Net.IPAddress.Parse("8.8.8.8"), inbound: true));
        using (var json = open.Json())
        {
            var undo = Strings(json.RootElement.GetProperty("undo"));
            Assert.Contains(undo, u => u.StartsWith("hcloud firewall remove-from-resource db-1-firewall", StringComparison.Ordinal));
            Assert.Contains("hcloud firewall delete db-1-firewall", undo);
        }

        var writes = _fake.Writes;
        var again = await Hz("open", "--server", "db-1");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(writes, _fake.Writes);
        Assert.Single(_fake.Firewalls());
    }

    [Fact]
    public async Task Open_TheApiFailsTheWrite_ExitThreeWithItsMessage_RulesAsTheyWere()
    {
        var (_, firewall) = SeedWeb(SshAnywhere, Metrics);
        var before = await RulesJsonAsync(firewall);
        _fake.FailNext("POST", SetRules, 1, "conflict");

        var open = await Hz("open", "--server", "web-1");

        Assert.True(open.ExitCode == 3 && open.Error.Contains("conflict", StringComparison.Ordinal), open.ToString());
        Assert.DoesNotContain("Exception", open.Error, StringComparison.Ordinal);
        Assert.Equal(before, await RulesJsonAsync(firewall));
    }

    private string[] HetznerFlags(string server = "web-1") => ["--hetzner-server", server, "--hetzner-endpoint", Endpoint];

    private static JsonElement Port(JsonDocument json, int port) =>
        json.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static bool? Admitted(JsonElement port, string layer) => port.GetProperty(layer).GetProperty("fromInternetIpv4") is { ValueKind: JsonValueKind.Object } v
        ? v.GetProperty("admitted") is { ValueKind: JsonValueKind.True or JsonValueKind.False } a ? a.GetBoolean() : null
        : null;

    [Fact]
    public async Task Audit_HetznerInFrontOfARealUfwServer_VerdictsCombineBothLayers_FindingsCarryTheProvidersFixes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp && ufw allow 8069/tcp && ufw allow 5432/tcp && ufw --force enable", Ct);
        var postgres = HzRule.In("tcp", "5432", "0.0.0.0/0", "::/0") with { Description = "db" };
        SeedWeb(SshAnywhere, HzRule.In("tcp", "443", "0.0.0.0/0", "::/0") with { Description = "web" }, postgres);
        var env = HetznerCli.Environment(_fake);

        var run = await HetznerCli.RunAsync(env, ["audit", .. HetznerCli.Server(server), .. HetznerFlags(), "--no-probe", "--output", "json", "--fail-on", "critical"]);

        Assert.True(run.ExitCode == 1, run.ToString()); // the database is open through both layers: critical
        Assert.Equal(0, _fake.Writes);
        using (var json = run.Json())
        {
            Assert.Equal("hetzner server web-1", json.RootElement.GetProperty("cloudLayer").GetString());
            // 443: the cloud firewall admits it, ufw refuses it; 8069: ufw admits it, the cloud firewall refuses it.
            Assert.Equal((true, false, false), (Admitted(Port(json, 443), "cloud"), Admitted(Port(json, 443), "server"), Port(json, 443).GetProperty("openToInternet").GetBoolean()));
            Assert.Equal((false, true, false), (Admitted(Port(json, 8069), "cloud"), Admitted(Port(json, 8069), "server"), Port(json, 8069).GetProperty("openToInternet").GetBoolean()));
            Assert.Equal((true, true, true), (Admitted(Port(json, 5432), "cloud"), Admitted(Port(json, 5432), "server"), Port(json, 5432).GetProperty("openToInternet").GetBoolean()));
            Assert.Contains("fw-web", Port(json, 8069).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("evidence").GetString()!, StringComparison.Ordinal);
            var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
            var db = findings.Single(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET" && f.GetProperty("message").GetString()!.StartsWith("PostgreSQL (5432)", StringComparison.Ordinal));
            Assert.Equal("critical", db.GetProperty("severity").GetString());
            Assert.Contains("hcloud firewall delete-rule fw-web --direction in --protocol tcp --port 5432 --source-ips 0.0.0.0/0,::/0 --description db", Strings(db.GetProperty("fixes")));
            Assert.DoesNotContain(findings, f => f.GetProperty("message").GetString()!.StartsWith("Odoo (8069)", StringComparison.Ordinal) && f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET");
        }

        var sarif = await HetznerCli.RunAsync(env, ["audit", .. HetznerCli.Server(server), .. HetznerFlags(), "--no-probe", "--output", "sarif", "--fail-on", "never"]);

        Assert.True(sarif.ExitCode == 0, sarif.ToString());
        using (var json = sarif.Json())
        {
            var results = json.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
            Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "OECFW-PORT-INTERNET" && r.GetProperty("level").GetString() == "error");
        }
    }

    [Fact]
    public async Task PlanThenApply_TheCloudLayerGetsThePolicysPorts_UfwConfigured_SecondApplyChangesNothing_SavedPlanApplies()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (_, firewall) = SeedWeb(Metrics);
        var env = HetznerCli.Environment(_fake);
        var planFile = Path.Combine(server.WorkDir, "hetzner.plan");

        var plan = await HetznerCli.RunAsync(env, ["plan", .. HetznerCli.Server(server), .. HetznerFlags(), "--output", "json"]);

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal(0, _fake.Writes);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        using (var json = plan.Json())
        {
            var changes = json.RootElement.GetProperty("cloud").GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("change").GetString(), c.GetProperty("rule").GetProperty("ports").GetString())).ToList();
            Assert.Contains(("add", "22"), changes);
            Assert.Contains(("add", "443"), changes);
            Assert.Contains(("extra", "9090"), changes); // someone else's: left alone
            Assert.Equal("ufw", json.RootElement.GetProperty("server").GetProperty("backend").GetString());
        }

        var stale = await HetznerCli.RunAsync(env, ["plan", .. HetznerCli.Server(server), .. HetznerFlags(), "--out", planFile]);
        Assert.True(stale.ExitCode == 0, stale.ToString());
        Assert.Equal(0, _fake.Writes);
        // Someone else adds a rule after the plan was saved: the saved plan is refused, nothing is written anywhere.
        await SetRulesAsync(firewall, Metrics, Grafana);
        var writes = _fake.Writes;

        var refused = await HetznerCli.RunAsync(env, "apply", "--plan", planFile, "--no-probe");

        Assert.True(refused.ExitCode == 5 && refused.Error.Contains("hetzner server web-1 moved", StringComparison.Ordinal), refused.ToString());
        Assert.Equal(writes, _fake.Writes);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);

        var saved = await HetznerCli.RunAsync(env, ["plan", .. HetznerCli.Server(server), .. HetznerFlags(), "--out", planFile]);
        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.Equal(writes, _fake.Writes);

        var apply = await HetznerCli.RunAsync(env, ["apply", "--plan", planFile, "--no-probe", "--output", "json"]);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(writes + 1, _fake.Writes); // one set_rules
        Assert.Equal(2, _fake.Count("POST", SetRules)); // someone else's, then the tool's
        Assert.Equal([("22", true), ("443", true), ("80", true), ("9090", false), ("9091", false)], WorldTcp(firewall));
        var rules = _fake.GetFirewall(firewall)!.Rules;
        Assert.Equal(["metrics (someone else's)", "grafana"], rules.Take(2).Select(r => r.Description));
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("Status: active", status, StringComparison.Ordinal);
        Assert.Contains("443/tcp", status, StringComparison.Ordinal);
        using (var json = apply.Json())
        {
            Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
            Assert.Equal("confirmed", json.RootElement.GetProperty("serverOutcome").GetString());
        }

        writes = _fake.Writes;
        var again = await HetznerCli.RunAsync(env, ["apply", .. HetznerCli.Server(server), .. HetznerFlags(), "--no-probe", "--output", "json"]);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(writes, _fake.Writes);
        using (var json = again.Json())
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("serverOutcome").GetString());
        }
    }

    [Fact]
    public async Task FleetInventory_HetznerKeysWithTheEndpointInDefaults_IsAudited_TheFirewallsReadOnce_AnUnknownHetznerKeyIsExitTwoNamingFileAndLine()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var other = await TestServer.StartAsync(Ct);
        var web1 = _fake.AddServer("web-1", "203.0.113.10", "2001:db8:1::/64");
        var web2 = _fake.AddServer("web-2", "203.0.113.11", "2001:db8:3::/64");
        _fake.AddFirewall("fw-web", [SshAnywhere, HzRule.In("tcp", "443", "0.0.0.0/0", "::/0")], servers: [web1, web2]);
        var env = HetznerCli.Environment(_fake);
        var inventory = Path.Combine(server.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"""
            defaults:
              hetzner_endpoint: {Endpoint}
            servers:
              - host: {server.Address}
                identity: {server.ClientKey}
                known_hosts: {server.KnownHosts}
                hetzner_server: web-1
                hetzner_smtp_unblocked: true
              - host: {other.Address}
                identity: {other.ClientKey}
                known_hosts: {other.KnownHosts}
                hetzner_firewall: fw-web
            """, Ct);

        var run = await HetznerCli.RunAsync(env, "audit", "--inventory", inventory, "--parallel", "2", "--no-probe", "--output", "json", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, _fake.Count("GET", "/firewalls")); // the project's firewalls are read once for the fleet
        Assert.Equal(0, _fake.Writes);
        using (var json = run.Json())
        {
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            var audits = json.RootElement.GetProperty("servers").EnumerateArray().ToList();
            Assert.Equal(["hetzner firewall fw-web", "hetzner server web-1"], audits.Select(a => a.GetProperty("cloudLayer").GetString()).Order(StringComparer.Ordinal));
            foreach (var audit in audits)
            {
                var https = audit.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 443);
                Assert.True(https.GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
                var http = audit.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 80);
                Assert.False(http.GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
            }
        }

        var typo = Path.Combine(server.WorkDir, "typo.yaml");
        await File.WriteAllTextAsync(typo, $"""
            defaults:
              hetzner_endpoint: {Endpoint}
            servers:
              - host: {server.Address}
                hetzner_typo: web-1
            """, Ct);
        var reads = _fake.Reads;
        var logins = server.AcceptedLogins;

        var bad = await HetznerCli.RunAsync(env, "audit", "--inventory", typo, "--no-probe");

        Assert.True(bad.ExitCode == 2 && bad.Error.Contains($"{typo}:5", StringComparison.Ordinal) && bad.Error.Contains("hetzner_typo", StringComparison.Ordinal), bad.ToString());
        Assert.Equal(reads, _fake.Reads);
        Assert.Equal(logins, server.AcceptedLogins);
    }

    [Fact]
    public async Task SshPort_MovesInBothLayers_TheToolsCloudRuleFollows_SomeoneElsesIsLeftAndNamed()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var bastion = HzRule.In("tcp", "22", "198.18.77.0/24") with { Description = "bastion" };
        var (_, firewall) = SeedWeb(bastion);
        var theirs = Assert.Single(await RulesJsonAsync(firewall));
        var env = HetznerCli.Environment(_fake);
        var apply = await HetznerCli.RunAsync(env, ["apply", .. HetznerCli.Server(server), .. HetznerFlags(), "--no-probe"]);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains(("22", true), WorldTcp(firewall));

        var move = await HetznerCli.RunAsync(env, ["server", "ssh-port", .. HetznerCli.Server(server), .. HetznerFlags(), "--to", "2222", "--output", "json"]);

        // Exit 1: moved, but someone else's cloud rule still admits 22 (reported, never removed).
        Assert.True(move.ExitCode == 1, move.ToString());
        using (var json = move.Json())
        {
            Assert.Equal("moved", json.RootElement.GetProperty("outcome").GetString());
            Assert.Contains(json.RootElement.GetProperty("leftOpen").EnumerateArray(), l => l.GetString()!.Contains("198.18.77.0/24", StringComparison.Ordinal));
        }

        Assert.Contains(("2222", true), WorldTcp(firewall));
        Assert.DoesNotContain(("22", true), WorldTcp(firewall));
        Assert.Equal(theirs, (await RulesJsonAsync(firewall))[0]); // byte-equal, in place
        Assert.Equal("port 2222\n", await server.ExecAsync("sshd -T | grep '^port '", Ct));
        Assert.Contains("2222/tcp", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
    }
}
