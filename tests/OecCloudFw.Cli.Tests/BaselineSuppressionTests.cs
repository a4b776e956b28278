using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>--baseline</c> and <c>--suppressions</c> on real test servers: findings new, unchanged or fixed since a saved
/// audit, suppressed ones shown and never failing, an expired suppression itself a finding; one server, a fleet, and
/// shards merged with them equal to the unsharded run.
/// </summary>
public sealed class BaselineSuppressionTests(ShardFleet fleet) : IClassFixture<ShardFleet>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Before the suppressions below expire (2027-01-31), and after.</summary>
    private static readonly FakeTimeProvider Before = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    private static readonly FakeTimeProvider After = new(new DateTimeOffset(2027, 2, 1, 0, 30, 0, TimeSpan.Zero));

    private static List<JsonNode> Findings(string output) =>
        [.. JsonNode.Parse(output)!["findings"]!.AsArray().Select(f => f!)];

    private static JsonNode Finding(string output, string id, int port) =>
        Findings(output).Single(f => f["id"]!.GetValue<string>() == id && f["port"]?.GetValue<int>() == port);

    [Fact]
    public async Task OneServer_NewUnchangedFixed_FailOnCountsOnlyNew_SuppressedNeverFails_ExpiredIsAFinding()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 5432/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var folder = Directory.CreateTempSubdirectory("oecfw-baseline-").FullName;
        try
        {
            string[] audit = ["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--fail-on", "warning"];
            var first = await CliHarness.RunAsync(Before, [.. audit, "--output", "json"]);
            Assert.Equal(1, first.ExitCode);
            Assert.Null(Finding(first.Output, "OECFW-PORT-INTERNET", 5432)["status"]); // no baseline, no suppressions: no status
            var baseline = Path.Combine(folder, "baseline.json");
            await File.WriteAllTextAsync(baseline, first.Output, Ct);

            // The server changes: PostgreSQL closed, PgBouncer opened.
            await server.ExecAsync("ufw delete allow 5432/tcp >/dev/null; ufw allow 6432/tcp >/dev/null", Ct);
            var second = await CliHarness.RunAsync(Before, [.. audit, "--output", "json", "--baseline", baseline]);
            Assert.True(second.ExitCode == 1, second.Error);
            var json = JsonNode.Parse(second.Output)!;
            Assert.Equal("oec-cloudfw/audit/v4", json["schema"]!.GetValue<string>());
            Assert.Equal(baseline, json["baseline"]!.GetValue<string>());
            Assert.Equal("new", Finding(second.Output, "OECFW-PORT-INTERNET", 6432)["status"]!.GetValue<string>());
            var others = Findings(second.Output).Where(f => f["port"]?.GetValue<int>() != 6432).ToList();
            Assert.NotEmpty(others);
            Assert.All(others, f => Assert.Equal("unchanged", f["status"]!.GetValue<string>()));
            var fixedNow = json["fixed"]!.AsArray().Single()!;
            Assert.Equal("OECFW-PORT-INTERNET", fixedNow["id"]!.GetValue<string>());
            Assert.Equal(server.Address, fixedNow["server"]!.GetValue<string>());
            Assert.Equal(Finding(first.Output, "OECFW-PORT-INTERNET", 5432)["fingerprint"]!.GetValue<string>(), fixedNow["fingerprint"]!.GetValue<string>());
            Assert.StartsWith("PostgreSQL (5432)", fixedNow["message"]!.GetValue<string>(), StringComparison.Ordinal);

            // The table: each finding labelled, and the summary.
            var table = await CliHarness.RunAsync(Before, [.. audit, "--baseline", baseline]);
            Assert.Equal(1, table.ExitCode);
            Assert.Contains("[new] OECFW-PORT-INTERNET: PgBouncer (primary) (6432)", table.Output, StringComparison.Ordinal);
            Assert.Contains("[unchanged] ", table.Output, StringComparison.Ordinal);
            Assert.Contains($"1 new, {others.Count} unchanged, 1 fixed since {baseline}; 0 suppressed", table.Output, StringComparison.Ordinal);

            // Against the second run only unchanged findings remain: exit 0 though they are warnings (and 1 without the baseline).
            var secondBaseline = Path.Combine(folder, "second.json");
            await File.WriteAllTextAsync(secondBaseline, second.Output, Ct);
            Assert.Equal(0, (await CliHarness.RunAsync(Before, [.. audit, "--output", "json", "--baseline", secondBaseline])).ExitCode);
            Assert.Equal(1, (await CliHarness.RunAsync(Before, [.. audit, "--output", "json"])).ExitCode);

            // The new finding suppressed: shown as suppressed with its reason, owner and expiry; exit 0.
            var suppressions = Path.Combine(folder, "suppressions.yaml");
            await File.WriteAllTextAsync(suppressions, $"suppressions:\n  - id: OECFW-PORT-INTERNET\n    server: \"?{server.Address[1..]}\"\n    port: 6432\n    reason: the pooler is behind a VPN\n    owner: dba-team\n    expires: 2027-01-31\n", Ct);
            var suppressed = await CliHarness.RunAsync(Before, [.. audit, "--output", "json", "--baseline", baseline, "--suppressions", suppressions]);
            Assert.True(suppressed.ExitCode == 0, suppressed.Error + suppressed.Output);
            var muted = Finding(suppressed.Output, "OECFW-PORT-INTERNET", 6432);
            Assert.Equal("suppressed", muted["status"]!.GetValue<string>());
            Assert.Equal("the pooler is behind a VPN", muted["suppression"]!["reason"]!.GetValue<string>());
            Assert.Equal("dba-team", muted["suppression"]!["owner"]!.GetValue<string>());
            Assert.Equal("2027-01-31", muted["suppression"]!["expires"]!.GetValue<string>());
            Assert.Equal($"{suppressions}:2", muted["suppression"]!["source"]!.GetValue<string>());
            var mutedTable = await CliHarness.RunAsync(Before, [.. audit, "--baseline", baseline, "--suppressions", suppressions]);
            Assert.Equal(0, mutedTable.ExitCode);
            Assert.Contains($"[suppressed: the pooler is behind a VPN (dba-team, until 2027-01-31, {suppressions}:2)] OECFW-PORT-INTERNET", mutedTable.Output, StringComparison.Ordinal);

            // SARIF: baselineState on each result, the suppression with its justification; valid SARIF 2.1.0.
            var sarif = await CliHarness.RunAsync(Before, [.. audit, "--output", "sarif", "--baseline", baseline, "--suppressions", suppressions]);
            Assert.Equal(0, sarif.ExitCode);
            var errors = await SarifSchema.ValidateAsync(sarif.Output);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            var results = JsonNode.Parse(sarif.Output)!["runs"]![0]!["results"]!.AsArray().Select(r => r!).ToList();
            var result = results.Single(r => r["suppressions"] is not null);
            Assert.Equal("OECFW-PORT-INTERNET", result["ruleId"]!.GetValue<string>());
            Assert.Equal("new", result["baselineState"]!.GetValue<string>());
            Assert.Equal("external", result["suppressions"]![0]!["kind"]!.GetValue<string>());
            Assert.Equal("accepted", result["suppressions"]![0]!["status"]!.GetValue<string>());
            Assert.Equal("the pooler is behind a VPN (dba-team, until 2027-01-31)", result["suppressions"]![0]!["justification"]!.GetValue<string>());
            Assert.All(results.Where(r => r != result), r => Assert.Equal("unchanged", r["baselineState"]!.GetValue<string>()));

            // Expired (the next day): the finding counts again, and the suppression is itself a finding naming the file and line.
            var expired = await CliHarness.RunAsync(After, [.. audit, "--output", "json", "--baseline", baseline, "--suppressions", suppressions]);
            Assert.Equal(1, expired.ExitCode);
            Assert.Equal("new", Finding(expired.Output, "OECFW-PORT-INTERNET", 6432)["status"]!.GetValue<string>());
            var stale = Finding(expired.Output, "OECFW-SUPPRESSION-EXPIRED", 6432);
            Assert.Equal("warning", stale["severity"]!.GetValue<string>());
            Assert.Equal("new", stale["status"]!.GetValue<string>());
            var message = stale["message"]!.GetValue<string>();
            Assert.Contains($"OECFW-PORT-INTERNET on {server.Address} port 6432 at {suppressions}:2 (owner dba-team) expired on 2027-01-31", message, StringComparison.Ordinal);
            Assert.Contains("today is 2027-02-01", stale["evidence"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("OECFW-SUPPRESSION-EXPIRED", suppressed.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task BadBaselines_Exit2NamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("oecfw-baseline-").FullName;
        try
        {
            var old = Path.Combine(folder, "old.json");
            await File.WriteAllTextAsync(old, "{\"schema\": \"oec-cloudfw/audit/v2\", \"server\": \"a\", \"findings\": []}", Ct);
            var notAudit = Path.Combine(folder, "plan.json");
            await File.WriteAllTextAsync(notAudit, "{\"schema\": \"oec-cloudfw/plan/v4\"}", Ct);
            var badYaml = Path.Combine(folder, "s.yaml");
            await File.WriteAllTextAsync(badYaml, "suppressions:\n  - id: OECFW-SSH-INTERNET\n    server: web-*\n    reason: r\n    owner: o\n    expires: soon\n", Ct);

            var v2 = await CliHarness.RunAsync("audit", "--local", "--no-probe", "--baseline", old);
            Assert.Equal(2, v2.ExitCode);
            Assert.Contains($"--baseline '{old}': oec-cloudfw/audit/v2 is from an older oec-cloudfw", v2.Error, StringComparison.Ordinal);
            Assert.Contains("run the audit again with this version", v2.Error, StringComparison.Ordinal);
            var plan = await CliHarness.RunAsync("merge", "--baseline", notAudit, old);
            Assert.Equal(2, plan.ExitCode);
            var missing = await CliHarness.RunAsync("audit", "--local", "--no-probe", "--baseline", Path.Combine(folder, "nope.json"));
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("no such file", missing.Error, StringComparison.Ordinal);
            var yaml = await CliHarness.RunAsync("audit", "--local", "--no-probe", "--suppressions", badYaml);
            Assert.Equal(2, yaml.ExitCode);
            Assert.Contains($"{badYaml}:6: suppressions[0].expires: 'soon' is not a date", yaml.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Fleet_BaselineAndSuppressions_ByGlob_AndShardsMergedWithThemEqualTheUnshardedRun()
    {
        var folder = Directory.CreateTempSubdirectory("oecfw-fleet-baseline-").FullName;
        string[] audit = ["audit", "--inventory", fleet.Inventory, "--no-probe", "--output", "json"];
        try
        {
            var first = await CliHarness.RunAsync(Before, audit);
            Assert.True(first.ExitCode == 1, first.Error); // PostgreSQL open on the second server: critical
            var baseline = Path.Combine(folder, "baseline.json");
            await File.WriteAllTextAsync(baseline, first.Output, Ct);

            // The configured server opens PostgreSQL: a new critical finding there.
            await fleet.Servers[0].ExecAsync("ufw allow 5432/tcp >/dev/null", Ct);
            var changed = await CliHarness.RunAsync(Before, [.. audit, "--baseline", baseline]);
            Assert.Equal(1, changed.ExitCode);
            var servers = JsonNode.Parse(changed.Output)!["servers"]!.AsArray().Select(s => s!).ToList();
            Assert.Equal("oec-cloudfw/audit-fleet/v4", JsonNode.Parse(changed.Output)!["schema"]!.GetValue<string>());
            JsonNode Of(int i, string id, int port) => servers[i]["findings"]!.AsArray().Single(f => f!["id"]!.GetValue<string>() == id && f["port"]?.GetValue<int>() == port)!;
            Assert.Equal("new", Of(0, "OECFW-PORT-INTERNET", 5432)["status"]!.GetValue<string>());
            Assert.Equal("unchanged", Of(1, "OECFW-PORT-INTERNET", 5432)["status"]!.GetValue<string>());
            Assert.All(servers, s => Assert.Empty(s["fixed"]!.AsArray()));

            // Suppressed by a glob on the first server only: exit 0; the second server's (unchanged) finding is not suppressed.
            var suppressions = Path.Combine(folder, "suppressions.yaml");
            await File.WriteAllTextAsync(suppressions, $"suppressions:\n  - id: OECFW-PORT-INTERNET\n    server: \"?{fleet.Servers[0].Address[1..]}\"\n    port: 5432\n    reason: migration window\n    owner: ops\n    expires: 2027-01-31\n", Ct);
            string[] judged = [.. audit, "--baseline", baseline, "--suppressions", suppressions];
            var whole = await CliHarness.RunAsync(Before, judged);
            Assert.True(whole.ExitCode == 0, whole.Error);
            servers = [.. JsonNode.Parse(whole.Output)!["servers"]!.AsArray().Select(s => s!)];
            Assert.Equal("suppressed", Of(0, "OECFW-PORT-INTERNET", 5432)["status"]!.GetValue<string>());
            Assert.Equal("unchanged", Of(1, "OECFW-PORT-INTERNET", 5432)["status"]!.GetValue<string>());

            // Shards audited plainly, merged with --baseline and --suppressions: the unsharded run's document and exit code.
            var shards = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var shard = await CliHarness.RunAsync(Before, [.. audit, "--shard", $"{i}/2", "--fail-on", "never"]);
                Assert.True(shard.ExitCode == 0, shard.Error);
                shards.Add(Path.Combine(folder, $"shard-{i}.json"));
                await File.WriteAllTextAsync(shards[^1], shard.Output, Ct);
            }

            var merged = await CliHarness.RunAsync(Before, ["merge", .. shards, "--baseline", baseline, "--suppressions", suppressions]);
            Assert.Equal(whole.ExitCode, merged.ExitCode);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(whole.Output), JsonNode.Parse(merged.Output)), $"merged differs from the unsharded run:\n--- unsharded\n{whole.Output}\n--- merged\n{merged.Output}");

            // SARIF shards audited with the flags themselves, merged: one run, the results' baselineState and suppressions kept, the unsharded exit code.
            var sarifShards = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var shard = await CliHarness.RunAsync(Before, [.. judged[..^6], "--output", "sarif", "--shard", $"{i}/2", "--fail-on", "never", .. judged[^4..]]);
                Assert.True(shard.ExitCode == 0, shard.Error);
                sarifShards.Add(Path.Combine(folder, $"shard-{i}.sarif"));
                await File.WriteAllTextAsync(sarifShards[^1], shard.Output, Ct);
            }

            var sarifWhole = await CliHarness.RunAsync(Before, [.. judged[..^6], "--output", "sarif", .. judged[^4..]]);
            var sarifMerged = await CliHarness.RunAsync(Before, ["merge", .. sarifShards]);
            Assert.Equal(0, sarifWhole.ExitCode);
            Assert.Equal(0, sarifMerged.ExitCode);
            Assert.Equal(1, (await CliHarness.RunAsync(Before, [.. judged[..^6], "--output", "sarif"])).ExitCode); // the same without the flags fails
            var mergedResults = JsonNode.Parse(sarifMerged.Output)!["runs"]![0]!["results"]!.AsArray();
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sarifWhole.Output)!["runs"]![0]!["results"], mergedResults));
            Assert.Single(mergedResults, r => r!["suppressions"] is not null);
            Assert.All(mergedResults, r => Assert.NotNull(r!["baselineState"]));
            var refused = await CliHarness.RunAsync(Before, ["merge", .. sarifShards, "--baseline", baseline]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("--baseline applies to JSON shards", refused.Error, StringComparison.Ordinal);

            // Expired: the first server's finding fails again, the expired suppression is a finding there; merge says the same.
            var expiredWhole = await CliHarness.RunAsync(After, judged);
            var expiredMerged = await CliHarness.RunAsync(After, ["merge", .. shards, "--baseline", baseline, "--suppressions", suppressions]);
            Assert.Equal(1, expiredWhole.ExitCode);
            Assert.Equal(1, expiredMerged.ExitCode);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expiredWhole.Output), JsonNode.Parse(expiredMerged.Output)));
            servers = [.. JsonNode.Parse(expiredWhole.Output)!["servers"]!.AsArray().Select(s => s!)];
            Assert.Equal("warning", Of(0, "OECFW-SUPPRESSION-EXPIRED", 5432)["severity"]!.GetValue<string>());
            Assert.DoesNotContain(servers[1]["findings"]!.AsArray(), f => f!["id"]!.GetValue<string>() == "OECFW-SUPPRESSION-EXPIRED");
        }
        finally
        {
            await fleet.Servers[0].ExecAsync("ufw delete allow 5432/tcp >/dev/null", Ct);
            Directory.Delete(folder, recursive: true);
        }
    }
}
