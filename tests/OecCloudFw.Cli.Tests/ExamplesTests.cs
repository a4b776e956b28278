using System.Text.Json;
using System.Text.RegularExpressions;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Azure;
using OecCloudFw.Testing.Servers;
using YamlDotNet.Serialization;

namespace OecCloudFw.Cli.Tests;

/// <summary>Every file in examples/ is parsed, and its oec-cloudfw commands are run against test servers.</summary>
public sealed partial class ExamplesTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Examples
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "OecCloudFw.sln")))
            {
                dir = Path.GetDirectoryName(dir)!;
            }

            return Path.Combine(dir, "examples");
        }
    }

    private static Dictionary<object, object> Yaml(string file) =>
        new Deserializer().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(Examples, file)));

    /// <summary>The words of an oec-cloudfw command line, up to a redirection, with the given variables substituted.</summary>
    private static string[] Words(string line, IReadOnlyDictionary<string, string> variables)
    {
        var command = line[(line.IndexOf("oec-cloudfw ", StringComparison.Ordinal) + "oec-cloudfw ".Length)..].Split(" > ")[0];
        return WordPattern().Matches(command).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value)
            .Select(w => variables.Aggregate(w, (current, v) => current.Replace(v.Key, v.Value, StringComparison.Ordinal)))
            .ToArray();
    }

    private async Task<TestServer> ConfiguredServerAsync()
    {
        var server = await TestServer.StartAsync(Ct);
        Assert.Equal(0, (await CliHarness.RunAsync("server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts)).ExitCode);
        return server;
    }

    private string GroupPerPolicy()
    {
        var group = _ec2.CreateGroup();
        return group;
    }

    private static string StepRun(List<object> steps, string name) =>
        (string)steps.Cast<Dictionary<object, object>>().Single(s => s.TryGetValue("name", out var n) && (string)n == name)["run"];

    /// <summary>
    /// The workflow as GitHub runs it: the plan job saves the plan as an artifact and changes nothing; the apply job
    /// (behind the reviewed environment) applies exactly that plan, then audits and writes valid SARIF.
    /// </summary>
    [Fact]
    public async Task GitHubActionsWorkflow_PlanJob_ApplyJobAppliesThePlan_ThenAuditGatesWithValidSarif()
    {
        var jobs = (Dictionary<object, object>)Yaml("github-actions-audit.yml")["jobs"];
        var planJob = (Dictionary<object, object>)jobs["plan"];
        var applyJob = (Dictionary<object, object>)jobs["apply"];
        Assert.Equal("plan", applyJob["needs"]);
        Assert.Equal("production", applyJob["environment"]);
        var planSteps = (List<object>)planJob["steps"];
        var applySteps = (List<object>)applyJob["steps"];
        Assert.Contains(planSteps.Cast<Dictionary<object, object>>(), s => s.TryGetValue("uses", out var u) && ((string)u).StartsWith("actions/upload-artifact", StringComparison.Ordinal));
        Assert.Contains(applySteps.Cast<Dictionary<object, object>>(), s => s.TryGetValue("uses", out var u) && ((string)u).StartsWith("actions/download-artifact", StringComparison.Ordinal));
        Assert.Contains(applySteps.Cast<Dictionary<object, object>>(), s => s.TryGetValue("uses", out var u) && ((string)u).StartsWith("github/codeql-action/upload-sarif", StringComparison.Ordinal));
        await using var server = await TestServer.StartAsync(Ct);
        var group = GroupPerPolicy();
        var policy = Path.Combine(Examples, "oec-cloudfw.yaml");
        var variables = new Dictionary<string, string>
        {
            ["$SERVER_HOST"] = server.Address, ["$SECURITY_GROUP"] = group, ["infra/oec-cloudfw.yaml"] = policy, ["plan.json"] = Path.Combine(server.WorkDir, "plan.json"),
        };
        string[] connection = ["--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--aws-endpoint-url", _ec2.Url.ToString()];
        // The runner's own address must be a management source (the example policy's SSH sources, plus this runner's).
        string[] runner = ["--ssh-source", "203.0.113.10/32", "--ssh-source", server.ClientAddress + "/32"];

        var plan = await CliHarness.RunAsync([.. Words(StepRun(planSteps, "Plan (both layers, nothing changes)"), variables), .. connection, .. runner]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.Empty(_ec2.Ingress(group));
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);

        var apply = await CliHarness.RunAsync([.. Words(StepRun(applySteps, "Apply the reviewed plan (exit 5 if a layer moved since)"), variables), "--no-probe"]);

        Assert.True(apply.ExitCode == 0, apply.Error + apply.Output);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        Assert.NotEmpty(_ec2.Ingress(group));

        var audit = await CliHarness.RunAsync([.. Words(StepRun(applySteps, "Audit (provisioning gate)"), variables), .. connection, "--probe-timeout", "1"]);

        Assert.True(audit.ExitCode == 0, audit.Error + audit.Output);
        Assert.Empty(await SarifSchema.ValidateAsync(audit.Output));
        using var sarif = JsonDocument.Parse(audit.Output);
        Assert.All(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(),
            r => Assert.Equal(policy, r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
    }

    /// <summary>The GitLab jobs: the plan as an artifact, the manual apply of exactly that plan failing the pipeline on a critical finding.</summary>
    [Fact]
    public async Task GitLabJobs_PlanArtifact_ManualApplyFailsThePipelineOnACriticalFinding()
    {
        var planJob = (Dictionary<object, object>)Yaml("gitlab-ci.yml")["firewall-plan"];
        var applyJob = (Dictionary<object, object>)Yaml("gitlab-ci.yml")["firewall-apply"];
        Assert.Equal("manual", applyJob["when"]);
        Assert.Equal(["firewall-plan"], ((List<object>)applyJob["needs"]).Cast<string>());
        Assert.Equal(["plan.json"], ((List<object>)((Dictionary<object, object>)planJob["artifacts"])["paths"]).Cast<string>());
        await using var server = await TestServer.StartAsync(Ct);
        var group = GroupPerPolicy();
        _ec2.AddIngress(group, "tcp", 0, 65535, "0.0.0.0/0", "everything");
        await server.ExecAsync("ufw allow 5432/tcp >/dev/null", Ct);
        var variables = new Dictionary<string, string>
        {
            ["$SERVER_HOST"] = server.Address, ["$SECURITY_GROUP"] = group, ["oec-cloudfw.yaml"] = Path.Combine(Examples, "oec-cloudfw.yaml"),
            ["plan.json"] = Path.Combine(server.WorkDir, "plan.json"),
        };
        var planLine = ((List<object>)planJob["script"]).Cast<string>().Single(l => l.StartsWith("oec-cloudfw plan", StringComparison.Ordinal));
        var applyLine = ((List<object>)applyJob["script"]).Cast<string>().Single(l => l.StartsWith("oec-cloudfw apply", StringComparison.Ordinal));

        var plan = await CliHarness.RunAsync([.. Words(planLine, variables), "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--aws-endpoint-url", _ec2.Url.ToString(),
            "--ssh-source", server.ClientAddress + "/32"]);
        var apply = await CliHarness.RunAsync([.. Words(applyLine, variables), "--no-probe"]);

        Assert.True(plan.ExitCode == 0, plan.Error + plan.Output);
        Assert.True(apply.ExitCode == 1, apply.Error + apply.Output);
        using var json = JsonDocument.Parse(apply.Output);
        Assert.Equal("oec-cloudfw/apply/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("critical", json.RootElement.GetProperty("audit").GetProperty("worst").GetString());
    }

    /// <summary>
    /// The cloud-init example as cloud-init runs it (its runcmd lines, in order, as one sh script, as root), on a test
    /// server whose mount namespace has no .NET at all: it downloads the native executable (served here from the host
    /// end of the server's link), checks its pinned SHA-256, configures the firewall locally, then audits it.
    /// </summary>
    [Fact]
    public async Task CloudInit_InstallsTheNativeBinary_OnAServerWithoutDotnet_ConfiguresThenAudits()
    {
        var runcmd = ((List<object>)Yaml("cloud-init.yaml")["runcmd"]).Cast<string>().ToList();
        Assert.DoesNotContain(runcmd, l => l.Contains("dotnet", StringComparison.Ordinal));
        Assert.DoesNotContain("packages", Yaml("cloud-init.yaml").Keys.Cast<string>());
        var binary = await OecCloudFw.Testing.NativeBinary.PathAsync(Ct);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(binary, Ct)));
        await using var server = await TestServer.StartAsync(Ct);
        // No .NET in this server: the SDK's folder and its command are gone, /opt (NuGet's folder) is empty.
        await server.ExecAsync("rm -rf /usr/share/dotnet /usr/bin/dotnet /usr/local/bin/oec-cloudfw && mount -t tmpfs none /opt", Ct);
        Assert.Equal("no dotnet", (await server.ExecAsync("command -v dotnet || [ -e /usr/share/dotnet ] || ls /opt | grep . || echo no dotnet", Ct)).Trim());
        var (web, url) = await OecCloudFw.Testing.LoopbackServer.ServeFileAsync(binary, System.Net.IPAddress.Parse(server.ClientAddress));
        await using var _ = web;

        var script = string.Join('\n', runcmd.Select(l => l
            .Replace("https://artifacts.example.com/oec-cloudfw/linux-x64/oec-cloudfw", new Uri(url, "oec-cloudfw").ToString(), StringComparison.Ordinal)
            .Replace("SHA256-OF-THE-BINARY", sha256, StringComparison.Ordinal)));
        Assert.NotEqual(string.Join('\n', runcmd), script);
        await File.WriteAllTextAsync(Path.Combine(server.WorkDir, "runcmd"), "#!/bin/sh\n" + script + "\n", Ct);
        var (exit, stdout, stderr) = await server.TryExecAsync($"cd / && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root sh {server.WorkDir}/runcmd", Ct);

        Assert.True(exit == 0, $"runcmd: exit {exit}: {stdout}{stderr}");
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        using var plan = JsonDocument.Parse(await server.ExecAsync("cat /var/lib/oec-cloudfw/plan.json", Ct));
        Assert.Equal("oec-cloudfw/plan/v1", plan.RootElement.GetProperty("schema").GetString());
        Assert.Contains("rollback-armed: ufw allow 443/tcp", await server.ExecAsync("cat /var/log/oec-cloudfw-plan.txt", Ct), StringComparison.Ordinal);
        using var applied = JsonDocument.Parse(await server.ExecAsync("cat /var/log/oec-cloudfw-apply.json", Ct));
        Assert.Equal("oec-cloudfw/apply/v1", applied.RootElement.GetProperty("schema").GetString());
        Assert.Equal("applied", applied.RootElement.GetProperty("outcome").GetString());
        // --local makes no connection and claims none: the change was proven by evaluating the applied ruleset.
        Assert.StartsWith("proven by evaluating the applied ruleset: SSH admitted on port 22 from 0.0.0.0/0, ::/0", applied.RootElement.GetProperty("serverDetail").GetString(), StringComparison.Ordinal);
        Assert.Contains("# by: oec-cloudfw ", await server.ExecAsync("cat /etc/oec-cloudfw/applied-policy.yaml", Ct), StringComparison.Ordinal);
        Assert.Equal("oec-cloudfw/audit/v1", applied.RootElement.GetProperty("audit").GetProperty("schema").GetString());
        Assert.NotEqual("critical", applied.RootElement.GetProperty("audit").GetProperty("worst").GetString());
        // What ran was the native executable, not a .NET assembly: an ELF file that needs only libc and libm.
        Assert.Equal("7f454c46", (await server.ExecAsync("head -c 4 /usr/local/bin/oec-cloudfw | od -An -tx1 | tr -d ' \\n'", Ct)).Trim());
        Assert.DoesNotContain("not found", await server.ExecAsync("ldd /usr/local/bin/oec-cloudfw", Ct), StringComparison.Ordinal);

        // A wrong checksum stops the script before the binary runs (set -e).
        await server.ExecAsync("ufw --force reset >/dev/null && rm -f /var/log/oec-cloudfw-apply.json", Ct);
        await File.WriteAllTextAsync(Path.Combine(server.WorkDir, "runcmd"), "#!/bin/sh\n" + script.Replace(sha256, new string('0', 64), StringComparison.Ordinal) + "\n", Ct);
        var tampered = await server.TryExecAsync($"cd / && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root sh {server.WorkDir}/runcmd", Ct);
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains("FAILED", tampered.Stdout + tampered.Stderr, StringComparison.Ordinal);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FleetInventory_AuditsEveryServerInParallel()
    {
        var example = Yaml("fleet.yaml");
        var entries = ((List<object>)example["servers"]).Cast<Dictionary<object, object>>().ToList();
        Assert.Equal(3, entries.Count);
        await using var arm = await FakeArm.StartAsync();
        await using var aws = await ConfiguredServerAsync();
        await using var instanceServer = await ConfiguredServerAsync();
        await using var azure = await ConfiguredServerAsync();
        var group = _ec2.CreateGroup();
        var instance = _ec2.CreateInstance([group]);
        var nsg = arm.AddNsg("web-rg", "web-3-nsg");
        arm.AddVm("web-rg", "web-3", nsg, null);

        // The example's structure, with its servers replaced by test servers (and the fakes as their clouds).
        var servers = new[] { aws, instanceServer, azure };
        var inventory = $"""
            defaults:
              user: {((Dictionary<object, object>)example["defaults"])["user"]}
              aws_region: {((Dictionary<object, object>)example["defaults"])["aws_region"]}
              aws_endpoint_url: {_ec2.Url}
              azure_endpoint: {arm.Url}
            servers:
              - host: {aws.Address}
                identity: {aws.ClientKey}
                known_hosts: {aws.KnownHosts}
                aws_groups: [{group}]
              - host: {instanceServer.Address}
                identity: {instanceServer.ClientKey}
                known_hosts: {instanceServer.KnownHosts}
                aws_instance: {instance}
              - host: {azure.Address}
                identity: {azure.ClientKey}
                known_hosts: {azure.KnownHosts}
                azure_vm: {entries[2]["azure_vm"]}
                resource_group: {entries[2]["resource_group"]}
                subscription: {entries[2]["subscription"]}
            """;
        var path = Path.Combine(aws.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(path, inventory, Ct);

        var run = await CliHarness.RunAsync(null, arm.Connection(), "audit", "--inventory", path, "--parallel", "3", "--output", "json", "--no-probe", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var audited = json.RootElement.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(servers.Select(s => s.Address).Order(), audited.Select(s => s.GetProperty("server").GetString()!).Order());
        Assert.Contains(audited, s => s.GetProperty("cloudLayer").GetString() == "azure vm web-3 (NIC and subnet NSGs)");
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
    }

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex WordPattern();
}
