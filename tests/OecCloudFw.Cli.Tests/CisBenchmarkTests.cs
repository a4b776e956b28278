using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>audit --benchmark cis-ubuntu-24.04</c> on real test servers with ufw, nftables and iptables: each check of CIS
/// Ubuntu 24.04's section 4 seen failing on a server set up to miss it, then passing once the server is fixed, in JSON
/// (the benchmark section and the findings' ids) and as the printed table.
/// </summary>
public sealed class CisBenchmarkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Target(TestServer server) =>
        ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts, "--no-probe", "--benchmark", "cis-ubuntu-24.04"];

    /// <summary>The benchmark's rows by id (status, evidence) and the benchmark ids the findings carry.</summary>
    private static async Task<(Dictionary<string, (string Status, string Evidence)> Rows, List<string> Tagged, JsonDocument Json)> AuditAsync(TestServer server)
    {
        var run = await CliHarness.RunAsync(["audit", .. Target(server), "--output", "json", "--fail-on", "never"]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        var json = JsonDocument.Parse(run.Output);
        Assert.Equal("oec-cloudfw/audit/v3", json.RootElement.GetProperty("schema").GetString());
        var benchmark = json.RootElement.GetProperty("benchmark");
        Assert.Equal("cis-ubuntu-24.04", benchmark.GetProperty("name").GetString());
        var rows = benchmark.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => (c.GetProperty("status").GetString()!, c.GetProperty("evidence").GetString()!));
        var tagged = json.RootElement.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("benchmarks").EnumerateArray().Select(b => b.GetString()!)).ToList();
        return (rows, tagged, json);
    }

    /// <summary>Asserts each id's status, and that a failed check is a finding carrying its id (and a passed one is not).</summary>
    private static void Expect((Dictionary<string, (string Status, string Evidence)> Rows, List<string> Tagged, JsonDocument Json) audit, params (string Id, string Status)[] expected)
    {
        foreach (var (id, status) in expected)
        {
            Assert.True(audit.Rows[id].Status == status, $"{id}: {audit.Rows[id].Status}, expected {status}: {audit.Rows[id].Evidence}");
            Assert.Equal(status == "fail", audit.Tagged.Contains($"cis-ubuntu-24.04:{id}"));
        }
    }

    /// <summary>A table line of the check's row: its id, the start of its title, its result (the title may wrap, the first line holds all three).</summary>
    private static bool Row(string line, string id, string result) =>
        System.Text.RegularExpressions.Regex.IsMatch(line, $@"│ {id}\s+│ Ensure [^│]*│ {result}\s+│");

    private static Task ListenAsync(TestServer server, int port) =>
        server.ExecAsync($"setsid python3 -m http.server {port} > /dev/null 2>&1 < /dev/null & for i in $(seq 50); do ss -Htln | grep -q ':{port} ' && exit 0; sleep 0.1; done; exit 1");

    [Fact]
    public async Task Ufw_StockThenHardened_EachCheckFailsThenPasses_AndTheTablePrints()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await ListenAsync(server, 8080);
        // Stock ufw with SSH allowed; a legacy rule next to it (Docker installed against iptables-legacy, say); and
        // iptables-persistent installed, which loads its own rules at boot.
        await server.ExecAsync("ufw allow 22/tcp >/dev/null && ufw --force enable >/dev/null && iptables-legacy -A INPUT -p tcp --dport 9999 -j DROP", Ct);
        var debs = Testing.RepositoryRoot.Artifacts("persistent", "debs");
        Assert.True(Directory.Exists(debs) && Directory.EnumerateFiles(debs, "iptables-persistent_*.deb").Any(), $"{debs} has no iptables-persistent: ./test.sh downloads it (apt-get download iptables-persistent netfilter-persistent)");
        await server.ExecAsync($"DEBIAN_FRONTEND=noninteractive dpkg -i {debs}/*.deb >/dev/null 2>&1 || dpkg -s iptables-persistent | grep -q 'Status: install ok'", Ct);

        var stock = await AuditAsync(server);

        Expect(stock, ("4.1.1", "fail"), ("4.2.2", "fail"), ("4.2.4", "fail"), ("4.2.5", "pass"), ("4.2.6", "fail"), ("4.2.7", "fail"),
            ("4.3.6", "notApplicable"), ("4.4.2.1", "notApplicable"), ("4.4.3.4", "notApplicable"));
        Assert.Contains("iptables-legacy holds", stock.Rows["4.1.1"].Evidence, StringComparison.Ordinal);
        Assert.Contains("from 127.0.0.0/8 arriving on eth0 to port 22: admitted", stock.Rows["4.2.4"].Evidence, StringComparison.Ordinal);
        Assert.Contains("IPv4 TCP 8080: refused by the default", stock.Rows["4.2.6"].Evidence, StringComparison.Ordinal);
        Assert.Contains("out to the internet on port 1024, which no rule names: admitted", stock.Rows["4.2.7"].Evidence, StringComparison.Ordinal);
        Assert.Contains(stock.Json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-IPTABLES-SPLIT-BRAIN");

        // Loopback's addresses refused from outside, a rule for 8080, deny outgoing: 4.2.5 now fails (nothing may go out).
        await server.ExecAsync("iptables-legacy -F && dpkg --purge iptables-persistent >/dev/null 2>&1; ufw prepend deny in from 127.0.0.0/8 >/dev/null && ufw prepend deny in from ::1 >/dev/null && " +
                               "ufw allow 8080/tcp >/dev/null && ufw default deny outgoing >/dev/null", Ct);
        var strict = await AuditAsync(server);
        Expect(strict, ("4.1.1", "pass"), ("4.2.2", "pass"), ("4.2.4", "pass"), ("4.2.5", "fail"), ("4.2.6", "pass"), ("4.2.7", "pass"));
        Assert.Contains("a new IPv4 TCP connection out to the internet on port 443: refused", strict.Rows["4.2.5"].Evidence, StringComparison.Ordinal);

        await server.ExecAsync("ufw allow out 443/tcp >/dev/null && ufw allow out 80/tcp >/dev/null && ufw allow out 53 >/dev/null", Ct);
        var hardened = await AuditAsync(server);
        Expect(hardened, ("4.1.1", "pass"), ("4.2.2", "pass"), ("4.2.4", "pass"), ("4.2.5", "pass"), ("4.2.6", "pass"), ("4.2.7", "pass"));

        var table = await CliHarness.RunAsync(["audit", .. Target(server), "--fail-on", "never"]);
        Assert.Equal(0, table.ExitCode);
        var lines = table.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("CIS Ubuntu Linux 24.04 LTS Benchmark v1.0.0, section 4", StringComparison.Ordinal));
        Assert.Contains(lines, l => Row(l, @"4\.2\.7", "pass"));
        Assert.Contains(lines, l => Row(l, @"4\.3\.10", "not applicable"));
        Assert.Contains(lines, l => l.StartsWith("6 passed, 0 failed, 0 undecided, 12 not applicable", StringComparison.Ordinal));
    }

    private const string StrictNft = """
        table inet filter {
          chain input {
            type filter hook input priority 0; policy drop;
            iif "lo" accept
            ip saddr 127.0.0.0/8 counter drop
            ip6 saddr ::1 counter drop
            ct state established,related accept
            tcp dport 22 accept
          }
          chain forward {
            type filter hook forward priority 0; policy drop;
          }
          chain output {
            type filter hook output priority 0; policy drop;
            oif "lo" accept
            ct state established,related,new accept
          }
        }
        """;

    [Fact]
    public async Task Nftables_OpenThenStrictAndSaved_EachCheckFailsThenPasses_AndTheTablePrints()
    {
        await using var server = await TestServer.StartAsync(Ct);
        // SSH only, no loopback rule, nothing for established connections, output and forward open; Debian's own
        // /etc/nftables.conf (an empty accepting table) is what boot would load, and the unit is not enabled.
        await server.ExecAsync("""
            nft -f - <<'EOF'
            table inet filter {
              chain input { type filter hook input priority 0; policy drop; tcp dport 22 accept; }
              chain output { type filter hook output priority 0; policy accept; }
            }
            EOF
            rm -f /etc/systemd/system/*.wants/nftables.service
            """, Ct);

        var open = await AuditAsync(server);

        Expect(open, ("4.1.1", "pass"), ("4.3.6", "fail"), ("4.3.7", "fail"), ("4.3.8", "fail"), ("4.3.10", "fail"),
            ("4.2.4", "notApplicable"), ("4.4.2.2", "notApplicable"));
        Assert.Contains("nftables tables inet filter hold rules", open.Rows["4.1.1"].Evidence, StringComparison.Ordinal);
        Assert.Contains("IPv4 TCP from 127.0.0.1 to port 1024 on lo: refused", open.Rows["4.3.6"].Evidence, StringComparison.Ordinal);
        Assert.Contains("established connection the server opened (from port 443 to its port 32768): refused", open.Rows["4.3.7"].Evidence, StringComparison.Ordinal);
        Assert.Contains("output of IPv4: nft inet filter output (hook output) policy accept", open.Rows["4.3.8"].Evidence, StringComparison.Ordinal);
        Assert.Contains("nftables.service is not enabled", open.Rows["4.3.10"].Evidence, StringComparison.Ordinal);

        // The benchmark's own ruleset, saved where nftables.service reads it, the unit enabled (as systemctl enable links it).
        await server.ExecAsync($"""
            cat > /etc/nftables.conf <<'EOF'
            flush ruleset
            {StrictNft}
            EOF
            nft -f /etc/nftables.conf
            mkdir -p /etc/systemd/system/sysinit.target.wants && ln -sf /lib/systemd/system/nftables.service /etc/systemd/system/sysinit.target.wants/nftables.service
            """, Ct);
        var strict = await AuditAsync(server);

        Expect(strict, ("4.1.1", "pass"), ("4.3.6", "pass"), ("4.3.7", "pass"), ("4.3.8", "pass"), ("4.3.10", "pass"));

        // A rule added now and not saved is lost at reboot.
        await server.ExecAsync("nft add rule inet filter input tcp dport 443 accept", Ct);
        var unsaved = await AuditAsync(server);
        Expect(unsaved, ("4.3.10", "fail"));
        Assert.Contains("chain inet filter input has 6 rules now, other rules at boot (5)", unsaved.Rows["4.3.10"].Evidence, StringComparison.Ordinal);

        // SARIF: the failed check's finding carries its benchmark id as a tag, on the result and on its rule.
        var sarif = await CliHarness.RunAsync(["audit", .. Target(server), "--output", "sarif", "--fail-on", "never"]);
        Assert.Empty(await SarifSchema.ValidateAsync(sarif.Output));
        using var log = JsonDocument.Parse(sarif.Output);
        var run = log.RootElement.GetProperty("runs")[0];
        var result = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "OECFW-NFT-NOT-PERMANENT");
        Assert.Equal(["cis-ubuntu-24.04:4.3.10"], result.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "OECFW-NFT-NOT-PERMANENT");
        Assert.Equal(["cis-ubuntu-24.04:4.3.10"], rule.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.DoesNotContain(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() != "OECFW-NFT-NOT-PERMANENT" && r.TryGetProperty("properties", out _));

        var table = await CliHarness.RunAsync(["audit", .. Target(server), "--fail-on", "never"]);
        var lines = table.Output.Split('\n');
        Assert.Contains(lines, l => Row(l, @"4\.3\.10", "fail"));
        Assert.Contains(lines, l => Row(l, @"4\.3\.6", "pass"));
        Assert.Contains(lines, l => l.Contains("OECFW-NFT-NOT-PERMANENT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Iptables_NoneThenInputOnlyThenComplete_EachCheckFailsThenPasses_AndTheTablePrints()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await ListenAsync(server, 8080);

        var none = await AuditAsync(server);
        Expect(none, ("4.1.1", "fail"), ("4.2.7", "notApplicable"), ("4.3.8", "notApplicable"), ("4.4.2.1", "notApplicable"));
        Assert.Contains("no ufw, firewalld, nftables or iptables rule filters", none.Rows["4.1.1"].Evidence, StringComparison.Ordinal);

        // IPv4: SSH only, INPUT dropping the rest; IPv6 left open.
        await server.ExecAsync("iptables -A INPUT -p tcp --dport 22 -j ACCEPT && iptables -P INPUT DROP", Ct);
        var inputOnly = await AuditAsync(server);

        Expect(inputOnly, ("4.1.1", "pass"), ("4.4.2.1", "fail"), ("4.4.2.2", "fail"), ("4.4.2.3", "fail"), ("4.4.2.4", "fail"),
            ("4.4.3.1", "fail"), ("4.4.3.2", "fail"), ("4.4.3.4", "fail"), ("4.2.4", "notApplicable"), ("4.3.6", "notApplicable"));
        Assert.Contains("IPv4 TCP 8080: refused by the default", inputOnly.Rows["4.4.2.4"].Evidence, StringComparison.Ordinal);
        Assert.Contains("IPv6 TCP 22: admitted by the default", inputOnly.Rows["4.4.3.4"].Evidence, StringComparison.Ordinal);
        Assert.Contains("output of IPv4: iptables OUTPUT policy ACCEPT", inputOnly.Rows["4.4.2.1"].Evidence, StringComparison.Ordinal);

        // The benchmark's rules, both families.
        await server.ExecAsync("""
            for t in iptables ip6tables; do
              if [ $t = iptables ]; then lo=127.0.0.0/8; else lo=::1; fi
              $t -F INPUT
              $t -A INPUT -i lo -j ACCEPT
              $t -A OUTPUT -o lo -j ACCEPT
              $t -A INPUT -s $lo -j DROP
              $t -A OUTPUT -p tcp -m state --state NEW,ESTABLISHED -j ACCEPT
              $t -A OUTPUT -p udp -m state --state NEW,ESTABLISHED -j ACCEPT
              $t -A INPUT -p tcp -m state --state ESTABLISHED -j ACCEPT
              $t -A INPUT -p udp -m state --state ESTABLISHED -j ACCEPT
              $t -A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT
              $t -A INPUT -p tcp --dport 8080 -m state --state NEW -j ACCEPT
              $t -P INPUT DROP; $t -P OUTPUT DROP; $t -P FORWARD DROP
            done
            """, Ct);
        var complete = await AuditAsync(server);

        Expect(complete, ("4.1.1", "pass"), ("4.4.2.1", "pass"), ("4.4.2.2", "pass"), ("4.4.2.3", "pass"), ("4.4.2.4", "pass"),
            ("4.4.3.1", "pass"), ("4.4.3.2", "pass"), ("4.4.3.3", "pass"), ("4.4.3.4", "pass"));

        var table = await CliHarness.RunAsync(["audit", .. Target(server), "--fail-on", "never"]);
        var lines = table.Output.Split('\n');
        Assert.Contains(lines, l => Row(l, @"4\.4\.2\.1", "pass"));
        Assert.Contains(lines, l => Row(l, @"4\.4\.3\.4", "pass"));
        Assert.Contains(lines, l => l.StartsWith("9 passed, 0 failed, 0 undecided, 9 not applicable", StringComparison.Ordinal));

        // A native nftables table filtering next to iptables: two utilities.
        await server.ExecAsync("nft add table inet extra && nft add chain inet extra input '{ type filter hook input priority 10; policy accept; }' && nft add rule inet extra input tcp dport 9999 drop", Ct);
        var two = await AuditAsync(server);
        Expect(two, ("4.1.1", "fail"));
        Assert.Contains("nftables: nftables tables inet extra hold rules", two.Rows["4.1.1"].Evidence, StringComparison.Ordinal);
        Assert.Contains(two.Json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "OECFW-FIREWALL-UTILITIES" &&
            f.GetProperty("message").GetString()!.StartsWith("2 firewall utilities filter at once (nftables, iptables)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownBenchmark_Exit2NamingTheFlag_BeforeAnythingIsRead()
    {
        var run = await CliHarness.RunAsync("audit", "--host", "198.19.254.2", "--benchmark", "cis-ubuntu-22.04", "--no-probe");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--benchmark 'cis-ubuntu-22.04' is not a benchmark the audit knows: use cis-ubuntu-24.04", run.Error, StringComparison.Ordinal);
    }
}
