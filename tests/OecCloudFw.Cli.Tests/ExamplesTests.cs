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

    private static string Examples => Path.Combine(Testing.RepositoryRoot.Path, "examples");

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
        Assert.Equal("oec-cloudfw/apply/v4", json.RootElement.GetProperty("schema").GetString());
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
        Assert.Equal("oec-cloudfw/plan/v4", plan.RootElement.GetProperty("schema").GetString());
        Assert.Contains("rollback-armed: ufw allow 443/tcp", await server.ExecAsync("cat /var/log/oec-cloudfw-plan.txt", Ct), StringComparison.Ordinal);
        using var applied = JsonDocument.Parse(await server.ExecAsync("cat /var/log/oec-cloudfw-apply.json", Ct));
        Assert.Equal("oec-cloudfw/apply/v4", applied.RootElement.GetProperty("schema").GetString());
        Assert.Equal("applied", applied.RootElement.GetProperty("outcome").GetString());
        // --local makes no connection and claims none: the change was proven by evaluating the applied ruleset.
        Assert.StartsWith("proven by evaluating the applied ruleset: SSH admitted on port 22 from 0.0.0.0/0, ::/0", applied.RootElement.GetProperty("serverDetail").GetString(), StringComparison.Ordinal);
        Assert.Contains("# by: oec-cloudfw ", await server.ExecAsync("cat /etc/oec-cloudfw/applied-policy.yaml", Ct), StringComparison.Ordinal);
        Assert.Equal("oec-cloudfw/audit/v4", applied.RootElement.GetProperty("audit").GetProperty("schema").GetString());
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
    public async Task FleetInventory_AsShipped_AuditsEveryServerInParallel_OneBehindABastion()
    {
        // The shipped file itself: its defaults (~/.ssh/id_ed25519, ~/.ssh/known_hosts, the policy next to it) as they
        // are, under a temp HOME holding that key and known_hosts; only its example addresses and cloud ids are replaced
        // by test servers and the fakes' ids.
        var shipped = await File.ReadAllTextAsync(Path.Combine(Examples, "fleet.yaml"), Ct);
        var entries = ((List<object>)Yaml("fleet.yaml")["servers"]).Cast<Dictionary<object, object>>().ToList();
        Assert.Equal(4, entries.Count);
        await using var arm = await FakeArm.StartAsync();
        await using var aws = await ConfiguredServerAsync();
        await using var instanceServer = await ConfiguredServerAsync();
        await using var azure = await ConfiguredServerAsync();
        await using var bastion = await TestServer.StartAsync(Ct);
        await using var behind = await TestServer.StartAsync(Ct);
        var link = await BastionLink.CreateAsync(bastion, behind, cancellationToken: Ct);
        var group = _ec2.CreateGroup();
        var instance = _ec2.CreateInstance([group]);
        var nsg = arm.AddNsg("web-rg", "web-3-nsg");
        arm.AddVm("web-rg", "web-3", nsg, null);
        // One key for the fleet (the example's defaults name one), and the example's port 2222 and bastion user.
        foreach (var server in new[] { instanceServer, azure, bastion, behind })
        {
            await BastionLink.AuthorizeAsync(server, aws.ClientKey + ".pub", Ct);
        }

        // Only 2222: that entry's audit succeeds only if the example's port is the one used.
        await instanceServer.ExecAsync("ufw allow 2222/tcp >/dev/null && printf 'Port 2222\\n' > /etc/ssh/sshd_config.d/20-ports.conf", Ct);
        await instanceServer.RestartSshdAsync(Ct);
        await bastion.AddUserAsync("admin", sudo: false, Ct);

        var home = Directory.CreateTempSubdirectory("oecfw-home-").FullName;
        var folder = Directory.CreateTempSubdirectory("oecfw-fleet-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            File.Copy(aws.ClientKey, Path.Combine(home, ".ssh", "id_ed25519"));
            var knownHosts = string.Concat(new[] { aws, instanceServer, azure, bastion }.Select(s => File.ReadAllText(s.KnownHosts))) + link.FarKnownHostsLine + "\n";
            await File.WriteAllTextAsync(Path.Combine(home, ".ssh", "known_hosts"), knownHosts, Ct);
            File.Copy(Path.Combine(Examples, "oec-cloudfw.yaml"), Path.Combine(folder, "oec-cloudfw.yaml"));
            var inventory = shipped
                .Replace("203.0.113.20", aws.Address, StringComparison.Ordinal)
                .Replace("203.0.113.21", instanceServer.Address, StringComparison.Ordinal)
                .Replace("web-3.example.net", azure.Address, StringComparison.Ordinal)
                .Replace("10.0.2.15", link.FarAddress, StringComparison.Ordinal)
                .Replace("admin@bastion.example.net:22", $"admin@{bastion.Address}:22", StringComparison.Ordinal)
                .Replace("sg-0123456789abcdef0", group, StringComparison.Ordinal)
                .Replace("i-0123456789abcdef0", instance, StringComparison.Ordinal)
                .Replace("defaults:\n", $"defaults:\n  aws_endpoint_url: {_ec2.Url}\n  azure_endpoint: {arm.Url}\n", StringComparison.Ordinal);
            var path = Path.Combine(folder, "fleet.yaml");
            await File.WriteAllTextAsync(path, inventory, Ct);

            var run = await CliHarness.RunAsync(new Dictionary<string, string> { ["HOME"] = home }, arm.Connection(),
                "audit", "--inventory", path, "--parallel", "4", "--output", "json", "--no-probe", "--fail-on", "never");

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            using var json = JsonDocument.Parse(run.Output);
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            var audited = json.RootElement.GetProperty("servers").EnumerateArray().ToList();
            Assert.Equal(new[] { aws.Address, instanceServer.Address, azure.Address, link.FarAddress }.Order(), audited.Select(s => s.GetProperty("server").GetString()!).Order());
            Assert.Contains(audited, s => s.GetProperty("cloudLayer").GetString() == "azure vm web-3 (NIC and subnet NSGs)");
            // The example's policy (next to the inventory) was the one audited against: its optional 8072 is wanted.
            Assert.All(audited, s => Assert.Contains(s.GetProperty("ports").EnumerateArray(), p => p.GetProperty("port").GetInt32() == 8072 && p.GetProperty("wanted").GetBoolean()));
            Assert.Equal([link.NearAddress], BastionLink.AcceptedFrom(behind));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex WordPattern();
}
