using System.Text.Json.Nodes;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Core;

namespace OecCloudFw.Cli.Tests;

/// <summary>Which shard a host is in, where the shard comes from (flag, Kubernetes, AWS Batch), and merge's checks: pure.</summary>
public sealed class ShardTests
{
    private sealed class Env(Dictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }

    private static List<string> Hosts(int count) => [.. Enumerable.Range(0, count).Select(i => $"web-{i}.example.net")];

    [Fact]
    public void Of_HostsAdded_NoOtherHostChangesShard()
    {
        var before = Hosts(500).ToDictionary(h => h, h => Shard.Of(h, 8));
        var grown = Hosts(700).ToDictionary(h => h, h => Shard.Of(h, 8));

        Assert.All(before, b => Assert.Equal(b.Value, grown[b.Key]));
        Assert.Equal(Shard.Of("WEB-1.example.net", 8), Shard.Of("web-1.example.net", 8));
    }

    [Fact]
    public void Of_ShardsAdded_OnlyHostsMovingToTheNewShardMove()
    {
        var moved = Hosts(1000).Where(h => Shard.Of(h, 8) != Shard.Of(h, 9)).ToList();

        Assert.All(moved, h => Assert.Equal(8, Shard.Of(h, 9)));
        Assert.InRange(moved.Count, 60, 170); // about 1000/9
    }

    [Fact]
    public void Of_ManyHosts_EveryShardTakesAboutItsShare()
    {
        var counts = Hosts(4000).GroupBy(h => Shard.Of(h, 4)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal([0, 1, 2, 3], counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150));
    }

    [Theory]
    [InlineData("2/4", null, 2, 4)]
    [InlineData("0/1", null, 0, 1)]
    public void Choose_Flag_IsTheShard(string flag, int? total, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Choose(flag, total, new Env([])));

