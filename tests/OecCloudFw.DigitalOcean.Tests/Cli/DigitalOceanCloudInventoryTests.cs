using OecCloudFw.DigitalOcean.Tests.Oracle;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.DigitalOcean.Tests.Cli;

/// <summary>
/// <c>audit --inventory digitalocean:tag:NAME</c> (and <c>do:tag:NAME</c>) end to end: the fleet is what the fake lists
/// for the tag (its active droplets), each reached by its public address — here a real test server (sshd, ufw) — and
/// audited with the cloud firewalls applied to it as the cloud layer, read from the fake by the droplet's id.
/// </summary>
public sealed class DigitalOceanCloudInventoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static System.Text.Json.JsonElement Port(System.Text.Json.JsonElement audit, int port) =>
        audit.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static bool Admitted(System.Text.Json.JsonElement port, string layer) =>
        port.GetProperty(layer).GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean();

    [Fact]
    public async Task CloudInventory_Tag_AuditsTheActiveDropletItNames_WithItsFirewallsAsTheCloudLayer()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 8069/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        await using var account = await DoAccount.StartAsync(webAddress: server.Address);
        account.AddTeamFirewall(); // on web-1: 22 and 5432 from the internet, 443 from the db tag only
        // Never reached: a droplet of the tag that is off.
        account.Fake.AddDroplet(new DoDroplet(3164446, "web-old", ["198.19.250.9"], [], [], ["web"], "off"));
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { [DigitalOceanProvider.TokenVariable] = account.Environment[DigitalOceanProvider.TokenVariable] };
        string[] connection = ["--do-endpoint", account.Fake.Url.ToString(), "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe"];

        var run = await DoCli.RunAsync(env, ["audit", "--inventory", "digitalocean:tag:web", .. connection, "--output", "json", "--fail-on", "never"]);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(0, account.Fake.Writes);
        var report = run.Json();
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(["web-1"], report.GetProperty("inventory").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));
        var audit = Assert.Single(report.GetProperty("servers").EnumerateArray());
        Assert.Equal("web-1", audit.GetProperty("server").GetString());
        Assert.Equal($"digitalocean droplet {account.Web}", audit.GetProperty("cloudLayer").GetString());
        // 22: both layers admit it; 8069: ufw admits it, the team's firewall does not; 5432: the firewall admits it, ufw does not.
        Assert.Equal((true, true), (Admitted(Port(audit, 22), "cloud"), Admitted(Port(audit, 22), "server")));
        Assert.Equal((false, true), (Admitted(Port(audit, 8069), "cloud"), Admitted(Port(audit, 8069), "server")));
        Assert.Equal((true, false), (Admitted(Port(audit, 5432), "cloud"), Admitted(Port(audit, 5432), "server")));

        // The flags' prefix names the provider too; --limit by the group the tag makes.
        var limited = await DoCli.RunAsync(env, ["audit", "--inventory", "do:tag:web", .. connection, "--limit", "tag_web", "--output", "json", "--fail-on", "never"]);

        Assert.True(limited.ExitCode == 0, limited.All);
        Assert.Single(limited.Json().GetProperty("servers").EnumerateArray());

        // A tag DigitalOcean would not accept is bad input before anything is asked.
        var reads = account.Fake.Reads;
        var logins = server.AcceptedLogins;
        var bad = await DoCli.RunAsync(env, ["audit", "--inventory", "do:tag:web/prod", .. connection]);

        Assert.True(bad.ExitCode == 2 && bad.Error.Contains("--inventory digitalocean:tag:web/prod: '/' cannot be in a tag", StringComparison.Ordinal), bad.All);
        Assert.Equal((reads, logins), (account.Fake.Reads, server.AcceptedLogins));
    }
}
