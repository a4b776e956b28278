using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Testing.Servers;
using YamlDotNet.Serialization;

namespace OecCloudFw.Cli.Tests;

/// <summary>A fleet of real test servers, started once for the shard tests: one with ufw configured, one wide open with PostgreSQL listening, one bare.</summary>
public sealed class ShardFleet : IAsyncLifetime
{
    public List<TestServer> Servers { get; } = [];

    public string Folder { get; private set; } = null!;

    /// <summary>The inventory of the fleet (servers in this order).</summary>
    public string Inventory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            Servers.Add(await TestServer.StartAsync());
        }

        Assert.Equal(0, (await CliHarness.RunAsync("server", "configure", "--host", Servers[0].Address, "--identity", Servers[0].ClientKey, "--known-hosts", Servers[0].KnownHosts)).ExitCode);
        await Servers[1].ExecAsync("setsid python3 -m http.server 5432 > /dev/null 2>&1 < /dev/null & for i in $(seq 50); do ss -Htln | grep -q ':5432 ' && exit 0; sleep 0.1; done; exit 1");
        Folder = Directory.CreateTempSubdirectory("oecfw-shards-").FullName;
        Inventory = Path.Combine(Folder, "fleet.yaml");
        await File.WriteAllTextAsync(Inventory, "servers:\n" + string.Concat(Servers.Select(s => $"  - host: {s.Address}\n    identity: {s.ClientKey}\n    known_hosts: {s.KnownHosts}\n")));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// Each engine example in examples/ run as its engine runs it — the shards' count, environment and command line read
