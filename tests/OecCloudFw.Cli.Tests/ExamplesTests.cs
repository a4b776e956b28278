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

    [Fact]
    public async Task GitHubActionsWorkflow_AuditStep_GatesAndWritesValidSarif()
    {
        var steps = (List<object>)((Dictionary<object, object>)((Dictionary<object, object>)Yaml("github-actions-audit.yml")["jobs"])["audit"])["steps"];
        var run = (string)((Dictionary<object, object>)steps.Cast<Dictionary<object, object>>().Single(s => s.TryGetValue("name", out var n) && (string)n == "Audit (provisioning gate)"))["run"];
        Assert.Contains(steps.Cast<Dictionary<object, object>>(), s => s.TryGetValue("uses", out var u) && ((string)u).StartsWith("github/codeql-action/upload-sarif", StringComparison.Ordinal));
        await using var server = await ConfiguredServerAsync();
        var group = GroupPerPolicy();
        var policy = Path.Combine(Examples, "oec-cloudfw.yaml");
        Assert.Equal(0, (await CliHarness.RunAsync("aws", "open", "--group", group, "--region", "eu-west-1", "--endpoint-url", _ec2.Url.ToString(), "--policy", policy)).ExitCode);

        var args = Words(run, new Dictionary<string, string> { ["$SERVER_HOST"] = server.Address, ["$SECURITY_GROUP"] = group, ["infra/oec-cloudfw.yaml"] = policy });
        var audit = await CliHarness.RunAsync([.. args, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--aws-endpoint-url", _ec2.Url.ToString(), "--probe-timeout", "1"]);

        Assert.True(audit.ExitCode == 0, audit.Error + audit.Output);
        Assert.Empty(await SarifSchema.ValidateAsync(audit.Output));
        using var sarif = JsonDocument.Parse(audit.Output);
        Assert.All(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(),
            r => Assert.Equal(policy, r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
    }

    [Fact]
    public async Task GitLabJob_AuditScript_FailsThePipelineOnACriticalFinding()
    {
        var job = (Dictionary<object, object>)Yaml("gitlab-ci.yml")["firewall-audit"];
        var line = ((List<object>)job["script"]).Cast<string>().Single(l => l.Contains("oec-cloudfw audit", StringComparison.Ordinal));
        await using var server = await ConfiguredServerAsync();
        var group = GroupPerPolicy();
        _ec2.AddIngress(group, "tcp", 0, 65535, "0.0.0.0/0", "everything");
        await server.ExecAsync("ufw allow 5432/tcp >/dev/null", Ct);
        var policy = Path.Combine(Examples, "oec-cloudfw.yaml");

        var args = Words(line, new Dictionary<string, string> { ["$SERVER_HOST"] = server.Address, ["$SECURITY_GROUP"] = group, ["oec-cloudfw.yaml"] = policy });
        var audit = await CliHarness.RunAsync([.. args, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--aws-endpoint-url", _ec2.Url.ToString(), "--probe-timeout", "1"]);

        Assert.Equal(1, audit.ExitCode);
        using var json = JsonDocument.Parse(audit.Output);
        Assert.Equal("oec-cloudfw/audit/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("critical", json.RootElement.GetProperty("worst").GetString());
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
        using var audit = JsonDocument.Parse(await server.ExecAsync("cat /var/log/oec-cloudfw-audit.json", Ct));
        Assert.Equal("oec-cloudfw/audit/v1", audit.RootElement.GetProperty("schema").GetString());
        Assert.NotEqual("critical", audit.RootElement.GetProperty("worst").GetString());
        // What ran was the native executable, not a .NET assembly: an ELF file that needs only libc and libm.
        Assert.Equal("7f454c46", (await server.ExecAsync("head -c 4 /usr/local/bin/oec-cloudfw | od -An -tx1 | tr -d ' \\n'", Ct)).Trim());
        Assert.DoesNotContain("not found", await server.ExecAsync("ldd /usr/local/bin/oec-cloudfw", Ct), StringComparison.Ordinal);

        // A wrong checksum stops the script before the binary runs (set -e).
        await server.ExecAsync("ufw --force reset >/dev/null && rm -f /var/log/oec-cloudfw-audit.json", Ct);
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
