using System.Text.Json;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Issue 20 (part 3): output an operator can copy (commands never wrapped), input mistakes as exit 2 naming file:line,
/// findings that claim only what was read, one IPv6 default, --extra-port.
/// </summary>
public sealed class OperatorInputOutputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string TempFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"oecfw-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("version: 1\nssh:\n  sources: [203.0.113.10/32]\nssh:\n  ports: [\"22\"]\n", ":4: 'ssh' is given twice (first on line 2)")]
    [InlineData("version: 1\nssh:\n  sources: 203.0.113.10/32\n", ":3: ssh.sources: expected a list")]
    [InlineData("version: 1\nssh:\n  sources: [203.0.113.10/32\nweb_sources: [anywhere]\n", ":3: the file ends inside an unclosed '['")]
    [InlineData("version: 1\nssh_sources: [203.0.113.10/32]\n", ":2: unknown key 'ssh_sources' at the top level (did you mean 'sources:' indented under 'ssh:'?); the known keys are: version, ipv6, ssh, web_sources, optional, extra")]
    [InlineData("version: 1\nssh:\n  sources:\n    - 203.0.113.10/32\n    - 203.0.113.300/32\n", ":5: ssh.sources[1]: ")]
    public async Task PolicyFile_Mistake_Exit2NamingFileAndLine(string yaml, string expected)
    {
        var path = TempFile(yaml);
        try
        {
            foreach (var verb in new[] { new[] { "policy", "show" }, ["server", "configure", "--host", "198.18.255.254", "--dry-run"] })
            {
                var run = await CliHarness.RunAsync([.. verb, "--policy", path]);

                Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
                Assert.StartsWith($"error: {path}", run.Error, StringComparison.Ordinal);
                Assert.Contains(expected, run.Error, StringComparison.Ordinal);
                Assert.DoesNotContain("Specified cast", run.Error, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
                Assert.DoesNotContain("--ssh-source", run.Error, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("servers:\n  - host: 198.18.0.10\n    host: 198.18.0.11\n", ":3: 'host' is given twice (first on line 2)")]
    [InlineData("servers:\n  - host: 198.18.0.10\n    aws_groups: sg-0123456789abcdef0\n", ":3: servers[0].aws_groups: expected a list")]
    [InlineData("servers:\n  - host: 198.18.0.10\n    aws_group: [sg-0123456789abcdef0]\n", ":3: unknown key 'aws_group' in servers[0] (did you mean 'aws_groups'?)")]
    public async Task Inventory_Mistake_Exit2NamingFileAndLine(string yaml, string expected)
    {
        var path = TempFile(yaml);
        try
        {
            var run = await CliHarness.RunAsync("audit", "--inventory", path);

            Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
            Assert.StartsWith($"error: {path}", run.Error, StringComparison.Ordinal);
            Assert.Contains(expected, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Specified cast", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PolicyShow_Ipv6_OneDefaultStatedAndIpv4OnlyOnRequest()
    {
        var byDefault = await CliHarness.RunAsync("policy", "show", "--output", "json");
        var table = await CliHarness.RunAsync("policy", "show");
        var ipv4 = await CliHarness.RunAsync("policy", "show", "--ipv4-only", "--output", "json");
        var both = await CliHarness.RunAsync("policy", "show", "--ipv4-only", "--ipv6");

        Assert.True(JsonDocument.Parse(byDefault.Output).RootElement.GetProperty("ipv6").GetBoolean());
        Assert.Contains("IPv4 and IPv6 (the default of every verb", table.Output, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(ipv4.Output).RootElement.GetProperty("ipv6").GetBoolean());
        Assert.Equal(2, both.ExitCode);
    }

    [Fact]
    public async Task ExtraPort_CatalogPort_Exit2PointingAtOptional()
    {
        var run = await CliHarness.RunAsync("policy", "show", "--extra-port", "5432");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--extra-port 5432: PostgreSQL (5432) is a catalog port: open it with --optional 5432", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// An audit with no cloud flags, a long fix (SSH restricted to many sources), piped at 80 columns and at the default
    /// width: each fix is printed whole on one line; the findings say the cloud layer was not examined; a database port
    /// ufw admits but nothing listens on (the probe refused) is a warning that says so; --extra-port is audited.
    /// </summary>
    [Fact]
    public async Task Audit_NoCloudFlags_FixesWholeAtAnyWidth_OnlyWhatWasReadIsClaimed()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw allow 5432/tcp >/dev/null; ufw allow 8080/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        string[] sources = [.. Enumerable.Range(1, 16).Select(i => $"203.0.113.{i * 8}/29")];
        string[] audit = ["audit", .. CliFlags.Server(server), "--probe-timeout", "1", "--fail-on", "never", "--extra-port", "8080", .. sources.SelectMany(s => new[] { "--ssh-source", s })];

        foreach (var columns in new[] { "80", null })
        {
            var run = await CliHarness.RunAsync(columns is null ? null : new Dictionary<string, string> { ["COLUMNS"] = columns }, audit);

            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            var lines = run.Output.Split('\n');
            var fix = lines.FirstOrDefault(l => l.StartsWith("    fix: oec-cloudfw server configure", StringComparison.Ordinal) && l.Contains("--ssh-source", StringComparison.Ordinal));
            Assert.True(fix is not null, run.Output);
            Assert.True(fix.Length > 300, fix);
            Assert.All(sources, s => Assert.Contains($"--ssh-source {s}", fix, StringComparison.Ordinal));
            if (columns is not null)
            {
                Assert.All(lines.Where(l => l.StartsWith('│') || l.StartsWith('┌')), l => Assert.True(l.Length <= 80, l));
            }

            Assert.Contains("cloud layer not examined", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("every layer", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("only defense", run.Output, StringComparison.Ordinal);
        }

        var json = await CliHarness.RunAsync([.. audit, "--output", "json"]);
        using var report = JsonDocument.Parse(json.Output);
        var ports = report.RootElement.GetProperty("ports").EnumerateArray().ToList();
        var database = ports.Single(p => p.GetProperty("port").GetInt32() == 5432);
        Assert.Equal("closed", database.GetProperty("probe").GetString());
        Assert.False(database.GetProperty("listening").GetBoolean());
        var finding = report.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET");
        Assert.Equal("warning", finding.GetProperty("severity").GetString());
        Assert.StartsWith("PostgreSQL (5432) is admitted from the internet by ufw (cloud layer not examined), but nothing listens on it (the probe found it closed)",
            finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "critical");
        Assert.True(ports.Single(p => p.GetProperty("port").GetInt32() == 8080).GetProperty("wanted").GetBoolean());
    }

    /// <summary>
    /// The one IPv6 default, done the same by plan and by aws open (dry runs): the cloud layer gets ::/0 rules unless
    /// --ipv4-only says otherwise; the server's firewall covers both families either way.
    /// </summary>
    [Fact]
    public async Task PlanAndAwsOpen_Ipv6_SameDefaultAndSameOptOut()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var ec2 = await FakeEc2.StartAsync();
        var group = ec2.CreateGroup();

        var plan = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(ec2, group)]);
        var open = await CliHarness.RunAsync(["aws", "open", "--group", group, "--region", "eu-west-1", "--endpoint-url", ec2.Url.ToString(), "--dry-run"]);
        var plan4 = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), .. CliFlags.Aws(ec2, group), "--ipv4-only"]);
        var open4 = await CliHarness.RunAsync(["aws", "open", "--group", group, "--region", "eu-west-1", "--endpoint-url", ec2.Url.ToString(), "--dry-run", "--ipv4-only"]);

        foreach (var run in new[] { plan, open, plan4, open4 })
        {
            Assert.True(run.ExitCode == 0, run.Error + run.Output);
        }

        // A cloud rule the run would add from ::/0: a table row that says add and names ::/0.
        static bool AddsIpv6(CliRun run) => run.Output.Split('\n').Any(l => l.StartsWith('│') && l.Contains("add", StringComparison.Ordinal) && l.Contains("::/0", StringComparison.Ordinal));
        Assert.True(AddsIpv6(plan), plan.Output);
        Assert.True(AddsIpv6(open), open.Output);
        Assert.False(AddsIpv6(plan4), plan4.Output);
        Assert.False(AddsIpv6(open4), open4.Output);
        Assert.Empty(ec2.Ingress(group));
    }

    /// <summary>
    /// The tool as a user without root or passwordless sudo (nobody, through setpriv): --local says "run it with sudo"
    /// (exit 3, nothing run), and test reports the server's checks as not run, with why, never as blocked or stopped.
    /// </summary>
    [Fact]
    public async Task Local_AsNonRootWithoutSudo_RunItWithSudoAndChecksNotRun()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "oec-cloudfw.dll");
        Task<(int ExitCode, string Stdout, string Stderr)> AsNobody(params string[] args) =>
            TestServer.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1", "dotnet", tool, .. args], Ct, check: false);

        var preflight = await AsNobody("server", "preflight", "--local");
        var test = await AsNobody("test", "--local", "--output", "json");

        Assert.True(preflight.ExitCode == 3, $"exit {preflight.ExitCode}: {preflight.Stderr}");
        Assert.Contains("--local needs root: run it with sudo", preflight.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("probe did not finish", preflight.Stderr, StringComparison.Ordinal);
        Assert.True(test.ExitCode == 1, $"exit {test.ExitCode}: {test.Stderr}");
        using var json = JsonDocument.Parse(test.Stdout);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("what").GetString() == "sshd");
        Assert.All(checks, c =>
        {
            Assert.Equal("not run", c.GetProperty("result").GetString());
            Assert.Contains("run it with sudo", c.GetProperty("diagnosis").GetString(), StringComparison.Ordinal);
        });
    }
}
