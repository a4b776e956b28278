using System.Text.Json;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Cli;

/// <summary>
/// <c>digitalocean open | close | show</c> through the whole CLI, against the fake API over real HTTP: exit codes, the
/// fake's state and its read/write counters, and the documents (each validated against its shipped schema).
/// </summary>
public sealed class DigitalOceanCommandsTests
{
    private const string Team = DoAccount.TeamFirewallId;

    private static List<(string Change, string Ports, string Source)> Changes(JsonElement open) =>
        open.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("change").GetString()!, c.GetProperty("rule").GetProperty("ports").GetString()!, c.GetProperty("rule").GetProperty("source").GetString()!)).ToList();

    [Fact]
    public async Task Open_DryRunWritesNothing_OpenAddsOnlyWhatIsMissing_TheTeamsFirewallUntouched_ASecondOpenWritesNothing()
    {
        await using var account = await DoAccount.StartAsync();
        var team = DoAccount.Text(account.AddTeamFirewall());

        var dry = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1", "--dry-run", "--output", "json");

        Assert.True(dry.ExitCode == 0, dry.All);
        Assert.Equal(0, account.Fake.Writes);
        Assert.Single(account.Fake.Firewalls);
        var planned = dry.Json();
        Assert.Equal(("digitalocean", true, false, false), (planned.GetProperty("provider").GetString(), planned.GetProperty("dryRun").GetBoolean(), planned.GetProperty("applied").GetBoolean(), planned.GetProperty("compliant").GetBoolean()));
        var changes = Changes(planned);
        // SSH is already admitted by the team's firewall (kept, covered by its rule); 80 and 443 are missing on both
        // families; the team's 5432 is someone else's, reported and left alone.
        Assert.Contains(("keep", "22", "0.0.0.0/0"), changes);
        Assert.Contains(("keep", "22", "::/0"), changes);
        Assert.Equal(["443/0.0.0.0/0", "443/::/0", "80/0.0.0.0/0", "80/::/0"], changes.Where(c => c.Change == "add").Select(c => $"{c.Ports}/{c.Source}").Order(StringComparer.Ordinal));
        Assert.Contains(("extra", "5432", "0.0.0.0/0"), changes);
        Assert.Equal(
            ["create firewall oecfw-3164444 applied to droplet web-1 (3164444) (its other firewalls stay; rules combine)",
             "add inbound tcp/80 from 0.0.0.0/0 to oecfw-3164444", "add inbound tcp/80 from ::/0 to oecfw-3164444",
             "add inbound tcp/443 from 0.0.0.0/0 to oecfw-3164444", "add inbound tcp/443 from ::/0 to oecfw-3164444"],
            planned.GetProperty("writes").EnumerateArray().Select(w => w.GetString()));
        Assert.Empty(planned.GetProperty("created").EnumerateArray());

        var open = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1");

        Assert.True(open.ExitCode == 0, open.All);
        Assert.Contains("wrote: add inbound tcp/443 from ::/0 to oecfw-3164444", open.Output, StringComparison.Ordinal);
        Assert.Contains("to undo: doctl compute firewall delete ", open.Output, StringComparison.Ordinal);
        Assert.Equal(1, account.Fake.Calls("firewalls_create"));
        var own = account.Own;
        Assert.NotNull(own);
        Assert.Equal([DoAccount.WebId], own.DropletIds);
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(own));
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(own, "::/0"));
        Assert.Empty(own.Outbound);
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));

        var writes = account.Fake.Writes;
        var again = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", DoAccount.WebId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", "json");

        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(writes, account.Fake.Writes);
        var second = again.Json();
        Assert.True(second.GetProperty("compliant").GetBoolean());
        Assert.Empty(second.GetProperty("writes").EnumerateArray());
        Assert.Empty(second.GetProperty("created").EnumerateArray());
        Assert.DoesNotContain(Changes(second), c => c.Change == "add");
        Assert.Equal(2, account.Fake.Firewalls.Count);
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));
    }

    [Fact]
    public async Task Open_Prune_RemovesOnlyTheToolsOwnRulesThePolicyNoLongerWants()
    {
        await using var account = await DoAccount.StartAsync();
        var team = DoAccount.Text(account.AddTeamFirewall());
        var opened = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1", "--optional", "8069");
        Assert.True(opened.ExitCode == 0, opened.All);
        Assert.Equal(["tcp/443", "tcp/80", "tcp/8069"], DoAccount.World(account.Own));

        // Without --prune, open is additive: the tool's 8069 stays though this policy no longer names it.
        var additive = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1", "--output", "json");
        Assert.True(additive.ExitCode == 0, additive.All);
        Assert.Equal(["tcp/443", "tcp/80", "tcp/8069"], DoAccount.World(account.Own));

        var writes = account.Fake.Writes;
        var pruned = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1", "--prune", "--output", "json");

        Assert.True(pruned.ExitCode == 0, pruned.All);
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(account.Own));
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(account.Own, "::/0"));
        Assert.Equal(1, account.Fake.Calls("firewalls_delete_rules"));
        Assert.True(account.Fake.Writes > writes);
        var removed = pruned.Json().GetProperty("removed").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.NotEmpty(removed);
        Assert.All(removed, r => Assert.Contains("8069", r, StringComparison.Ordinal));
        // Someone else's 5432 is not the tool's: never pruned.
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));
    }

    [Fact]
    public async Task Close_RemovesTheToolsRule_NamesAndKeepsSomeoneElses_RefusesSshWithoutForce()
    {
        await using var account = await DoAccount.StartAsync();
        var team = DoAccount.Text(account.AddTeamFirewall());
        var opened = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1", "--optional", "5432", "--source", "203.0.113.0/24");
        Assert.True(opened.ExitCode == 0, opened.All);
        Assert.Equal(["tcp/443", "tcp/80"], DoAccount.World(account.Own));
        Assert.Contains(account.Own!.Inbound, r => r.Ports == "5432" && r.Target.Addresses.SequenceEqual(["203.0.113.0/24"]));

        // 80 is only the tool's: removed on both families, nothing else admits it, exit 0.
        var close80 = await DoCli.RunAsync(account.Environment, "digitalocean", "close", "--droplet", "web-1", "--port", "80", "--output", "json");

        Assert.True(close80.ExitCode == 0, close80.All);
        Assert.Equal(["tcp/443"], DoAccount.World(account.Own));
        Assert.Equal(["tcp/443"], DoAccount.World(account.Own, "::/0"));
        var closed = close80.Json();
        Assert.False(closed.GetProperty("stillOpen").GetBoolean());
        Assert.Equal(2, closed.GetProperty("removed").GetArrayLength());
        Assert.Empty(closed.GetProperty("leftForeign").EnumerateArray());

        // 5432: the tool's rules go; the team's rule is named, kept, and still admits it (exit 1).
        var close5432 = await DoCli.RunAsync(account.Environment, "digitalocean", "close", "--droplet", "web-1", "--port", "5432");

        Assert.True(close5432.ExitCode == 1, close5432.All);
        Assert.Equal(["tcp/443"], DoAccount.World(account.Own));
        Assert.DoesNotContain(account.Own!.Inbound, r => r.Ports == "5432");
        Assert.Contains("removed allow tcp/5432 from 203.0.113.0/24", close5432.Output, StringComparison.Ordinal);
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));
        Assert.Contains("left allow tcp/5432 from 0.0.0.0/0: not created by oec-cloudfw, so it is never removed by it.", close5432.Output, StringComparison.Ordinal);
        Assert.Matches(@"To remove it yourself: doctl compute firewall remove-rules [0-9a-f-]+ --inbound-rules ""protocol:tcp,ports:5432,address:0\.0\.0\.0/0""", close5432.Output);
        Assert.Contains("still admitted: ", close5432.Output, StringComparison.Ordinal);
        Assert.Contains("team-fw inbound rule 2: allow tcp/5432 from 0.0.0.0/0", close5432.Output, StringComparison.Ordinal);

        // The SSH port: refused before anything is read or written.
        var (reads, writes) = account.Counters;
        var ssh = await DoCli.RunAsync(account.Environment, "digitalocean", "close", "--droplet", "web-1", "--port", "22");

        Assert.True(ssh.ExitCode == 2, ssh.All);
        Assert.Contains("refusing to close the SSH port 22", ssh.Error, StringComparison.Ordinal);
        Assert.Contains("--force", ssh.Error, StringComparison.Ordinal);
        Assert.Equal((reads, writes), account.Counters);
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));

        // With --force SSH is judged like any port: the tool has no SSH rule, the team's is named and kept.
        var forced = await DoCli.RunAsync(account.Environment, "digitalocean", "close", "--droplet", "web-1", "--port", "22", "--force", "--output", "json");
        Assert.True(forced.ExitCode == 1, forced.All);
        Assert.Equal(writes, account.Fake.Writes);
        Assert.Equal(2, forced.Json().GetProperty("leftForeign").GetArrayLength());
        Assert.Equal(team, DoAccount.Text(account.Firewall("team-fw")));
    }

    [Fact]
    public async Task Show_RulesPortsAndFindingsWithExactFixes_ReadsOnly_FailOn()
    {
        await using var account = await DoAccount.StartAsync();
        account.AddTeamFirewall();
        Assert.Equal(0, (await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-1")).ExitCode);
        var ownId = account.Own!.Id;
        var writes = account.Fake.Writes;

        var json = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--droplet", "web-1", "--output", "json");
        var table = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--droplet", "web-1");
        var failOn = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--droplet", "web-1", "--fail-on", "critical");
        var never = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--firewall", "team-fw", "--fail-on", "never", "--output", "json");

        Assert.Equal(writes, account.Fake.Writes);
        Assert.True(json.ExitCode == 0, json.All);
        var shown = json.Json();
        Assert.Equal("digitalocean droplet web-1", shown.GetProperty("target").GetString());
        var rules = shown.GetProperty("rules").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains($"team-fw ({Team}) inbound tcp/5432 from 0.0.0.0/0", rules);
        Assert.Contains($"team-fw ({Team}) inbound tcp/443 from tag:db", rules);
        Assert.Contains($"oecfw-3164444 ({ownId}) inbound tcp/80 from ::/0", rules);
        var ports = shown.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetInt32(), p => (p.GetProperty("ipv4").GetString(), p.GetProperty("ipv6").GetString()));
        Assert.Equal(("admitted", "admitted"), ports[22]);
        Assert.Equal(("admitted", "admitted"), ports[443]);
        Assert.Equal(("admitted", "refused"), ports[5432]);
        Assert.Equal(("refused", "refused"), ports[8069]);
        var findings = shown.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("fixes").EnumerateArray().Select(x => x.GetString()!).ToList());
        Assert.Equal([$"doctl compute firewall remove-rules {Team} --inbound-rules \"protocol:tcp,ports:5432,address:0.0.0.0/0\""], findings["OECFW-PORT-INTERNET"]);
        Assert.Equal(
            ["oec-cloudfw digitalocean open --droplet 3164444 --port 22 --ssh-source <management-ip>/32",
             $"doctl compute firewall add-rules {ownId} --inbound-rules \"protocol:tcp,ports:22,address:<management-ip>/32\"",
             $"doctl compute firewall remove-rules {Team} --inbound-rules \"protocol:tcp,ports:22,address:0.0.0.0/0,address:::/0\""],
            findings["OECFW-SSH-INTERNET"]);

        Assert.True(table.ExitCode == 0, table.All);
        Assert.Contains("From the internet: 22 admitted, 80 admitted, 443 admitted, 8069 refused, 8072 refused, 5432 admitted (IPv6 refused)", table.Output, StringComparison.Ordinal);
        Assert.Contains("CRITICAL OECFW-PORT-INTERNET: PostgreSQL (5432) is open to the internet (IPv4)", table.Output, StringComparison.Ordinal);
        Assert.Contains($"fix: doctl compute firewall remove-rules {Team} --inbound-rules \"protocol:tcp,ports:5432,address:0.0.0.0/0\"", table.Output, StringComparison.Ordinal);

        Assert.True(failOn.ExitCode == 1, failOn.All);

        // One firewall by name, judged alone (its droplets taken as reachable): the same 5432 finding, exit 0 with --fail-on never.
        Assert.True(never.ExitCode == 0, never.All);
        Assert.Contains(never.Json().GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET");
        Assert.DoesNotContain(never.Json().GetProperty("rules").EnumerateArray(), r => r.GetString()!.StartsWith("oecfw-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadInput_ExitTwoNamingTheFlagOrVariable_BeforeAnyRequest()
    {
        await using var account = await DoAccount.StartAsync();
        var env = account.Environment;
        var noToken = new Dictionary<string, string>(env, StringComparer.Ordinal);
        noToken.Remove(DigitalOceanProvider.TokenVariable);
        var badVariable = new Dictionary<string, string>(env, StringComparer.Ordinal) { [DigitalOceanProvider.EndpointVariable] = "api.example.test" };

        var noTarget = await DoCli.RunAsync(env, "digitalocean", "show");
        var both = await DoCli.RunAsync(env, "digitalocean", "open", "--droplet", "web-1", "--firewall", "team-fw");
        var missingToken = await DoCli.RunAsync(noToken, "digitalocean", "show", "--droplet", "web-1");
        var badEndpoint = await DoCli.RunAsync(env, "digitalocean", "close", "--droplet", "web-1", "--port", "80", "--endpoint-url", "ftp://api.example.test");
        var badEnvEndpoint = await DoCli.RunAsync(badVariable, "digitalocean", "show", "--droplet", "web-1");
        var badOutput = await DoCli.RunAsync(env, "digitalocean", "show", "--droplet", "web-1", "--output", "xml");
        var badPort = await DoCli.RunAsync(env, "digitalocean", "close", "--droplet", "web-1", "--port", "http");

        Assert.Equal([2, 2, 2, 2, 2, 2, 2], new[] { noTarget, both, missingToken, badEndpoint, badEnvEndpoint, badOutput, badPort }.Select(r => r.ExitCode));
        Assert.Contains("--droplet NAME|ID or --firewall NAME|ID", noTarget.Error, StringComparison.Ordinal);
        Assert.Contains("--droplet and --firewall are both given", both.Error, StringComparison.Ordinal);
        Assert.Contains("DIGITALOCEAN_ACCESS_TOKEN is not set", missingToken.Error, StringComparison.Ordinal);
        Assert.Contains("--endpoint-url 'ftp://api.example.test' is not an http(s) URL", badEndpoint.Error, StringComparison.Ordinal);
        Assert.Contains("DIGITALOCEAN_API_URL 'api.example.test' is not an http(s) URL", badEnvEndpoint.Error, StringComparison.Ordinal);
        Assert.Contains("--output", badOutput.Error, StringComparison.Ordinal);
        Assert.Contains("--port", badPort.Error, StringComparison.Ordinal);
        foreach (var run in new[] { noTarget, both, missingToken, badEndpoint, badEnvEndpoint, badOutput, badPort })
        {
            Assert.Empty(run.Output);
            Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        }

        Assert.Equal((0, 0), account.Counters);
        Assert.Empty(account.Fake.Firewalls);
    }

    [Fact]
    public async Task ProviderErrors_ExitThreeWithDigitalOceansMessage()
    {
        await using var account = await DoAccount.StartAsync();
        account.AddTeamFirewall();
        var wrongToken = new Dictionary<string, string>(account.Environment, StringComparer.Ordinal) { [DigitalOceanProvider.TokenVariable] = "dop_v1_revoked" };
        var readOnly = new Dictionary<string, string>(account.Environment, StringComparer.Ordinal) { [DigitalOceanProvider.TokenVariable] = DigitalOceanFake.ReadOnlyToken };

        var unauthorized = await DoCli.RunAsync(wrongToken, "digitalocean", "show", "--droplet", "web-1");
        var unknownId = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--droplet", "999999");
        var unknownName = await DoCli.RunAsync(account.Environment, "digitalocean", "open", "--droplet", "web-9");
        var unknownFirewall = await DoCli.RunAsync(account.Environment, "digitalocean", "show", "--firewall", "0f0f0f0f-0000-4000-8000-000000000000");
        var forbidden = await DoCli.RunAsync(readOnly, "digitalocean", "open", "--droplet", "web-1");

        Assert.Equal([3, 3, 3, 3, 3], new[] { unauthorized, unknownId, unknownName, unknownFirewall, forbidden }.Select(r => r.ExitCode));
        Assert.Contains("Unable to authenticate you", unauthorized.Error, StringComparison.Ordinal);
        Assert.Contains("999999", unknownId.Error, StringComparison.Ordinal);
        Assert.Contains("The resource you requested could not be found.", unknownId.Error, StringComparison.Ordinal);
        Assert.Contains("no droplet is named web-9", unknownName.Error, StringComparison.Ordinal);
        Assert.Contains("0f0f0f0f-0000-4000-8000-000000000000", unknownFirewall.Error, StringComparison.Ordinal);
        Assert.Contains("403", forbidden.Error, StringComparison.Ordinal);
        foreach (var run in new[] { unauthorized, unknownId, unknownName, unknownFirewall, forbidden })
        {
            Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        }

        // The read-only token's write was refused (403): nothing was created.
        Assert.Equal(["team-fw"], account.Fake.Firewalls.Select(f => f.Name));
    }
}
