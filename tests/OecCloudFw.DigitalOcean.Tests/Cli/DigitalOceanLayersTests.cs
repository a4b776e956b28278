using System.Text.Json;
using NJsonSchema;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.DigitalOcean.Tests.Cli;

/// <summary>
/// DigitalOcean as the cloud layer of audit, plan/apply and a fleet inventory, end to end: the fake API over real HTTP in
/// front of a real test server (sshd, ufw) reached over SSH. Each test asserts the end state of both layers, read from
/// the fake and from the server itself.
/// </summary>
public sealed class DigitalOceanLayersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Server(TestServer server) => ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    /// <summary>The droplet as the cloud layer, the endpoint by flag (no DIGITALOCEAN_API_URL).</summary>
    private static string[] Cloud(DoAccount account, string droplet = "web-1") => ["--do-droplet", droplet, "--do-endpoint", account.Fake.Url.ToString()];

    private static Dictionary<string, string> TokenOnly(DoAccount account) =>
        new(StringComparer.Ordinal) { [DigitalOceanProvider.TokenVariable] = account.Environment[DigitalOceanProvider.TokenVariable] };

    private static JsonElement Port(JsonElement report, int port) =>
        report.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static bool Admitted(JsonElement row, string layer, string family = "fromInternetIpv4") =>
        row.GetProperty(layer).GetProperty(family).GetProperty("admitted").GetBoolean();

    private static List<(string Id, string Message, List<string> Fixes)> Findings(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("message").GetString()!, f.GetProperty("fixes").EnumerateArray().Select(x => x.GetString()!).ToList())).ToList();

    [Fact]
    public async Task Audit_TheCloudFirewallInFrontOfUfw_VerdictsCombineBothLayers_FindingsCarryTheProvidersFixes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var account = await DoAccount.StartAsync();
        account.AddTeamFirewall(); // 22 and 5432 from the internet, 443 from the db tag only
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw allow 8069/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var env = TokenOnly(account);

        var json = await DoCli.RunAsync(env, ["audit", .. Server(server), .. Cloud(account), "--no-probe", "--fail-on", "never", "--output", "json"]);

        Assert.True(json.ExitCode == 0, json.All);
        Assert.Equal(0, account.Fake.Writes);
        var report = json.Json();
        Assert.Equal("digitalocean droplet web-1", report.GetProperty("cloudLayer").GetString());
        // 8069: the cloud firewall refuses what ufw admits; 5432: the cloud admits what ufw refuses. Neither is open.
        Assert.Equal((false, true, false), (Admitted(Port(report, 8069), "cloud"), Admitted(Port(report, 8069), "server"), Port(report, 8069).GetProperty("openToInternet").GetBoolean()));
        Assert.Equal((true, false, false), (Admitted(Port(report, 5432), "cloud"), Admitted(Port(report, 5432), "server"), Port(report, 5432).GetProperty("openToInternet").GetBoolean()));
        Assert.False(Admitted(Port(report, 5432), "cloud", "fromInternetIpv6"));
        Assert.Equal((true, true, true), (Admitted(Port(report, 22), "cloud"), Admitted(Port(report, 22), "server"), Port(report, 22).GetProperty("openToInternet").GetBoolean()));
        Assert.Equal((false, true), (Admitted(Port(report, 443), "cloud"), Admitted(Port(report, 443), "server")));
        var findings = Findings(report);
        var blocked = Assert.Single(findings, f => f.Id == "OECFW-REQUIRED-BLOCKED" && f.Message.StartsWith("HTTPS (443)", StringComparison.Ordinal));
        Assert.Contains(blocked.Fixes, f => f.StartsWith("oec-cloudfw digitalocean open --droplet 3164444", StringComparison.Ordinal) && f.Contains("443", StringComparison.Ordinal));
        var single = Assert.Single(findings, f => f.Id == "OECFW-SINGLE-LAYER" && f.Message.StartsWith("PostgreSQL (5432) is kept closed by ufw only", StringComparison.Ordinal));
        Assert.Contains($"doctl compute firewall remove-rules {DoAccount.TeamFirewallId} --inbound-rules \"protocol:tcp,ports:5432,address:0.0.0.0/0\"", single.Fixes);
        // The team's firewall allows outbound DNS only: once a firewall applies, DigitalOcean refuses every other outbound.
        var egress = Assert.Single(findings, f => f.Id == "OECFW-EGRESS-BLOCKED" && f.Message.StartsWith("outbound TCP 443 to the internet", StringComparison.Ordinal));
        Assert.Contains(egress.Fixes, f => f.StartsWith("doctl compute firewall ", StringComparison.Ordinal) && f.Contains("--outbound-rules", StringComparison.Ordinal));
        Assert.Equal("critical", report.GetProperty("worst").GetString());

        // --do-firewall names one firewall instead, judged alone: the same cloud verdicts for what it holds.
        var byFirewall = await DoCli.RunAsync(env, ["audit", .. Server(server), "--do-firewall", "team-fw", "--do-endpoint", account.Fake.Url.ToString(), "--no-probe", "--fail-on", "never", "--output", "json"]);
        Assert.True(byFirewall.ExitCode == 0, byFirewall.All);
        Assert.Equal("digitalocean firewall team-fw", byFirewall.Json().GetProperty("cloudLayer").GetString());
        Assert.True(Admitted(Port(byFirewall.Json(), 5432), "cloud"));
        Assert.False(Admitted(Port(byFirewall.Json(), 8069), "cloud"));

        var sarif = await DoCli.RunAsync(env, ["audit", .. Server(server), .. Cloud(account), "--no-probe", "--fail-on", "never", "--output", "sarif"]);

        Assert.True(sarif.ExitCode == 0, sarif.All);
        Assert.Empty(await ValidateSarifAsync(sarif.Output));
        using (var document = JsonDocument.Parse(sarif.Output))
        {
            Assert.Contains(document.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "OECFW-REQUIRED-BLOCKED");
        }

        // The fix the audit gives, run as given, clears the finding: the cloud layer now admits 443.
        var fix = blocked.Fixes.First(f => f.StartsWith("oec-cloudfw ", StringComparison.Ordinal));
        var fixArgs = fix["oec-cloudfw ".Length..].Split(' ');
        var fixRun = await DoCli.RunAsync(account.Environment, fixArgs);
        Assert.True(fixRun.ExitCode == 0, fixRun.All);
        var after = await DoCli.RunAsync(env, ["audit", .. Server(server), .. Cloud(account), "--no-probe", "--fail-on", "never", "--output", "json"]);
        Assert.True(Admitted(Port(after.Json(), 443), "cloud"));
        Assert.DoesNotContain(Findings(after.Json()), f => f.Id == "OECFW-REQUIRED-BLOCKED" && f.Message.StartsWith("HTTPS (443)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlanThenApply_TheCloudGetsThePolicysPorts_UfwIsConfigured_ASecondApplyChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var account = await DoAccount.StartAsync();
        var team = DoAccount.Text(account.AddTeamFirewall(openOutbound: true));
        var env = TokenOnly(account);

        var plan = await DoCli.RunAsync(env, ["plan", .. Server(server), .. Cloud(account), "--output", "json"]);

        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.Equal(0, account.Fake.Writes);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        var planned = plan.Json();
        var changes = planned.GetProperty("cloud").GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("change").GetString(), c.GetProperty("rule").GetProperty("ports").GetString(), c.GetProperty("rule").GetProperty("source").GetString())).ToList();
        Assert.Contains(("keep", "22", "0.0.0.0/0"), changes);
        Assert.Contains(("add", "80", "0.0.0.0/0"), changes);
        Assert.Contains(("add", "443", "::/0"), changes);
        Assert.Contains(("extra", "5432", "0.0.0.0/0"), changes);
        Assert.Equal("ufw", planned.GetProperty("server").GetProperty("backend").GetString());

        var apply = await DoCli.RunAsync(env, ["apply", .. Server(server), .. Cloud(account), "--no-probe", "--output", "json"]);

        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(account.Own));
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(account.Own, "::/0"));
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("Status: active", status, StringComparison.Ordinal);
        Assert.Contains("443/tcp", status, StringComparison.Ordinal);
        var applied = apply.Json();
        Assert.Equal(("applied", "confirmed"), (applied.GetProperty("outcome").GetString(), applied.GetProperty("serverOutcome").GetString()));

        var writes = account.Fake.Writes;
        var again = await DoCli.RunAsync(env, ["apply", .. Server(server), .. Cloud(account), "--no-probe", "--output", "json"]);

        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(writes, account.Fake.Writes);
        Assert.Equal("unchanged", again.Json().GetProperty("serverOutcome").GetString());
        Assert.Empty(again.Json().GetProperty("cloudCreated").EnumerateArray());
    }

    [Fact]
    public async Task PlanOut_ThenApplyPlan_AppliesTheSavedPlan()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var account = await DoAccount.StartAsync();
        var env = TokenOnly(account);
        var file = Path.Combine(server.WorkDir, "do.plan.json");

        var plan = await DoCli.RunAsync(env, ["plan", .. Server(server), .. Cloud(account, DoAccount.WebId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "--out", file]);

        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.True(File.Exists(file));
        Assert.Equal(0, account.Fake.Writes);
        Assert.Null(account.Own);

        var apply = await DoCli.RunAsync(env, "apply", "--plan", file, "--no-probe", "--output", "json");

        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Equal(["tcp/22", "tcp/443", "tcp/80"], DoAccount.World(account.Own));
        Assert.Equal(["tcp/22", "tcp/443", "tcp/80"], DoAccount.World(account.Own, "::/0"));
        // No firewall applied before: the tool's own one keeps outbound open (DigitalOcean refuses all outbound of a
        // firewall without outbound rules), so the droplet's egress is as it was.
        Assert.NotEmpty(account.Own!.Outbound);
        Assert.All(account.Own.Outbound, r => Assert.Equal(["0.0.0.0/0", "::/0"], r.Target.Addresses));
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        Assert.Equal("applied", apply.Json().GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task SshPort_MovesSshInBothLayers_TheCloudsOwnRuleFollows()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var account = await DoAccount.StartAsync();
        var env = TokenOnly(account);
        var apply = await DoCli.RunAsync(env, ["apply", .. Server(server), .. Cloud(account), "--no-probe"]);
        Assert.True(apply.ExitCode == 0, apply.All);
        Assert.Equal(["tcp/22", "tcp/443", "tcp/80"], DoAccount.World(account.Own));

        var dry = await DoCli.RunAsync(env, ["server", "ssh-port", .. Server(server), .. Cloud(account), "--to", "2222", "--dry-run"]);
        Assert.True(dry.ExitCode == 0, dry.All);
        Assert.Equal(["tcp/22", "tcp/443", "tcp/80"], DoAccount.World(account.Own));

        var move = await DoCli.RunAsync(env, ["server", "ssh-port", .. Server(server), .. Cloud(account), "--to", "2222", "--output", "json"]);

        Assert.True(move.ExitCode == 0, move.All);
        Assert.Equal("moved", move.Json().GetProperty("outcome").GetString());
        Assert.Equal(["tcp/2222", "tcp/443", "tcp/80"], DoAccount.World(account.Own));
        Assert.Equal(["tcp/2222", "tcp/443", "tcp/80"], DoAccount.World(account.Own, "::/0"));
        Assert.Equal("port 2222\n", await server.ExecAsync("sshd -T | grep '^port '", Ct));
        var ufw = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("2222/tcp", ufw, StringComparison.Ordinal);
        Assert.DoesNotContain("\n22/tcp", ufw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_DoKeysWithTheEndpointInDefaults_Audited_AnUnknownDoKeyIsBadInputNamingFileAndLine()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var account = await DoAccount.StartAsync();
        account.AddTeamFirewall();
        var inventory = Path.Combine(server.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"""
            defaults:
              do_endpoint: {account.Fake.Url}
            servers:
              - host: {server.Address}
                identity: {server.ClientKey}
                known_hosts: {server.KnownHosts}
                do_droplet: web-1
            """, Ct);

        var run = await DoCli.RunAsync(TokenOnly(account), "audit", "--inventory", inventory, "--no-probe", "--fail-on", "never", "--output", "json");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.True(account.Fake.Reads > 0);
        var report = Assert.Single(run.Json().GetProperty("servers").EnumerateArray());
        Assert.Equal("digitalocean droplet web-1", report.GetProperty("cloudLayer").GetString());
        Assert.True(Admitted(Port(report, 5432), "cloud"));
        Assert.False(Admitted(Port(report, 8069), "cloud"));

        var typo = Path.Combine(server.WorkDir, "typo.yaml");
        await File.WriteAllTextAsync(typo, $"""
            servers:
              - host: {server.Address}
                do_droplet: web-1
                do_typo: web-1
            """, Ct);
        var reads = account.Fake.Reads;
        var logins = server.AcceptedLogins;

        var bad = await DoCli.RunAsync(TokenOnly(account), "audit", "--inventory", typo, "--no-probe");

        Assert.True(bad.ExitCode == 2, bad.All);
        Assert.Contains($"{typo}:4", bad.Error, StringComparison.Ordinal);
        Assert.Contains("do_typo", bad.Error, StringComparison.Ordinal);
        Assert.Equal(reads, account.Fake.Reads);
        Assert.Equal(logins, server.AcceptedLogins);

        // do_firewall is a key too: with do_droplet in the same entry it is the same bad input as both flags.
        var twoTargets = Path.Combine(server.WorkDir, "both.yaml");
        await File.WriteAllTextAsync(twoTargets, $"""
            defaults:
              do_endpoint: {account.Fake.Url}
            servers:
              - host: {server.Address}
                do_droplet: web-1
                do_firewall: team-fw
            """, Ct);

        var both = await DoCli.RunAsync(TokenOnly(account), "audit", "--inventory", twoTargets, "--no-probe");

        Assert.True(both.ExitCode == 2, both.All);
        Assert.Contains("do_droplet", both.Error, StringComparison.Ordinal);
        Assert.Contains("do_firewall", both.Error, StringComparison.Ordinal);
        Assert.Contains("are both given", both.Error, StringComparison.Ordinal);
        Assert.Equal(reads, account.Fake.Reads);
        Assert.Equal(logins, server.AcceptedLogins);
    }

    [Fact]
    public async Task LayerFlags_BadInput_ExitTwoNamingTheFlag_BeforeConnectingOrReading()
    {
        await using var account = await DoAccount.StartAsync();
        var env = TokenOnly(account);
        const string Host = "198.19.250.2"; // never reached: every run below stops at its flags

        var both = await DoCli.RunAsync(env, "audit", "--host", Host, "--do-droplet", "web-1", "--do-firewall", "team-fw", "--do-endpoint", account.Fake.Url.ToString());
        var twoClouds = await DoCli.RunAsync(env, "audit", "--host", Host, "--do-droplet", "web-1", "--aws-group", "sg-0123456789abcdef0", "--do-endpoint", account.Fake.Url.ToString());
        var badEndpoint = await DoCli.RunAsync(env, "plan", "--host", Host, "--do-droplet", "web-1", "--do-endpoint", "ftp://api.example.test");
        var noToken = await DoCli.RunAsync(new Dictionary<string, string>(StringComparer.Ordinal), "apply", "--host", Host, "--do-droplet", "web-1", "--do-endpoint", account.Fake.Url.ToString());

        Assert.Equal([2, 2, 2, 2], new[] { both, twoClouds, badEndpoint, noToken }.Select(r => r.ExitCode));
        Assert.Contains("--do-droplet and --do-firewall are both given", both.Error, StringComparison.Ordinal);
        Assert.Contains("one cloud layer at a time", twoClouds.Error, StringComparison.Ordinal);
        Assert.Contains("--do-endpoint 'ftp://api.example.test' is not an http(s) URL", badEndpoint.Error, StringComparison.Ordinal);
        Assert.Contains("DIGITALOCEAN_ACCESS_TOKEN is not set", noToken.Error, StringComparison.Ordinal);
        Assert.Equal((0, 0), account.Counters);
    }

    /// <summary>SARIF against the official SARIF 2.1.0 schema that ./test.sh puts in artifacts/sarif-schema/.</summary>
    private static async Task<IReadOnlyList<string>> ValidateSarifAsync(string sarif)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "OecCloudFw.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }

        var schema = await JsonSchema.FromFileAsync(Path.Combine(dir, "artifacts", "sarif-schema", "sarif-2.1.0-rtm.5.json"), Ct);
        return schema.Validate(sarif).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }
}