    [Theory]
    [InlineData("4/4", "shard 4 of 4 does not exist")]
    [InlineData("1/0", "must be 1-10000")]
    [InlineData("-1/4", "is not INDEX/TOTAL")]
    [InlineData("1-4", "is not INDEX/TOTAL")]
    [InlineData("a/b", "is not INDEX/TOTAL")]
    public void Choose_BadFlag_BadInputNamingShard(string flag, string says)
    {
        var error = Assert.Throws<InvalidInputException>(() => Shard.Choose(flag, null, new Env([])));

        Assert.Contains("--shard", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_Kubernetes_IndexWithTotalFromFlagOrVariable_WithoutTotalSaysSo()
    {
        Assert.Equal(new Shard(1, 3), Shard.Choose(null, 3, new Env(new() { ["JOB_COMPLETION_INDEX"] = "1" })));
        Assert.Equal(new Shard(2, 3), Shard.Choose(null, null, new Env(new() { ["JOB_COMPLETION_INDEX"] = "2", ["OECFW_SHARD_TOTAL"] = "3" })));
        var missing = Assert.Throws<InvalidInputException>(() => Shard.Choose(null, null, new Env(new() { ["JOB_COMPLETION_INDEX"] = "2" })));
        Assert.Contains("--shard-total", missing.Message, StringComparison.Ordinal);
        Assert.Contains("OECFW_SHARD_TOTAL", missing.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidInputException>(() => Shard.Choose(null, 2, new Env(new() { ["JOB_COMPLETION_INDEX"] = "2" })));
    }

    [Fact]
    public void Choose_AwsBatch_IndexAndSize_FlagWins_NoneIsTheWholeFleet()
    {
        var batch = new Env(new() { ["AWS_BATCH_JOB_ARRAY_INDEX"] = "4", ["AWS_BATCH_JOB_ARRAY_SIZE"] = "5" });

        Assert.Equal(new Shard(4, 5), Shard.Choose(null, null, batch));
        Assert.Equal(new Shard(0, 2), Shard.Choose("0/2", null, batch));
        Assert.Null(Shard.Choose(null, null, new Env([])));
        Assert.Contains("AWS_BATCH_JOB_ARRAY_SIZE", Assert.Throws<InvalidInputException>(() => Shard.Choose(null, null, new Env(new() { ["AWS_BATCH_JOB_ARRAY_INDEX"] = "0" }))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_ShardWithoutInventory_ExitTwoNamingShard()
    {
        var run = await CliHarness.RunAsync("audit", "--host", "198.19.250.2", "--shard", "0/2");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--shard", run.Error, StringComparison.Ordinal);
    }

    /// <summary>A shard's fleet document as the audit writes it, without servers (the checks are the inventory's and the shard's).</summary>
    private static string Document(IReadOnlyList<string> hosts, int index, int total, IReadOnlyList<string>? errors = null) => new JsonObject
    {
        ["schema"] = "oec-cloudfw/audit-fleet/v3",
        ["inventory"] = new JsonObject { ["digest"] = Shard.Digest(hosts), ["hosts"] = new JsonArray([.. hosts.Select(h => (JsonNode)h)]) },
        ["shard"] = new JsonObject { ["index"] = index, ["total"] = total },
        ["servers"] = new JsonArray(),
        ["errors"] = new JsonArray([.. (errors ?? hosts.Where(h => Shard.Of(h, total) == index).ToList()).Select(h => (JsonNode)new JsonObject { ["server"] = h, ["error"] = "unreachable" })]),
    }.ToJsonString();

    private static async Task<CliRun> MergeAsync(params string[] documents)
    {
        var dir = Directory.CreateTempSubdirectory("oecfw-merge-").FullName;
        var files = new List<string>();
        foreach (var (document, i) in documents.Select((d, i) => (d, i)))
        {
            files.Add(Path.Combine(dir, $"shard-{i}.json"));
            await File.WriteAllTextAsync(files[^1], document, TestContext.Current.CancellationToken);
        }

        try
        {
            return await CliHarness.RunAsync(["merge", .. files]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Merge_AllShardsOnce_TheWholeInventoryInItsOrder()
    {
        var hosts = Hosts(12);

        var run = await MergeAsync(Document(hosts, 2, 3), Document(hosts, 0, 3), Document(hosts, 1, 3));

        Assert.Equal(3, run.ExitCode); // every server "unreachable": a server not audited is exit 3
        var merged = JsonNode.Parse(run.Output)!;
        Assert.Equal(hosts, merged["errors"]!.AsArray().Select(e => e!["server"]!.GetValue<string>()));
        Assert.Null(merged["shard"]);
    }

    [Fact]
    public async Task Merge_MissingDuplicateOrMixedShards_ExitTwoNamingTheFileOrShard()
    {
        var hosts = Hosts(12);
        var other = Hosts(13);

        var missing = await MergeAsync(Document(hosts, 0, 3), Document(hosts, 2, 3));
        var twice = await MergeAsync(Document(hosts, 0, 3), Document(hosts, 1, 3), Document(hosts, 1, 3), Document(hosts, 2, 3));
        var mixed = await MergeAsync(Document(hosts, 0, 2), Document(other, 1, 2));
        var totals = await MergeAsync(Document(hosts, 0, 2), Document(hosts, 1, 3));
        var foreign = await MergeAsync(Document(hosts, 0, 2, [.. hosts.Where(h => Shard.Of(h, 2) == 1)]), Document(hosts, 1, 2));
        var notJson = await MergeAsync("{ nope");
        var audit = await MergeAsync("""{"schema":"oec-cloudfw/audit/v2"}""");

        Assert.Equal([2, 2, 2, 2, 2, 2, 2], new[] { missing, twice, mixed, totals, foreign, notJson, audit }.Select(r => r.ExitCode));
        Assert.Contains("shard 1/3 missing", missing.Error, StringComparison.Ordinal);
        Assert.Matches("shard-2.json: shard 1/3 twice", twice.Error);
        Assert.Matches("shard-1.json: audited another inventory", mixed.Error);
        Assert.Matches("shard-1.json: is shard 1/3 but .*shard-0.json is of 2 shards", totals.Error);
        Assert.Matches("shard-0.json: server .* is not in shard 0/2", foreign.Error);
        Assert.Matches("shard-0.json: not JSON", notJson.Error);
        Assert.Matches("shard-0.json: not a fleet audit", audit.Error);
        Assert.DoesNotContain("Exception", string.Concat(missing.Error, twice.Error, mixed.Error, totals.Error, foreign.Error, notJson.Error, audit.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_HtmlRendersTheMergedFleet_NoFileOrAnAbsentOneIsExitTwo()
    {
        var hosts = Hosts(2);
        var dir = Directory.CreateTempSubdirectory("oecfw-merge-").FullName;
        var file = Path.Combine(dir, "all.json");
        await File.WriteAllTextAsync(file, Document(hosts, 0, 1), TestContext.Current.CancellationToken);

        var html = await CliHarness.RunAsync("merge", file, "--output", "html");
        var pdf = await CliHarness.RunAsync("merge", file, "--output", "pdf");
        var none = await CliHarness.RunAsync("merge");
        var absent = await CliHarness.RunAsync("merge", Path.Combine(dir, "absent.json"));

        Assert.Equal((3, 2, 2, 2), (html.ExitCode, pdf.ExitCode, none.ExitCode, absent.ExitCode)); // 3: the shard says its servers were unreachable
        Assert.StartsWith("<!DOCTYPE html>", html.Output.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("use json, sarif, table or html", pdf.Error, StringComparison.Ordinal);
        Assert.Contains("absent.json: cannot be read", absent.Error, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }
}
