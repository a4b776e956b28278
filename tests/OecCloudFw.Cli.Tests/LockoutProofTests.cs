using System.Diagnostics;
using System.Text.Json;
using OecCloudFw.Testing;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Issue 20: proofs that are made, not claimed (--local proves by evaluating the applied ruleset, never by a "new
/// connection"); the operator's own address named before any change; the applied policy remembered on the server.
/// </summary>
public sealed class LockoutProofTests
{
    private const string Rules = "iptables-save | grep -v '^#'; ip6tables-save | grep -v '^#'; ufw status";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Console output as one line (the table renderer wraps long lines at the console's width).</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s*\n\s*", " ");

    private static string ExamplePolicy => Path.Combine(RepositoryRoot.Path, "examples", "oec-cloudfw.yaml");

    /// <summary>
    /// The native executable run --local inside a test server, as from an SSH session whose client is the test client
    /// (SSH_CONNECTION set): a policy that excludes that client is refused before any change; with the risk allowed, the
    /// local proof (the applied ruleset, evaluated) rolls it back at once; with the client among the sources, confirmed
    /// by that proof. Never "new connection", which --local cannot make.
    /// </summary>
    [Fact]
    public async Task ConfigureLocal_InAnSshSession_RefusedThenRolledBackByTheEvaluatedRuleset_ThenProvenByIt()
    {
        var binary = await NativeBinary.PathAsync(Ct);
        await using var server = await TestServer.StartAsync(Ct);
        var before = await server.ExecAsync(Rules, Ct);
        var session = $"SSH_CONNECTION='{server.ClientAddress} 40022 {server.Address} 22'";

        var watch = Stopwatch.StartNew();
        var refused = await server.TryExecAsync($"{session} {binary} server configure --local --ssh-source 198.18.250.1/32 --confirm-timeout 120", Ct);
        var rolledBack = await server.TryExecAsync($"{session} {binary} server configure --local --ssh-source 198.18.250.1/32 --allow-lockout-risk --confirm-timeout 120", Ct);
        watch.Stop();

        Assert.True(refused.ExitCode == 4, refused.Stdout + refused.Stderr);
        Assert.Contains($"your address {server.ClientAddress} is not among the SSH sources", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains($"add --ssh-source {server.ClientAddress}/32, or pass --allow-lockout-risk", refused.Stderr, StringComparison.Ordinal);
        Assert.True(rolledBack.ExitCode == 4, rolledBack.Stdout + rolledBack.Stderr);
        Assert.Contains($"the applied ruleset does not admit SSH on port 22 from {server.ClientAddress}/32 (the SSH session this runs in)", rolledBack.Stdout, StringComparison.Ordinal);
        Assert.Contains("restored the previous rules at once", rolledBack.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("confirmed", rolledBack.Stdout + rolledBack.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("new connection", rolledBack.Stdout + rolledBack.Stderr, StringComparison.Ordinal);
        // Neither waited for the confirm timeout: the refusal changed nothing, the proof decided at once.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"took {watch.Elapsed}");
        Assert.Equal(before, await server.ExecAsync(Rules, Ct));
        Assert.Equal("absent", (await server.ExecAsync("[ -e /etc/oec-cloudfw/applied-policy.yaml ] && echo present || echo absent", Ct)).Trim());

        var proven = await server.TryExecAsync($"{session} {binary} server configure --local --ssh-source {server.ClientAddress}/32 --confirm-timeout 120", Ct);

        Assert.True(proven.ExitCode == 0, proven.Stdout + proven.Stderr);
        Assert.Contains($"proven by evaluating the applied ruleset: SSH admitted on port 22 from {server.ClientAddress}/32", proven.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("new connection", proven.Stdout + proven.Stderr, StringComparison.Ordinal);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        // The applied policy, recorded: root-owned 0644, in the policy-file format, saying what it came from.
        Assert.Equal("0:0 644", (await server.ExecAsync("stat -c '%u:%g %a' /etc/oec-cloudfw/applied-policy.yaml", Ct)).Trim());
        var record = await server.ExecAsync("cat /etc/oec-cloudfw/applied-policy.yaml", Ct);
        Assert.Contains($"# from: --ssh-source {server.ClientAddress}/32", record, StringComparison.Ordinal);
        Assert.Contains($"sources: [\"{server.ClientAddress}/32\"]", record, StringComparison.Ordinal);

        // apply --local (the cloud-init path) proves the same way.
        var apply = await server.TryExecAsync($"{session} {binary} apply --local --ssh-source {server.ClientAddress}/32 --optional 8072 --confirm-timeout 120 --output json", Ct);

        Assert.True(apply.ExitCode is 0 or 1, apply.Stdout + apply.Stderr);
        using var json = JsonDocument.Parse(apply.Stdout);
        Assert.Equal("applied", json.RootElement.GetProperty("outcome").GetString());
        Assert.StartsWith("proven by evaluating the applied ruleset", json.RootElement.GetProperty("serverDetail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The way operators run it: a real SSH login (OpenSSH's client) as a user with sudo, then <c>sudo oec-cloudfw …
    /// --local</c>. sudo's env_reset drops SSH_CONNECTION; the tool finds the session in its parent processes, so a
    /// policy that excludes the operator is still refused before any change, naming the operator's address.
    /// </summary>
    [Fact]
    public async Task ConfigureLocal_UnderSudo_InARealSshLogin_StillKnowsTheOperatorsAddress()
    {
        var binary = await NativeBinary.PathAsync(Ct);
        await using var server = await TestServer.StartAsync(Ct);
        await server.AddUserAsync("ops", sudo: true, Ct);
        var before = await server.ExecAsync(Rules, Ct);

        var refused = await TestServer.Run("ssh",
            ["-F", "/dev/null", "-i", server.ClientKey, "-o", $"UserKnownHostsFile={server.KnownHosts}", "-o", "BatchMode=yes", $"ops@{server.Address}",
             $"sudo {binary} server configure --local --ssh-source 198.18.250.1/32 --confirm-timeout 120"], Ct, check: false);

        Assert.True(refused.ExitCode == 4, refused.Stdout + refused.Stderr);
        Assert.Contains($"your address {server.ClientAddress} is not among the SSH sources", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await server.ExecAsync(Rules, Ct));
    }

    /// <summary>
    /// Over SSH, the example policy (SSH only from documentation addresses) names the operator's address and the flag
    /// in preflight, the dry run and plan; the real configure and apply refuse before any change, without waiting.
    /// </summary>
    [Fact]
    public async Task ExamplePolicy_OverSsh_WarnedInPreflightDryRunAndPlan_RefusedByConfigureAndApply()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var before = await server.ExecAsync(Rules, Ct);
        var fix = $"add --ssh-source {server.ClientAddress}/32, or pass --allow-lockout-risk";

        var preflight = await CliHarness.RunAsync(["server", "preflight", .. CliFlags.Server(server), "--policy", ExamplePolicy]);
        var dryRun = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--policy", ExamplePolicy, "--dry-run"]);
        var plan = await CliHarness.RunAsync(["plan", .. CliFlags.Server(server), "--policy", ExamplePolicy]);
        var watch = Stopwatch.StartNew();
        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--policy", ExamplePolicy, "--confirm-timeout", "120"]);
        var apply = await CliHarness.RunAsync(["apply", .. CliFlags.Server(server), "--policy", ExamplePolicy, "--confirm-timeout", "120", "--no-probe"]);
        watch.Stop();

        Assert.Contains(fix, Flat(preflight.Output), StringComparison.Ordinal);
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains(fix, Flat(dryRun.Output), StringComparison.Ordinal);
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains(fix, Flat(plan.Output + plan.Error), StringComparison.Ordinal);
        Assert.True(configure.ExitCode == 4, configure.Error + configure.Output);
        Assert.Contains(fix, Flat(configure.Error), StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 4, apply.Error + apply.Output);
        Assert.Contains(fix, Flat(apply.Error), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), $"took {watch.Elapsed}: a confirm timeout was waited out");
        Assert.Equal(before, await server.ExecAsync(Rules, Ct));
    }

    /// <summary>
    /// The audit's own fix for SSH open to the internet (configure --ssh-source M/32), then a plain audit: held to the
    /// policy applied, not to the defaults, so no SSH finding. policy show --host prints it; --policy overrides it; a
    /// rollback restores the previous record; a malformed record is bad input naming the file, the server and the line.
    /// </summary>
    [Fact]
    public async Task ConfigureSshSource_ThenPlainAudit_HeldToTheAppliedPolicy_RollbackRestoresTheRecord()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var mine = $"{server.ClientAddress}/32";

        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--ssh-source", mine, "--confirm-timeout", "20"]);
        var audit = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), "--output", "json", "--probe-timeout", "1", "--fail-on", "never"]);
        var table = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), "--no-probe", "--fail-on", "never"]);
        var show = await CliHarness.RunAsync(["policy", "show", .. CliFlags.Server(server)]);
        var overridden = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), "--policy", ExamplePolicy, "--output", "json", "--no-probe", "--fail-on", "never"]);

        Assert.True(configure.ExitCode == 0, configure.Error + configure.Output);
        Assert.Contains($"proven with a new connection over root@{server.Address}:22", configure.Output, StringComparison.Ordinal);
        Assert.Equal(0, audit.ExitCode);
        using (var json = JsonDocument.Parse(audit.Output))
        {
            var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-REQUIRED-BLOCKED", ids);
            Assert.DoesNotContain("OECFW-SSH-INTERNET", ids);
        }

        Assert.Contains("policy: as applied on ", audit.Error, StringComparison.Ordinal);
        Assert.Contains("policy: as applied on ", Flat(table.Output), StringComparison.Ordinal);
        Assert.Contains($"--ssh-source {mine}", Flat(table.Output), StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("policy: as applied on ", Flat(show.Output), StringComparison.Ordinal);
        Assert.Contains(mine, Flat(show.Output), StringComparison.Ordinal);
        Assert.DoesNotContain("policy: as applied", overridden.Error, StringComparison.Ordinal);

        // A flag without --policy shapes the record as it shapes a policy file: the SSH restriction stays.
        var optional = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--optional", "8072", "--dry-run", "--output", "json"]);
        var afterOptional = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), "--optional", "8072", "--output", "json", "--no-probe", "--fail-on", "never"]);

        Assert.True(optional.ExitCode is 0 or 1, optional.Error + optional.Output);
        Assert.Contains($"with --optional 8072 on top", afterOptional.Error, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(afterOptional.Output))
        {
            var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-SSH-INTERNET", ids);
            // SSH is held to the recorded sources: nothing about port 22 (8072 is wanted and not open yet: a dry run).
            var ssh = json.RootElement.GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("id").GetString() == "OECFW-REQUIRED-BLOCKED" && f.GetProperty("message").GetString()!.Contains("22", StringComparison.Ordinal))
                .Select(f => f.GetProperty("message").GetString()).ToList();
            Assert.Empty(ssh);
        }

        // A fleet entry given no policy is held to the record too, and says so for that server.
        var inventory = Path.Combine(server.WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(inventory, $"servers:\n  - host: {server.Address}\n    identity: {server.ClientKey}\n    known_hosts: {server.KnownHosts}\n", Ct);
        var fleet = await CliHarness.RunAsync(["audit", "--inventory", inventory, "--output", "json", "--no-probe", "--fail-on", "never"]);

        Assert.True(fleet.ExitCode == 0, fleet.Error + fleet.Output);
        Assert.Contains($"{server.Address}: policy: as applied on ", fleet.Error, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(fleet.Output))
        {
            var ids = json.RootElement.GetProperty("servers")[0].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-REQUIRED-BLOCKED", ids);
            Assert.DoesNotContain("OECFW-SSH-INTERNET", ids);
        }

        // A change that cuts SSH (the risk allowed; the firewall reset first, so that nothing else admits the operator)
        // is rolled back: the record it wrote goes back to the previous one.
        const string Record = "md5sum /etc/oec-cloudfw/applied-policy.yaml";
        var recorded = await server.ExecAsync(Record, Ct);
        await server.ExecAsync("ufw --force reset >/dev/null", Ct);
        var cut = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--ssh-source", "198.18.250.1/32", "--allow-lockout-risk", "--confirm-timeout", "4"]);

        Assert.True(cut.ExitCode == 4, cut.Error + cut.Output);
        Assert.Equal(recorded, await server.ExecAsync(Record, Ct));

        // A malformed record: exit 2, naming the file on the server and the line.
        await server.ExecAsync("printf 'version: 1\\nssh:\\n  ports: [22\\n' > /etc/oec-cloudfw/applied-policy.yaml", Ct);
        var malformed = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), "--no-probe"]);

        Assert.Equal(2, malformed.ExitCode);
        Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(server.Address)}:/etc/oec-cloudfw/applied-policy\.yaml:[34]: ", malformed.Error);
    }
}