/// from the example — against real test servers, then merged as the example merges: the result equals the unsharded run.
/// </summary>
public sealed class FleetShardsTests(ShardFleet fleet) : IClassFixture<ShardFleet>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Examples => Path.Combine(Testing.RepositoryRoot.Path, "examples");

    /// <summary>The words of the oec-cloudfw command in a shell line (up to its redirection), with text replaced and globs expanded in <paramref name="folder"/>.</summary>
    private static string[] Words(string line, string folder, params (string From, string To)[] replace)
    {
        var command = replace.Aggregate(line[(line.IndexOf("oec-cloudfw ", StringComparison.Ordinal) + "oec-cloudfw ".Length)..].Split(" > ")[0],
            (current, r) => current.Replace(r.From, r.To, StringComparison.Ordinal));
        return [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(w => w.Contains('*', StringComparison.Ordinal)
                ? (IEnumerable<string>)Directory.GetFiles(Path.GetDirectoryName(w) is { Length: > 0 } d ? d : folder, Path.GetFileName(w)).Order(StringComparer.Ordinal)
                : [w])];
    }

    /// <summary>The same audit as one unsharded run, failing at the merge's threshold.</summary>
    private static string[] Unsharded(string[] audit, string[] merge)
    {
        var words = audit.ToList();
        var shard = words.IndexOf("--shard");
        if (shard >= 0)
        {
            words.RemoveRange(shard, 2);
        }

        words[words.IndexOf("--fail-on") + 1] = merge[Array.IndexOf(merge, "--fail-on") + 1];
        return [.. words];
    }

    /// <summary>The shard's shell line succeeds as the example writes it: the audit's exit 0, or 3 (a server not audited, in the file).</summary>
    private static void AssertShardSucceeded(string line, CliRun run)
    {
        Assert.True(run.ExitCode == 0 || (run.ExitCode == 3 && line.Contains("|| [ $? -eq 3 ]", StringComparison.Ordinal)), $"exit {run.ExitCode}: {run.Error}");
    }

    private static void AssertSame(string expected, string actual)
    {
        var a = JsonNode.Parse(expected);
        var b = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(a, b), $"merged differs from the unsharded run:\n--- unsharded\n{expected}\n--- merged\n{actual}");
    }

    [Fact]
    public async Task KubernetesIndexedJob_EachPodItsIndex_MergedEqualsUnsharded()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Examples, "kubernetes-indexed-job.yaml"), Ct);
        var job = new Deserializer().Deserialize<Dictionary<object, object>>(text);
        var spec = (Dictionary<object, object>)job["spec"];
        Assert.Equal("Indexed", spec["completionMode"]);
        var completions = int.Parse((string)spec["completions"], System.Globalization.CultureInfo.InvariantCulture);
        var container = (Dictionary<object, object>)((List<object>)((Dictionary<object, object>)((Dictionary<object, object>)spec["template"])["spec"])["containers"])[0];
        var env = ((List<object>)container["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"], e => (string)e["value"]);
        var line = (string)((List<object>)container["args"])[0];
        var mergeLine = text.Split('\n').Single(l => l.Contains("oec-cloudfw merge", StringComparison.Ordinal));
        var dir = Directory.CreateTempSubdirectory("oecfw-k8s-").FullName;

        string[] audit = [];
        for (var index = 0; index < completions; index++)
        {
            // As the Job controller starts pod INDEX: the container's env, and JOB_COMPLETION_INDEX.
            var variables = new Dictionary<string, string>(env) { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            audit = Words(line, dir, ("/config/fleet.yaml", fleet.Inventory));
            var run = await CliHarness.RunAsync(variables, audit);
            AssertShardSucceeded(line, run);
            await File.WriteAllTextAsync(Path.Combine(dir, $"shard-{index}.json"), run.Output, Ct);
            Assert.Equal(index, JsonNode.Parse(run.Output)!["shard"]!["index"]!.GetValue<int>());
        }

        var mergeWords = Words(mergeLine, dir, ("/results/", dir + "/"));
        var merged = await CliHarness.RunAsync(mergeWords);
        var whole = await CliHarness.RunAsync(Unsharded(audit, mergeWords));

        Assert.Equal(completions, mergeWords.Count(w => w.EndsWith(".json", StringComparison.Ordinal)));
        Assert.Equal(whole.ExitCode, merged.ExitCode);
        Assert.Equal(1, merged.ExitCode); // PostgreSQL open to the internet on one server: critical
        AssertSame(whole.Output, merged.Output);
        Assert.Equal(fleet.Servers.Select(s => s.Address), JsonNode.Parse(merged.Output)!["servers"]!.AsArray().Select(s => s!["server"]!.GetValue<string>()));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task GitHubActionsMatrix_JobIndexAndTotal_MergedSarifIsOneRunEqualToUnsharded()
    {
        var workflow = new Deserializer().Deserialize<Dictionary<object, object>>(await File.ReadAllTextAsync(Path.Combine(Examples, "github-actions-fleet-shards.yml"), Ct));
        var jobs = (Dictionary<object, object>)workflow["jobs"];
        var auditJob = (Dictionary<object, object>)jobs["audit"];
        var mergeJob = (Dictionary<object, object>)jobs["merge"];
        Assert.Equal("audit", mergeJob["needs"]);
        var total = ((List<object>)((Dictionary<object, object>)((Dictionary<object, object>)auditJob["strategy"])["matrix"])["shard"]).Count;
        static string Run(Dictionary<object, object> job, string command) => ((List<object>)job["steps"]).Cast<Dictionary<object, object>>()
            .Select(s => s.TryGetValue("run", out var r) ? (string)r : string.Empty).Single(r => r.Contains(command, StringComparison.Ordinal));
        var line = Run(auditJob, "oec-cloudfw audit");
        var mergeLine = Run(mergeJob, "oec-cloudfw merge");
        var dir = Directory.CreateTempSubdirectory("oecfw-gha-").FullName;

        string[] audit = [];
        for (var index = 0; index < total; index++)
        {
            // strategy.job-index counts from 0, strategy.job-total is the number of matrix jobs (GitHub's contexts reference).
            audit = Words(line, dir, ("${{ strategy.job-index }}", index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("${{ strategy.job-total }}", total.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("infra/fleet.yaml", fleet.Inventory));
            var run = await CliHarness.RunAsync(audit);
            AssertShardSucceeded(line, run);
            await File.WriteAllTextAsync(Path.Combine(dir, $"shard-{index}.sarif"), run.Output, Ct);
        }

        var mergeWords = Words(mergeLine, dir);
        var merged = await CliHarness.RunAsync(mergeWords);
        var whole = await CliHarness.RunAsync(Unsharded(audit, mergeWords));

        Assert.Equal(total, mergeWords.Count(w => w.EndsWith(".sarif", StringComparison.Ordinal)));
        Assert.Equal(whole.ExitCode, merged.ExitCode);
        Assert.Equal(1, merged.ExitCode);
        AssertSame(whole.Output, merged.Output);
        using var sarif = JsonDocument.Parse(merged.Output);
        Assert.Equal(1, sarif.RootElement.GetProperty("runs").GetArrayLength());
        Assert.Equal(fleet.Servers.Select(s => s.Address).Order(StringComparer.Ordinal),
            sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString()!).Distinct().Order(StringComparer.Ordinal));
        var errors = await SarifSchema.ValidateAsync(merged.Output);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task AwsBatchArrayJob_ArrayIndexAndSize_MergeJobEqualsUnsharded()
    {
        using var definition = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Examples, "aws-batch", "audit-job-definition.json"), Ct));
        using var submit = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Examples, "aws-batch", "submit-array-job.json"), Ct));
        using var mergeDefinition = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Examples, "aws-batch", "merge-job-definition.json"), Ct));
        Assert.Equal(definition.RootElement.GetProperty("jobDefinitionName").GetString(), submit.RootElement.GetProperty("jobDefinition").GetString());
        var size = submit.RootElement.GetProperty("arrayProperties").GetProperty("size").GetInt32();
        var line = definition.RootElement.GetProperty("containerProperties").GetProperty("command")[2].GetString()!;
        var mergeLine = mergeDefinition.RootElement.GetProperty("containerProperties").GetProperty("command")[2].GetString()!;
        var dir = Directory.CreateTempSubdirectory("oecfw-batch-").FullName;

        string[] audit = [];
        for (var index = 0; index < size; index++)
        {
            // As AWS Batch starts child INDEX of an array job of SIZE.
            var variables = new Dictionary<string, string>
            {
                ["AWS_BATCH_JOB_ARRAY_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["AWS_BATCH_JOB_ARRAY_SIZE"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            audit = Words(line, dir, ("/config/fleet.yaml", fleet.Inventory));
            var run = await CliHarness.RunAsync(variables, audit);
            AssertShardSucceeded(line, run);
            await File.WriteAllTextAsync(Path.Combine(dir, $"shard-{index}.json"), run.Output, Ct);
        }

        var mergeWords = Words(mergeLine, dir, ("/results/", dir + "/"));
        var merged = await CliHarness.RunAsync(mergeWords);
        var whole = await CliHarness.RunAsync(Unsharded(audit, mergeWords));
        var table = await CliHarness.RunAsync([.. mergeWords, "--output", "table"]);

        Assert.Equal(size, mergeWords.Count(w => w.EndsWith(".json", StringComparison.Ordinal)));
        Assert.Equal(whole.ExitCode, merged.ExitCode);
        AssertSame(whole.Output, merged.Output);
        Assert.Equal(merged.ExitCode, table.ExitCode);
        Assert.All(fleet.Servers, s => Assert.Contains(s.Address, table.Output, StringComparison.Ordinal));
        Assert.Contains("OECFW-PORT-INTERNET", table.Output, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Merge_AServerNotAudited_ExitThreeAsTheUnshardedRun()
    {
        // The second entry is refused at once: port 2 of the host's own end of a test server's link.
        var inventory = Path.Combine(fleet.Folder, "with-failure.yaml");
        var ok = fleet.Servers[0];
        await File.WriteAllTextAsync(inventory, $"servers:\n  - host: {ok.Address}\n    identity: {ok.ClientKey}\n    known_hosts: {ok.KnownHosts}\n  - host: {ok.ClientAddress}\n    port: 2\n    identity: {ok.ClientKey}\n    known_hosts: {ok.KnownHosts}\n", Ct);
        var dir = Directory.CreateTempSubdirectory("oecfw-fail-").FullName;
        var files = new List<string>();
        for (var index = 0; index < 2; index++)
        {
            var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--shard", $"{index}/2", "--no-probe", "--output", "json", "--fail-on", "never");
            Assert.True(run.ExitCode is 0 or 3, run.Error);
            files.Add(Path.Combine(dir, $"{index}.json"));
            await File.WriteAllTextAsync(files[^1], run.Output, Ct);
        }

        var merged = await CliHarness.RunAsync(["merge", .. files, "--fail-on", "never"]);
        var whole = await CliHarness.RunAsync("audit", "--inventory", inventory, "--no-probe", "--output", "json", "--fail-on", "never");

        Assert.Equal((3, 3), (whole.ExitCode, merged.ExitCode));
        AssertSame(whole.Output, merged.Output);
        Directory.Delete(dir, recursive: true);
    }
}
