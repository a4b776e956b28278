using System.Text.Json;
using OecCloudFw.Aws;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// End-to-end audits of real test servers (network namespaces with real sshd and firewalls), with the fake EC2 endpoint
/// as the cloud layer. Each finding is shown to appear, and to go away once the setup is fixed.
/// </summary>
public sealed class AuditCommandTests : IAsyncLifetime
{
    private FakeEc2 _ec2 = null!;

    public async ValueTask InitializeAsync() => _ec2 = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _ec2.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(int Exit, JsonDocument Json)> AuditAsync(TestServer server, params string[] extra)
    {
        var run = await CliHarness.RunAsync(["audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "json", "--probe-timeout", "1", .. extra]);
        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.Error}");
        return (run.ExitCode, JsonDocument.Parse(run.Output));
    }

    private static List<(string Id, string Severity, string Message)> Findings(JsonDocument json) =>
        json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString()!, f.GetProperty("severity").GetString()!, f.GetProperty("message").GetString()!)).ToList();

    internal static List<string> Fixes(JsonDocument json, string id) =>
        json.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("id").GetString() == id)
            .GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!).ToList();

    private static JsonElement Port(JsonDocument json, int port) =>
        json.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("port").GetInt32() == port);

    private static Task ListenAsync(TestServer server, int port) =>
        server.ExecAsync($"setsid python3 -m http.server {port} > /dev/null 2>&1 < /dev/null & for i in $(seq 50); do ss -Htln | grep -q ':{port} ' && exit 0; sleep 0.1; done; exit 1");

    [Fact]
    public async Task NoFirewall_DatabaseListening_FindingsThenGoneAfterConfigure()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await ListenAsync(server, 5432);
        await ListenAsync(server, 443);

        var (exit, before) = await AuditAsync(server, "--fail-on", "critical");
        var ids = Findings(before).Select(f => f.Id).ToList();

        Assert.Equal(1, exit);
        Assert.Contains("OECFW-NO-FIREWALL", ids);
        Assert.Equal([$"oec-cloudfw server configure --host {server.Address}"], Fixes(before, "OECFW-NO-FIREWALL"));
        Assert.Contains(Findings(before), f => f.Id == "OECFW-PORT-INTERNET" && f.Severity == "critical" && f.Message.StartsWith("PostgreSQL (5432)", StringComparison.Ordinal));
        Assert.Equal("open", Port(before, 5432).GetProperty("probe").GetString());
        Assert.Equal("closed", Port(before, 8069).GetProperty("probe").GetString());
        Assert.Contains(Findings(before), f => f.Id == "OECFW-NOT-LISTENING" && f.Message.StartsWith("HTTP (80)", StringComparison.Ordinal));
        Assert.Contains(before.RootElement.GetProperty("web").EnumerateArray(), w => w.GetProperty("check").GetString() == "HTTPS 443" && w.GetProperty("result").GetString() == "TLS handshake failed");
        Assert.Contains(Findings(before), f => f.Id == "OECFW-SSH-INTERNET" && f.Severity == "warning");
        Assert.Contains("probes from", before.RootElement.GetProperty("vantage").GetString()!, StringComparison.Ordinal);

        Assert.Equal(0, (await CliHarness.RunAsync("server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts)).ExitCode);
        var (_, after) = await AuditAsync(server);
        var afterIds = Findings(after).Select(f => f.Id).ToList();

        Assert.DoesNotContain("OECFW-NO-FIREWALL", afterIds);
        Assert.DoesNotContain("OECFW-PORT-INTERNET", afterIds);
        Assert.Equal("filtered", Port(after, 5432).GetProperty("probe").GetString());
        Assert.False(Port(after, 5432).GetProperty("server").GetProperty("fromInternetIpv6").GetProperty("admitted").GetBoolean());
    }

    [Fact]
    public async Task CloudAndServer_SingleLayerAndRequiredBlocked_FixedByAwsOpen()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        await ListenAsync(server, 80);
        await ListenAsync(server, 443);
        var group = _ec2.CreateGroup();
        _ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        _ec2.AddIngress(group, "tcp", 5432, 5432, "0.0.0.0/0", "someone opened the database");
        _ec2.ResetCounts();

        var (_, before) = await AuditAsync(server, CliFlags.Aws(_ec2, group));
        var findings = Findings(before);

        Assert.Equal(1, _ec2.Reads);
        Assert.Equal($"aws {group}", before.RootElement.GetProperty("cloudLayer").GetString());
        Assert.Contains(findings, f => f.Id == "OECFW-REQUIRED-BLOCKED" && f.Message == $"HTTPS (443) is blocked by aws {group}");
        Assert.Contains(findings, f => f.Id == "OECFW-SINGLE-LAYER" && f.Message.StartsWith("PostgreSQL (5432) is kept closed by ufw only", StringComparison.Ordinal));
        var fix = before.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("id").GetString() == "OECFW-REQUIRED-BLOCKED").GetProperty("fixes")[0].GetString();
        Assert.StartsWith($"oec-cloudfw aws open --group {group} --port", fix, StringComparison.Ordinal);

        await CliHarness.RunAsync("aws", "open", "--group", group, "--region", "eu-west-1", "--endpoint-url", _ec2.Url.ToString());
        _ec2.RemoveIngress(group, 5432);
        var (_, after) = await AuditAsync(server, CliFlags.Aws(_ec2, group));

        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-REQUIRED-BLOCKED");
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-SINGLE-LAYER" && f.Message.StartsWith("PostgreSQL", StringComparison.Ordinal));
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-NOT-LISTENING");
    }

    [Fact]
    public async Task CloudVerdictPerFamily_DatabaseOpenOnIpv6InEveryLayer_IsOpenToTheInternet()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw allow 5432/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        await server.ExecAsync("setsid python3 -c \"import socket,time; s=socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); s.bind(('::', 5432)); s.listen(); time.sleep(600)\" > /dev/null 2>&1 < /dev/null & sleep 0.5", Ct);
        var group = _ec2.CreateGroup();
        foreach (var port in new[] { 22, 80, 443 })
        {
            _ec2.AddIngress(group, "tcp", port, port, "0.0.0.0/0");
        }

        _ec2.AddIngress(group, "tcp", 5432, 5432, "::/0");

        var (exit, report) = await AuditAsync(server, ["--no-probe", "--fail-on", "critical", .. CliFlags.Aws(_ec2, group)]);

        var row = Port(report, 5432);
        Assert.False(row.GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.True(row.GetProperty("cloud").GetProperty("fromInternetIpv6").GetProperty("admitted").GetBoolean());
        Assert.True(row.GetProperty("openToInternet").GetBoolean());
        Assert.False(row.GetProperty("openToInternetIpv4").GetBoolean());
        Assert.True(row.GetProperty("openToInternetIpv6").GetBoolean());
        Assert.Equal(1, exit);
        Assert.Contains(Findings(report), f => f.Id == "OECFW-PORT-INTERNET" && f.Severity == "critical" && f.Message.StartsWith("PostgreSQL (5432)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManagementPrefixListAndLoadBalancerGroup_NotBlocked_NoFixThatOpensToTheWorld()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var group = _ec2.CreateGroup();
        var loadBalancer = _ec2.CreateGroup();
        var office = _ec2.CreatePrefixList("office", 5, "203.0.113.10/32");
        _ec2.AddIngressFromPrefixList(group, "tcp", 22, 22, office);
        _ec2.AddIngressFromGroup(group, "tcp", 80, 80, loadBalancer);
        _ec2.AddIngressFromGroup(group, "tcp", 443, 443, loadBalancer);

        var (_, report) = await AuditAsync(server, ["--no-probe", "--ssh-source", "203.0.113.10/32", .. CliFlags.Aws(_ec2, group)]);

        Assert.True(Port(report, 22).GetProperty("cloud").GetProperty("fromSources").GetProperty("admitted").GetBoolean());
        Assert.Contains(office, Port(report, 22).GetProperty("cloud").GetProperty("fromSources").GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Findings(report), f => f.Id == "OECFW-REQUIRED-BLOCKED");
        Assert.Contains(Findings(report), f => f.Id == "OECFW-THROUGH-PEER" && f.Severity == "info" && f.Message.StartsWith("HTTPS (443)", StringComparison.Ordinal) && f.Message.Contains(loadBalancer, StringComparison.Ordinal));
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray().SelectMany(f => f.GetProperty("fixes").EnumerateArray()),
            f => f.GetString()!.Contains("--port 443", StringComparison.Ordinal) || f.GetString()!.Contains("--port 22", StringComparison.Ordinal));

        // A management source inside the VPC may be a member of the referenced group: the tool says it cannot tell.
        _ec2.AddIngressFromGroup(group, "tcp", 22, 22, loadBalancer);
        var (_, bastion) = await AuditAsync(server, ["--no-probe", "--ssh-source", "10.0.1.5/32", .. CliFlags.Aws(_ec2, group)]);
        Assert.Equal("indeterminate", Port(bastion, 22).GetProperty("cloud").GetProperty("fromSources").GetProperty("verdict").GetString());
        Assert.Contains(Findings(bastion), f => f.Id == "OECFW-INDETERMINATE" && f.Message.Contains("SSH (22)", StringComparison.Ordinal));
        Assert.DoesNotContain(Findings(bastion), f => f.Id == "OECFW-REQUIRED-BLOCKED");
    }

    [Fact]
    public async Task SshOpenToTheWorldInTheSecondGroup_FixNamesThatGroupAndRestrictsIt()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var web = _ec2.CreateGroup();
        var ssh = _ec2.CreateGroup();
        _ec2.AddIngress(web, "tcp", 80, 80, "0.0.0.0/0");
        _ec2.AddIngress(web, "tcp", 443, 443, "0.0.0.0/0");
        var world = _ec2.AddIngress(ssh, "tcp", 22, 22, "0.0.0.0/0");

        var (_, report) = await AuditAsync(server, "--no-probe", "--aws-group", $"{web},{ssh}", "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString());

        var fixes = Fixes(report, "OECFW-SSH-INTERNET");
        Assert.Equal($"oec-cloudfw aws open --group {ssh} --port 22 --ssh-source <management-ip>/32 --region eu-west-1", fixes[0]);
        Assert.Equal($"aws ec2 revoke-security-group-ingress --group-id {ssh} --security-group-rule-ids {world} --region eu-west-1", fixes[1]);
        Assert.Contains($"oec-cloudfw server configure --host {server.Address} --ssh-source <management-ip>/32", fixes);
    }

    [Fact]
    public async Task AwsInstance_EveryGroupOnEveryEni_UnionOfAllows()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow 80/tcp >/dev/null; ufw allow 443/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        var ssh = _ec2.CreateGroup();
        var web = _ec2.CreateGroup();
        _ec2.AddIngress(ssh, "tcp", 22, 22, "203.0.113.0/24");
        _ec2.AddIngress(web, "tcp", 80, 80, "0.0.0.0/0");
        _ec2.AddIngress(web, "tcp", 443, 443, "0.0.0.0/0");
        var instance = _ec2.CreateInstance([ssh], [web]);
        _ec2.ResetCounts();

        var (_, report) = await AuditAsync(server, "--no-probe", "--ssh-source", "203.0.113.0/24", "--aws-instance", instance,
            "--aws-region", "eu-west-1", "--aws-endpoint-url", _ec2.Url.ToString());

        Assert.Equal($"aws {ssh}+{web}", report.RootElement.GetProperty("cloudLayer").GetString());
        Assert.Equal(1, _ec2.Calls("DescribeInstances"));
        Assert.Equal(2, _ec2.Calls("DescribeSecurityGroupRules"));
        Assert.True(Port(report, 443).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.True(Port(report, 22).GetProperty("cloud").GetProperty("fromSources").GetProperty("admitted").GetBoolean());
        Assert.False(Port(report, 22).GetProperty("cloud").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.DoesNotContain(Findings(report), f => f.Id == "OECFW-REQUIRED-BLOCKED");
        Assert.DoesNotContain(Findings(report), f => f.Id == "OECFW-SSH-INTERNET");
        Assert.Contains(Findings(report), f => f.Id == "OECFW-SINGLE-LAYER" && f.Message.StartsWith("SSH (22) is restricted to 203.0.113.0/24 in aws", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SshdOn2222_Only22Admitted_MismatchThenFixed()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("echo 'Port 2222' > /etc/ssh/sshd_config.d/10-port.conf; ufw allow 22/tcp >/dev/null; ufw allow 2222/tcp >/dev/null; ufw --force enable >/dev/null", Ct);
        await server.RestartSshdAsync(Ct);
        var group = _ec2.CreateGroup();
        _ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");

        var (_, before) = await AuditAsync(server, ["--port", "2222", .. CliFlags.Aws(_ec2, group)]);

        Assert.Contains(Findings(before), f => f.Id == "OECFW-SSH-PORT-MISMATCH" && f.Severity == "critical" && f.Message == "sshd listens on 2222, but only 22 is admitted: management connections to 2222 fail");

        _ec2.AddIngress(group, "tcp", 2222, 2222, "0.0.0.0/0");
        var (_, after) = await AuditAsync(server, ["--port", "2222", .. CliFlags.Aws(_ec2, group)]);
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-SSH-PORT-MISMATCH");
    }

    [Fact]
    public async Task DockerPublishedDatabase_BehindUfwDeny_IsABypassUntilDockerUserDrops()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        // The real engine publishes a real container's port: Docker writes the DNAT, DOCKER and DOCKER-USER chains.
        var container = await docker.PublishAsync(5432, Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw deny 5432/tcp >/dev/null; ufw --force enable >/dev/null", Ct);

        var (exit, before) = await AuditAsync(server, "--fail-on", "critical");

        Assert.Equal(1, exit);
        Assert.Contains(Findings(before), f => f.Id == "OECFW-DOCKER-BYPASS" && f.Severity == "critical");
        Assert.DoesNotContain(Findings(before), f => f.Id == "OECFW-MODEL-PROBE-MISMATCH");
        // The row says what the kernel does with the forwarded packets: admitted, open to the internet, and the probe,
        // a real connection through the DNAT, agrees.
        var row = Port(before, 5432);
        Assert.True(row.GetProperty("server").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.StartsWith("published by Docker", row.GetProperty("server").GetProperty("fromInternetIpv4").GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.True(row.GetProperty("openToInternet").GetBoolean());
        Assert.Equal("open", row.GetProperty("probe").GetString());
        // IPv6 has no DNAT here (Docker's IPv6 is off): docker-proxy's [::]:5432 sits behind ufw's INPUT deny.
        Assert.False(row.GetProperty("server").GetProperty("fromInternetIpv6").GetProperty("admitted").GetBoolean());

        await server.ExecAsync("iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 5432 -j DROP", Ct);
        // A restart rewrites Docker's chains; the rule on the original port still holds.
        await docker.RestartAsync(container, Ct);
        var (_, after) = await AuditAsync(server);
        Assert.DoesNotContain(Findings(after), f => f.Id is "OECFW-DOCKER-BYPASS" or "OECFW-MODEL-PROBE-MISMATCH");
        var fixedRow = Port(after, 5432);
        Assert.False(fixedRow.GetProperty("server").GetProperty("fromInternetIpv4").GetProperty("admitted").GetBoolean());
        Assert.False(fixedRow.GetProperty("openToInternet").GetBoolean());
        Assert.Equal("filtered", fixedRow.GetProperty("probe").GetString());
    }

    [Fact]
    public async Task SshdSettings_PasswordAndRootLogin_FlaggedThenFixed()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("printf 'PasswordAuthentication yes\\nPermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/01-weak.conf", Ct);
        await server.RestartSshdAsync(Ct);

        var (_, before) = await AuditAsync(server, "--no-probe");

        Assert.Contains(Findings(before), f => f.Id == "OECFW-SSH-PASSWORD");
        Assert.Contains(Findings(before), f => f.Id == "OECFW-SSH-ROOT-LOGIN");
        Assert.Contains(Findings(before), f => f.Id == "OECFW-NO-FAIL2BAN");
        Assert.Equal("notprobed", Port(before, 22).GetProperty("probe").GetString());

        await server.ExecAsync("printf 'PasswordAuthentication no\\nPermitRootLogin prohibit-password\\n' > /etc/ssh/sshd_config.d/01-weak.conf", Ct);
        await server.RestartSshdAsync(Ct);
        var (_, after) = await AuditAsync(server, "--no-probe");

        Assert.DoesNotContain(Findings(after), f => f.Id is "OECFW-SSH-PASSWORD" or "OECFW-SSH-ROOT-LOGIN");
    }

    /// <summary>
    /// Password and root login allowed by cloud-init's drop-in (50-cloud-init.conf, as Ubuntu cloud images ship it): both
    /// findings carry the same one fix, and the fix by hand (the 00- drop-in harden writes, with both settings, checked
    /// and reloaded) clears both on the real sshd; two fixes writing one 50- file would overwrite each other and lose to
    /// cloud-init's.
    /// </summary>
    [Fact]
    public async Task SshdSettings_FromCloudInit_OneFixForBoth_ByHandClearsBoth()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("printf 'PasswordAuthentication yes\\nPermitRootLogin yes\\n' > /etc/ssh/sshd_config.d/50-cloud-init.conf", Ct);
        await server.RestartSshdAsync(Ct);

        var (_, before) = await AuditAsync(server, "--no-probe");
        List<string> FixesOf(string id) => [.. before.RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("id").GetString() == id).GetProperty("fixes").EnumerateArray().Select(f => f.GetString()!)];
        var password = FixesOf("OECFW-SSH-PASSWORD");
        var root = FixesOf("OECFW-SSH-ROOT-LOGIN");

        Assert.Equal(password, root);
        Assert.StartsWith("oec-cloudfw server harden --host ", password[0], StringComparison.Ordinal);
        var byHand = Assert.Single(password, f => f.Contains("/etc/ssh/sshd_config.d/00-oec-cloudfw-harden.conf", StringComparison.Ordinal));
        Assert.DoesNotContain(password, f => f.Contains("50-oec-cloudfw", StringComparison.Ordinal));

        await server.ExecAsync(byHand, Ct);
        await server.RestartSshdAsync(Ct);
        var (_, after) = await AuditAsync(server, "--no-probe");

        Assert.DoesNotContain(Findings(after), f => f.Id is "OECFW-SSH-PASSWORD" or "OECFW-SSH-ROOT-LOGIN");
        Assert.Contains("passwordauthentication no", await server.ExecAsync("sshd -T", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv6OnlyRule_FamilyMismatchFlagged()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 22/tcp >/dev/null; ufw allow from ::/0 to any port 8069 proto tcp >/dev/null; ufw --force enable >/dev/null", Ct);

        var (_, report) = await AuditAsync(server, "--no-probe");

        Assert.Contains(Findings(report), f => f.Id == "OECFW-IPV4-IPV6-MISMATCH" && f.Message.StartsWith("Odoo HTTP (8069) is admitted on IPv6 but refused on IPv4", StringComparison.Ordinal));

        await server.ExecAsync("ufw delete allow from ::/0 to any port 8069 proto tcp >/dev/null", Ct);
        var (_, after) = await AuditAsync(server, "--no-probe");
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-IPV4-IPV6-MISMATCH");
    }

    [Fact]
    public async Task CsfOnADockerHost_FlaggedUntilCsfIsDisabled()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        await docker.PublishAsync(8080, Ct);
        await CsfInServer.InstallAsync(server, Ct);

        var (_, before) = await AuditAsync(server, "--no-probe");
        Assert.Contains(Findings(before), f => f.Id == "OECFW-CSF-DOCKER" && f.Severity == "critical");

        await server.ExecAsync("csf -x >/dev/null", Ct);
        var (_, after) = await AuditAsync(server, "--no-probe");
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-CSF-DOCKER");
    }

    [Fact]
    public async Task Fail2Ban_NoJailOnTheActualSshPort_FlaggedUntilOneCoversIt()
    {
        await using var server = await TestServer.StartAsync(Ct);
        // The real fail2ban, its sshd jail on 2222 while sshd listens on 22.
        await Fail2BanInServer.StartAsync(server, 2222, Ct);

        var (_, before) = await AuditAsync(server, "--no-probe");
        Assert.Contains(Findings(before), f => f.Id == "OECFW-NO-FAIL2BAN" && f.Message == "no fail2ban jail covers the SSH port 22 actually in use");

        await server.ExecAsync("sed -i 's/^port = .*/port = ssh,2222/' /etc/fail2ban/jail.d/zz-test.local && fail2ban-client reload >/dev/null", Ct);
        var (_, after) = await AuditAsync(server, "--no-probe");
        Assert.DoesNotContain(Findings(after), f => f.Id == "OECFW-NO-FAIL2BAN");
    }

    [Fact]
    public async Task Sarif_ValidAgainstTheSarif210Schema_WithAnchorsAndFingerprints()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var run = await CliHarness.RunAsync("audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "sarif", "--no-probe", "--sarif-anchor", "infra/oec-cloudfw.yaml", "--fail-on", "never");
        var again = await CliHarness.RunAsync("audit", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts,
            "--output", "sarif", "--no-probe", "--sarif-anchor", "infra/oec-cloudfw.yaml", "--fail-on", "never");

        Assert.Equal(0, run.ExitCode);
        var errors = await SarifSchema.ValidateAsync(run.Output);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        using var sarif = JsonDocument.Parse(run.Output);
        var result = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("infra/oec-cloudfw.yaml", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(server.Address, result.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
        using var second = JsonDocument.Parse(again.Output);
        Assert.Equal(
            result.GetProperty("partialFingerprints").GetRawText(),
            second.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("partialFingerprints").GetRawText());
    }

    [Fact]
    public async Task Fleet_ServersBehindTheSameGroup_TheGroupIsReadOnce()
    {
        await using var one = await TestServer.StartAsync(Ct);
        await using var two = await TestServer.StartAsync(Ct);
        var group = _ec2.CreateGroup();
        var inventory = Path.Combine(one.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"""
            defaults:
              aws_region: eu-west-1
              aws_endpoint_url: {_ec2.Url}
            servers:
              - host: {one.Address}
                identity: {one.ClientKey}
                known_hosts: {one.KnownHosts}
                aws_groups: [{group}]
              - host: {two.Address}
                identity: {two.ClientKey}
                known_hosts: {two.KnownHosts}
                aws_groups: [{group}]
            """, Ct);
        _ec2.ResetCounts();

        var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--parallel", "2", "--no-probe", "--fail-on", "never");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(1, _ec2.Calls("DescribeSecurityGroupRules"));
        Assert.Contains(one.Address, run.Output, StringComparison.Ordinal);
        Assert.Contains(two.Address, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInputs_ExitTwoBeforeConnecting()
    {
        var both = await CliHarness.RunAsync("audit", "--host", "198.19.250.2", "--aws-group", "sg-0123456789abcdef0", "--azure-nsg", "x", "-g", "rg");
        var badGroup = await CliHarness.RunAsync("audit", "--host", "198.19.250.2", "--aws-group", "sg-nope");
        var badOutput = await CliHarness.RunAsync("audit", "--host", "198.19.250.2", "--output", "xml");

        Assert.Equal((2, 2, 2), (both.ExitCode, badGroup.ExitCode, badOutput.ExitCode));
        Assert.Contains("one cloud layer at a time", both.Error, StringComparison.Ordinal);
    }
}
