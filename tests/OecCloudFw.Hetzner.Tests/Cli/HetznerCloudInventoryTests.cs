using System.Text.Json;
using OecCloudFw.Hetzner.Tests.Fake;
using OecCloudFw.Hetzner.Tests.Oracle;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Hetzner.Tests.Cli;

/// <summary>
/// <c>audit --inventory hetzner:label:SELECTOR</c> end to end: the fleet is what the fake lists for the label selector
/// (its running servers), each reached by its public address — here a real test server (sshd, ufw) — and audited with
/// the firewalls applied to it as the cloud layer, read from the fake by the server's id.
/// </summary>
public sealed class HetznerCloudInventoryTests : IAsyncLifetime
{
    private HetznerFake _fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fake = await HetznerFake.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static JsonElement Port(JsonElement audit, int port) =>
        audit.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static bool Admitted(JsonElement port, string layer) =>
        port.GetProperty(layer).GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean();

    [Fact]
    public async Task CloudInventory_LabelSelector_AuditsTheRunningServerItNames_WithItsFirewallsAsTheCloudLayer()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null && ufw allow 443/tcp >/dev/null && ufw allow 8069/tcp >/dev/null && ufw --force enable >/dev/null", Ct);
        Dictionary<string, string> Labels(string role, string env) => new() { ["role"] = role, ["env"] = env };
        var web1 = _fake.AddServer("web-1", server.Address, "2001:db8:1::/64", Labels("web", "prod"), privateIps: ["10.0.0.2"]);
        // Never reached: a stopped server the selector names, and a running one it does not.
        _fake.AddServer("web-old", "198.19.250.9", null, Labels("web", "prod"), status: "off");
        _fake.AddServer("db-1", "198.19.250.8", null, Labels("db", "prod"));
        _fake.AddFirewall("fw-web", [HzRule.In("tcp", "22", "0.0.0.0/0", "::/0"), HzRule.In("tcp", "443", "0.0.0.0/0", "::/0")], servers: [web1]);
        _fake.AddFirewall("fw-prod", [HzRule.In("tcp", "5432", "0.0.0.0/0")], selectors: ["env=prod"]);
        var env = HetznerCli.Environment(_fake);
        string[] connection = ["--hetzner-endpoint", _fake.BaseUrl.AbsoluteUri, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe"];

        var run = await HetznerCli.RunAsync(env, ["audit", "--inventory", "hetzner:label:role=web", .. connection, "--output", "json", "--fail-on", "never"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, _fake.Writes);
        Assert.Equal(1, _fake.Count("GET", "/servers"));
        using (var json = run.Json())
        {
            Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
            Assert.Equal(["web-1"], json.RootElement.GetProperty("inventory").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));
            var audit = Assert.Single(json.RootElement.GetProperty("servers").EnumerateArray());
            Assert.Equal("web-1", audit.GetProperty("server").GetString());
            // The layer named by the listing's id, read and named by the server it found.
            Assert.Equal("hetzner server web-1", audit.GetProperty("cloudLayer").GetString());
            Assert.Equal(1, _fake.Count("GET", "/servers/{id}"));
            // 443: both layers admit it; 8069: ufw admits it, no firewall does; 5432: the label-selected firewall admits it, ufw does not.
            Assert.Equal((true, true), (Admitted(Port(audit, 443), "cloud"), Admitted(Port(audit, 443), "server")));
            Assert.Equal((false, true), (Admitted(Port(audit, 8069), "cloud"), Admitted(Port(audit, 8069), "server")));
            Assert.Equal((true, false), (Admitted(Port(audit, 5432), "cloud"), Admitted(Port(audit, 5432), "server")));
            Assert.Contains("fw-prod", Port(audit, 5432).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("evidence").GetString()!, StringComparison.Ordinal);
        }

        // --limit by the groups the labels make: one that no listed server is in selects nothing (bad input, exit 2).
        var limited = await HetznerCli.RunAsync(env, ["audit", "--inventory", "hetzner:label:role=web", .. connection, "--limit", "label_env_prod", "--output", "json", "--fail-on", "never"]);
        var none = await HetznerCli.RunAsync(env, ["audit", "--inventory", "hetzner:label:role=web", .. connection, "--limit", "label_role_db"]);

        Assert.True(limited.ExitCode == 0, limited.ToString());
        Assert.True(none.ExitCode == 2 && none.Error.Contains("label_role_db", StringComparison.Ordinal), none.ToString());

        // A selector of the wrong shape is bad input before anything is asked.
        var reads = _fake.Reads;
        var logins = server.AcceptedLogins;
        var bad = await HetznerCli.RunAsync(env, ["audit", "--inventory", "hetzner:label:role in (web", .. connection]);

        Assert.True(bad.ExitCode == 2 && bad.Error.Contains("--inventory hetzner:label:role in (web: a '(' is not closed", StringComparison.Ordinal), bad.ToString());
        Assert.Equal((reads, logins), (_fake.Reads, server.AcceptedLogins));
    }
}
