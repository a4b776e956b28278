using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// The guide's connectivity tests against a test server. The outbound names (api.oec.sh, hub.docker.com, the mail host)
/// are pointed at the test's own host end in the server's /etc/hosts, where nothing listens: no traffic leaves.
/// </summary>
public sealed class TestCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Test_FromRunnerAndServer_ResultsWithTheGuidesDiagnoses()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync($"""
            printf '{server.ClientAddress} api.oec.sh hub.docker.com mail.example.net\n' >> /etc/hosts
            setsid python3 -m http.server 80 > /dev/null 2>&1 < /dev/null &
            openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/k.pem -out /tmp/c.pem -days 1 -subj /CN=shop.example.net > /dev/null 2>&1
            setsid openssl s_server -quiet -accept 443 -cert /tmp/c.pem -key /tmp/k.pem -www > /dev/null 2>&1 < /dev/null &
            for i in $(seq 50); do ss -Htln | grep -q ':443 ' && ss -Htln | grep -q ':80 ' && exit 0; sleep 0.1; done; exit 1
            """, Ct);

        var run = await CliHarness.RunAsync("test", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--domain", "shop.example.net", "--mail-host", "mail.example.net", "--timeout", "2", "--output", "json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("what").GetString()!, c => c);
        Assert.Equal("connected", checks[$"SSH {server.Address}:22"].GetProperty("result").GetString());
        Assert.Equal("200 without a redirect to HTTPS", checks["HTTP 80"].GetProperty("result").GetString());
        Assert.Contains("NOT trusted for shop.example.net", checks["HTTPS 443"].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("refused", checks["api.oec.sh:443"].GetProperty("result").GetString());
        Assert.Equal("refused", checks["mail.example.net:587"].GetProperty("result").GetString());
        Assert.Contains("Traefik", checks["traefik"].GetProperty("diagnosis").GetString(), StringComparison.Ordinal);
        Assert.True(checks["sshd"].GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Test_NothingOnWebPorts_RefusedMeansNoWebServer()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var run = await CliHarness.RunAsync("test", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--timeout", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no web server is running: check Traefik: docker ps | grep traefik", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_BadDomain_ExitTwo()
    {
        var run = await CliHarness.RunAsync("test", "--host", "198.19.250.2", "--domain", "not a domain");

        Assert.Equal(2, run.ExitCode);
    }
}
