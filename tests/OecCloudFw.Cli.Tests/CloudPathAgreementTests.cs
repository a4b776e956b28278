using System.Text.Json;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// The cloud layer's verdict on the packet's real path is one answer, whoever asks: the audit, <c>aws show</c> and the
/// plan's expected audit agree on a private instance (no public address: nothing is exposed, what the groups would
/// admit is latent) and on sources split across rules that together cover the internet (open, critical).
/// </summary>
public sealed class CloudPathAgreementTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string[] Aws(string instance) => ["--aws-instance", instance, "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString()];

    private static async Task<JsonDocument> JsonAsync(params string[] args)
    {
        var run = await CliHarness.RunAsync([.. args, "--output", "json"]);
        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Error}");
        return JsonDocument.Parse(run.Output);
    }

    private static IEnumerable<string?> Ids(JsonElement findings) => findings.EnumerateArray().Select(f => f.GetProperty("id").GetString());

    private static JsonElement CloudV4(JsonElement audit, int port) =>
        audit.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port).GetProperty("cloud").GetProperty("fromInternetIpv4");

    [Fact]
    public async Task PrivateInstance_NothingExposed_LatentEverywhere_AuditShowAndPlanAgree()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw allow 5432/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var group = _ec2.CreateGroup();
        foreach (var port in new[] { 22, 80, 443, 5432 })
        {
            _ec2.AddIngress(group, "tcp", port, port, "0.0.0.0/0");
        }

        var instance = _ec2.CreateInstanceWith(null, new FakeEni([group]));
        var eni = _ec2.Interfaces(instance)[0].Id!;

        using var audit = await JsonAsync(["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--fail-on", "never", .. Aws(instance)]);
        using var show = await JsonAsync(["aws", "show", "--instance", instance, "--region", "eu-west-1", "--endpoint-url", _ec2.Url.ToString(), "--fail-on", "never"]);
        using var plan = await JsonAsync(["plan", .. CliFlags.Server(server), .. Aws(instance)]);

        var database = CloudV4(audit.RootElement, 5432);
        Assert.False(database.GetProperty("admitted").GetBoolean());
        Assert.Contains($"{eni} has no public IPv4 address", database.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("OECFW-PORT-INTERNET", Ids(audit.RootElement.GetProperty("findings")));
        Assert.DoesNotContain("OECFW-SSH-INTERNET", Ids(audit.RootElement.GetProperty("findings")));
        Assert.Contains("OECFW-PORT-LATENT", Ids(audit.RootElement.GetProperty("findings")));

        var shown = show.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 5432);
        Assert.Equal("refused", shown.GetProperty("verdict").GetString());
        Assert.Contains("OECFW-PORT-LATENT", Ids(show.RootElement.GetProperty("findings")));
        Assert.DoesNotContain("OECFW-PORT-INTERNET", Ids(show.RootElement.GetProperty("findings")));

        var expected = CloudV4(plan.RootElement.GetProperty("expected"), 5432);
        Assert.Equal(database.GetProperty("verdict").GetString(), expected.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task SourcesSplitInTwoHalves_AreOpenToTheInternet_AuditAndShowAgree()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 5432/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var group = _ec2.CreateGroup();
        _ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        _ec2.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/1");
        _ec2.AddIngress(group, "tcp", 5432, 5432, "128.0.0.0/1");
        var instance = _ec2.CreateInstance([group]);

        using var audit = await JsonAsync(["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--fail-on", "never", .. Aws(instance)]);
        using var show = await JsonAsync(["aws", "show", "--instance", instance, "--region", "eu-west-1", "--endpoint-url", _ec2.Url.ToString(), "--fail-on", "never"]);

        Assert.True(CloudV4(audit.RootElement, 5432).GetProperty("admitted").GetBoolean());
        var critical = audit.RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET" && f.GetProperty("message").GetString()!.Contains("5432", StringComparison.Ordinal));
        Assert.Equal("critical", critical.GetProperty("severity").GetString());
        var shownFinding = show.RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == "OECFW-PORT-INTERNET" && f.GetProperty("message").GetString()!.Contains("5432", StringComparison.Ordinal));
        Assert.Equal("critical", shownFinding.GetProperty("severity").GetString());
        Assert.Equal("admitted", show.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == 5432).GetProperty("verdict").GetString());
    }
}
