using System.Text.Json;
using OecCloudFw.Aws;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Cli.Tests;

public sealed class AwsCommandsTests : IAsyncLifetime
{
    private FakeEc2 _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private string[] Target(string group, params string[] rest) =>
        ["--group", group, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString(), .. rest];

    [Fact]
    public async Task Open_FreshGroup_AddsRequiredPortsAndSaysSo()
    {
        var group = _fake.CreateGroup();

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group)]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("added 6 rules", run.Output, StringComparison.Ordinal); // IPv4 and IPv6, the default
        Assert.Contains("OEC.sh management", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, _fake.Reads);
        Assert.Equal(1, _fake.Mutations);
        Assert.Equal([22, 22, 80, 80, 443, 443], _fake.Ingress(group).Select(r => r.FromPort).Order());
    }

    [Fact]
    public async Task Open_CompliantGroup_JsonSaysCompliantAndNoMutation()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group)]);
        _fake.ResetCounts();

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--output", "json")]);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("oec-cloudfw/aws-open/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.True(json.RootElement.GetProperty("compliant").GetBoolean());
        Assert.False(json.RootElement.GetProperty("applied").GetBoolean());
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_EndpointFromAwsEndpointUrlEc2_IsUsed()
    {
        var group = _fake.CreateGroup();
        var env = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_EC2"] = _fake.Url.ToString(), ["AWS_REGION"] = "eu-west-1" };

        var run = await CliHarness.RunAsync(env, "aws", "open", "--group", group, "--port", "443");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([443, 443], _fake.Ingress(group).Select(r => r.FromPort));
    }

    [Fact]
    public async Task Open_DryRun_ShowsPlanChangesNothing()
    {
        var group = _fake.CreateGroup();

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--dry-run", "--optional", "5432", "--source", "10.0.0.5/32")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("would add 7 rules", run.Output, StringComparison.Ordinal);
        Assert.Empty(_fake.Ingress(group));
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Open_PolicyFileAndFlags_FlagsOverrideFile()
    {
        var group = _fake.CreateGroup();
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "version: 1\nssh:\n  sources: [198.51.100.0/24]\noptional:\n  - port: 8072\n", TestContext.Current.CancellationToken);

        var run = await CliHarness.RunAsync(["aws", "open", .. Target(group, "--policy", file, "--ssh-source", "203.0.113.7/32")]);
        File.Delete(file);

        Assert.Equal(0, run.ExitCode);
        var ingress = _fake.Ingress(group);
        Assert.Equal(["203.0.113.7/32"], ingress.Where(r => r.FromPort == 22).Select(r => r.Cidr));
        Assert.Contains(ingress, r => r.FromPort == 8072 && r.Cidr == "0.0.0.0/0");
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "malformed group id", ["aws", "open", "--group", "sg-xyz"] },
        { "bad CIDR", ["aws", "open", "--ssh-source", "10.0.0.300/32"] },
        { "prefix too long", ["aws", "open", "--ssh-source", "10.0.0.0/33"] },
        { "port out of range", ["aws", "open", "--port", "70000"] },
        { "port not a number", ["aws", "open", "--port", "ssh"] },
        { "unknown optional port", ["aws", "open", "--optional", "3306"] },
        { "unknown flag", ["aws", "open", "--bogus"] },
        { "bad output format", ["aws", "open", "--output", "xml"] },
        { "missing policy file", ["aws", "open", "--policy", "/nonexistent/oec-cloudfw.yaml"] },
        { "bad retry mode", ["aws", "open", "--retry-mode", "yolo"] },
        { "close without port", ["aws", "close"] },
        { "close ssh without force", ["aws", "close", "--port", "22"] },
        { "close bad source", ["aws", "close", "--port", "5432", "--source", "everyone"] },
        { "show bad fail-on", ["aws", "show", "--fail-on", "sometimes"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task AnyVerb_BadInput_ExitTwoAndNothingChanged(string why, string[] args)
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0", "existing", new Dictionary<string, string> { [OwnershipTag.Key] = OwnershipTag.Value });
        var before = _fake.Ingress(group).Select(r => r.RuleId).ToList();
        var hasGroup = args.Contains("--group");
        var full = hasGroup ? [.. args, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString()] : args.Concat(Target(group)).ToArray();

        var run = await CliHarness.RunAsync(full);

        Assert.True(run.ExitCode == 2, $"{why}: exit {run.ExitCode}, stderr: {run.Error}");
        Assert.False(string.IsNullOrWhiteSpace(run.Error), why);
        Assert.Equal(0, _fake.Reads + _fake.Mutations);
        Assert.Equal(before, _fake.Ingress(group).Select(r => r.RuleId));
    }

    [Fact]
    public async Task Close_Ssh_RefusalExplainsWhy()
    {
        var group = _fake.CreateGroup();

        var run = await CliHarness.RunAsync(["aws", "close", .. Target(group, "--port", "22")]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("OEC.sh cannot manage the server", run.Error, StringComparison.Ordinal);
        Assert.Contains("--force", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_OwnRule_RevokedAndForeignReportedWithCommand()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group, "--port", "5432", "--source", "10.0.0.5/32")]);
        var foreign = _fake.AddIngress(group, "tcp", 5432, 5432, "192.0.2.0/24", "BI");
        _fake.ResetCounts();

        var run = await CliHarness.RunAsync(["aws", "close", .. Target(group, "--port", "5432")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"--security-group-rule-ids {foreign}", run.Output, StringComparison.Ordinal);
        Assert.Equal([foreign], _fake.Ingress(group).Select(r => r.RuleId));
        Assert.Equal(1, _fake.Calls("RevokeSecurityGroupIngress"));
    }

    [Fact]
    public async Task Close_ForcedSsh_RevokesOwnSshRule()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group)]);

        var run = await CliHarness.RunAsync(["aws", "close", .. Target(group, "--port", "22", "--force")]);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(_fake.Ingress(group), r => r.FromPort == 22);
    }

    [Fact]
    public async Task Show_DatabaseAndSshOpenToWorld_FlaggedWithFixes()
    {
        var group = _fake.CreateGroup();
        _fake.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0", "db");
        _fake.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0", "ssh");
        _fake.AddIngress(group, "tcp", 443, 443, "0.0.0.0/0", "web");

        var table = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--fail-on", "critical")]);
        var json = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--output", "json")]);

        Assert.Equal(1, table.ExitCode);
        Assert.Contains("CRITICAL OECFW-PORT-INTERNET: PostgreSQL (5432) is open to the internet", table.Output, StringComparison.Ordinal);
        Assert.Contains("WARNING OECFW-SSH-INTERNET", table.Output, StringComparison.Ordinal);
        Assert.Contains("--ssh-source <management-ip>/32", table.Output, StringComparison.Ordinal);
        Assert.Contains("HTTPS traffic (main Odoo access)", table.Output, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["OECFW-PORT-INTERNET", "OECFW-SSH-INTERNET"], findings.Select(f => f.GetProperty("id").GetString()));
        Assert.Equal("critical", findings[0].GetProperty("severity").GetString());
        Assert.Equal(0, _fake.Mutations);
    }

    [Fact]
    public async Task Show_RestrictedGroup_NoFindingsExitZeroEvenWithFailOnInfo()
    {
        var group = _fake.CreateGroup();
        await CliHarness.RunAsync(["aws", "open", .. Target(group, "--ssh-source", "203.0.113.0/24")]);

        var run = await CliHarness.RunAsync(["aws", "show", .. Target(group, "--fail-on", "info")]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("No findings.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_MissingGroup_ExitThreeNamesRegion()
    {
        var run = await CliHarness.RunAsync(["aws", "show", .. Target("sg-0123456789abcdef0")]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("sg-0123456789abcdef0 not found in eu-west-1", run.Error, StringComparison.Ordinal);
        Assert.Contains("check --region", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_UnreachableEndpoint_ExitThree()
    {
        var run = await CliHarness.RunAsync("aws", "open", "--group", "sg-0123456789abcdef0", "--region", "eu-west-1",
            "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot reach the EC2 endpoint", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_UnknownProfile_ExitTwo()
    {
        var run = await CliHarness.RunAsync(["aws", "open", .. Target(_fake.CreateGroup(), "--profile", "no-such-profile-xyz")]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("profile 'no-such-profile-xyz' not found", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task OpenAndClose_ByInstance_WriteToItsFirstGroup_AndCloseGivesTheRevokeOfSomeoneElsesRule()
    {
        var (first, second) = (_fake.CreateGroup(), _fake.CreateGroup());
        var instance = _fake.CreateInstance([first, second]);
        string[] where = ["--instance", instance, "--region", "eu-west-1", "--endpoint-url", _fake.Url.ToString()];

        var open = await CliHarness.RunAsync(["aws", "open", .. where, "--port", "443"]);
        var foreign = _fake.AddIngress(second, "tcp", 443, 443, "0.0.0.0/0", "web");
        var close = await CliHarness.RunAsync(["aws", "close", .. where, "--port", "443"]);

        Assert.True(open.ExitCode == 0, open.Error);
        Assert.Contains("created sgr-", open.Output, StringComparison.Ordinal);
        Assert.Equal([foreign], _fake.Ingress(second).Select(r => r.RuleId));
        Assert.Equal(1, close.ExitCode);
        Assert.Empty(_fake.Ingress(first));
        Assert.Contains($"To remove it yourself: aws ec2 revoke-security-group-ingress --group-id {second} --security-group-rule-ids {foreign} --region eu-west-1", close.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsVerbs_ExitZero()
    {
        var run = await CliHarness.RunAsync("aws", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("open", run.Output, StringComparison.Ordinal);
        Assert.Contains("close", run.Output, StringComparison.Ordinal);
        Assert.Contains("show", run.Output, StringComparison.Ordinal);
    }
}
