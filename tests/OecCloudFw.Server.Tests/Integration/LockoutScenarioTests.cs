using System.Diagnostics;
using OecCloudFw.Core;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// Nobody gets locked out, on every backend: each scenario that once locked an operator out, ending with a new SSH
/// connection that succeeds; SSH restrictions checked with real SYNs from another source.
/// </summary>
public sealed class LockoutScenarioTests
{
    /// <summary>An address of the client network that is not the operator's.</summary>
    private const string Elsewhere = "198.18.10.5";

    [Fact]
    public async Task Firewalld_SshRestrictedToTheOperator_RichRuleBeforeTheServiceGoes_NewConnectionWorks()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.StartFirewalldAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);

        var result = await ConfigureAsync(server, Policy(new PolicyOptions { SshSources = [server.ClientAddress + "/32"] }), confirmSeconds: 20);

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Contains($"source address=\"{server.ClientAddress}/32\"", await server.ExecAsync("firewall-cmd --zone=public --list-rich-rules", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("ssh", (await server.ExecAsync("firewall-cmd --zone=public --list-services", Ct)).Split(' ', StringSplitOptions.TrimEntries));
        await AssertNewSshConnectionWorksAsync(server);
        // The kernel: SSH from anywhere else is refused, 443 still admitted.
        var syn = await client.SynAsync([Elsewhere], [22, 443], TimeSpan.FromSeconds(1.5), Ct);
        Assert.NotEqual("open", syn[(Elsewhere, 22)]);
    }

    [Fact]
    public async Task Firewalld_ChangeThatCutsSsh_RollbackRestoresTheConfigurationExactly()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.StartFirewalldAsync(Ct);
        const string Tree = "find /etc/firewalld -type f | sort | xargs md5sum";
        var before = await server.ExecAsync(Tree, Ct);

        var result = await ConfigureAsync(server, Policy(new PolicyOptions { SshSources = ["198.18.250.1/32"] }), confirmSeconds: 4, allowLockoutRisk: true);

        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Contains("access is back", result.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await server.ExecAsync(Tree, Ct)); // zones/public.xml the change wrote is gone again
        Assert.Contains("ssh", await server.ExecAsync("firewall-cmd --zone=public --list-services", Ct), StringComparison.Ordinal);
        await AssertNewSshConnectionWorksAsync(server);
    }

    [Fact]
    public async Task IptablesBackend_SshRestricted_TheKernelRefusesEveryoneElse_AndASecondRunChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);
        var policy = Policy(new PolicyOptions { SshSources = [server.ClientAddress + "/32"] });

        var result = await ConfigureAsync(server, policy, confirmSeconds: 20, backend: "iptables");
        var again = await ConfigureAsync(server, policy, backend: "iptables");

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        var syn = await client.SynAsync([Elsewhere], [22], TimeSpan.FromSeconds(1.5), Ct);
        Assert.Equal("filtered", syn[(Elsewhere, 22)]);
        Assert.True(again.Plan.IsNoOp, string.Join('\n', again.Plan.Commands));
        await AssertNewSshConnectionWorksAsync(server);
    }

    [Fact]
    public async Task Rollback_OnAServerWithNoTablesLoaded_LeavesNoEmptyTableBehind()
    {
        await using var server = await TestServer.StartAsync(Ct);
        Assert.Empty((await server.ExecAsync("nft list tables", Ct)).Trim());

        var result = await ConfigureAsync(server, Policy(new PolicyOptions { SshSources = ["198.18.250.1/32"] }), confirmSeconds: 4, allowLockoutRisk: true, backend: "iptables");

        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Empty((await server.ExecAsync("nft list tables", Ct)).Trim());
        await AssertNewSshConnectionWorksAsync(server);
    }

    [Fact]
    public async Task UfwRuleFailsInsideItsBatch_TheFailingRuleIsNamed_AndUfwIsRestoredExactly()
    {
        // The ufw rule commands run in one process of ufw's frontend; the second one is refused by ufw itself.
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 8069/tcp comment 'Odoo' >/dev/null", Ct);
        const string State = "md5sum /etc/ufw/* /etc/ufw/applications.d/* 2>/dev/null; grep ENABLED /etc/ufw/ufw.conf; iptables-save | grep -c ufw-user; true";
        var before = await server.ExecAsync(State, Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);

        var (outcome, detail) = await new RollbackArmedApply(shell, TimeProvider.System).ApplyAsync(
            ["ufw allow 80/tcp comment 'HTTP'", "ufw allow 99999/tcp", "ufw allow 443/tcp", UfwBackendEnable], TimeSpan.FromSeconds(20), cancellationToken: Ct);

        Assert.Equal(ApplyOutcome.FailedAndRestored, outcome);
        Assert.StartsWith("command failed: ufw allow 99999/tcp", detail, StringComparison.Ordinal);
        Assert.Equal(before, await server.ExecAsync(State, Ct));
        Assert.DoesNotContain("80/tcp", await server.ExecAsync("ufw show added", Ct), StringComparison.Ordinal);
        await AssertNewSshConnectionWorksAsync(server);
    }

    private static string UfwBackendEnable => Backends.UfwBackend.EnableCommand("/usr/lib/ufw/ufw-init");

    [Fact]
    public async Task TwoChangesStartedTogether_OnlyOneIsArmed_TheOtherIsRefused()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var first = await SshShell.ConnectAsync(server.Ssh(), Ct);
        await using var second = await SshShell.ConnectAsync(server.Ssh(), Ct);
        string[] commands = ["sleep 2", "iptables -A INPUT -p tcp --dport 9 -j ACCEPT"];

        var runs = await Task.WhenAll(
            Task.Run(() => Outcome(new RollbackArmedApply(first, TimeProvider.System).ApplyAsync(commands, TimeSpan.FromSeconds(10), cancellationToken: Ct)), Ct),
            Task.Run(() => Outcome(new RollbackArmedApply(second, TimeProvider.System).ApplyAsync(commands, TimeSpan.FromSeconds(10), cancellationToken: Ct)), Ct));

        Assert.True(runs.Count(r => r == "Confirmed") == 1, string.Join(" | ", runs) + await server.ExecAsync("ls -la /var/lib/oec-cloudfw/rollback/ /var/lib/oec-cloudfw/rollback/*", Ct));
        Assert.Single(runs, r => r.Contains("another oec-cloudfw change is armed", StringComparison.Ordinal));
        Assert.Equal("1", (await server.ExecAsync("iptables-save | grep -c -- '--dport 9 -j ACCEPT'", Ct)).Trim());
        // Released: the next change is not refused.
        Assert.Equal(ApplyOutcome.Confirmed, (await new RollbackArmedApply(first, TimeProvider.System).ApplyAsync(["true"], TimeSpan.FromSeconds(10), cancellationToken: Ct)).Outcome);

        static async Task<string> Outcome(Task<(ApplyOutcome Outcome, string Detail)> run)
        {
            try
            {
                return (await run).Outcome.ToString();
            }
            catch (LayerFailureException ex)
            {
                return ex.Message;
            }
        }
    }

    [Fact]
    public async Task SessionCutMidApply_TheServerFinishesAndRestoresWithinTheWindow_NotMinutesLater()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        var watch = Stopwatch.StartNew();
        var apply = new RollbackArmedApply(shell, TimeProvider.System).ApplyAsync(
            ["sleep 2", "iptables -A INPUT -p tcp --dport 9 -j DROP"], TimeSpan.FromSeconds(3), cancellationToken: Ct);
        await Task.Delay(700, Ct);
        // The operator's connection dies mid-apply (its sshd session ends, as when the network drops it).
        await server.ExecAsync("pkill -f 'sshd: roo[t]@notty' || true", Ct);

        var failure = await Assert.ThrowsAsync<LayerFailureException>(() => apply.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        await shell.DisposeAsync();
        Assert.Contains("restores the previous rules", failure.Message, StringComparison.Ordinal);
        var restored = false;
        while (!restored && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250, Ct);
            restored = (await server.ExecAsync("cat /var/lib/oec-cloudfw/rollback/*/result 2>/dev/null; true", Ct)).Contains("restored", StringComparison.Ordinal);
        }

        // The apply went on (sleep 2, then the rule), and the rollback fired the confirm timeout after it: ~5 s, not 130.
        Assert.True(restored, "the rollback did not fire");
        Assert.InRange(watch.Elapsed.TotalSeconds, 4, 15);
        Assert.DoesNotContain("--dport 9", await server.ExecAsync("iptables-save", Ct), StringComparison.Ordinal);
        Assert.Empty((await server.ExecAsync("ls /var/lib/oec-cloudfw/rollback/lock 2>/dev/null; true", Ct)).Trim());
        await AssertNewSshConnectionWorksAsync(server);
    }

    [Fact]
    public async Task HostKeyPolicyOff_OnAnUnknownHost_TheConfirmingConnectionAcceptsTheSameKey()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var empty = Path.Combine(server.WorkDir, "empty_known_hosts");
        await File.WriteAllTextAsync(empty, string.Empty, Ct);
        await using var shell = await SshShell.ConnectAsync(server.Ssh(policy: HostKeyPolicy.Off, knownHosts: empty), Ct);

        var result = await new Configure.ServerConfigurator(shell, TimeProvider.System).ConfigureAsync(FirewallPolicy.Default, false, TimeSpan.FromSeconds(10), null, Ct);

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Empty(await File.ReadAllTextAsync(empty, Ct)); // off: nothing is written to known_hosts
    }

    [Fact]
    public async Task NftablesBackend_NextToAnExistingNftablesFirewall_OpensThePortsThroughBoth_AndARollbackRestoresItExactly()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);
        await TestClient.ListenAsync(server, [80, 443], Ct);
        // An administrator's own nftables firewall: only SSH (and what the client network's neighbour discovery needs).
        await server.ExecAsync("""
            nft -f - <<'NFT'
            table inet filter {
              chain input {
                type filter hook input priority 0; policy drop;
                ct state established,related accept
                iif "lo" accept
                icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                tcp dport 22 accept
              }
            }
            NFT
            """, Ct);
        var before = await server.ExecAsync("nft list ruleset", Ct);

        // SSH restricted to an address that is not the operator's: the tool's table would cut SSH, so it rolls back.
        var cut = await ConfigureAsync(server, Policy(new PolicyOptions { SshSources = ["198.18.250.1/32"] }), confirmSeconds: 4, allowLockoutRisk: true, backend: "nftables");
        Assert.Equal(ApplyOutcome.RolledBack, cut.Outcome);
        Assert.Equal(before, await server.ExecAsync("nft list ruleset", Ct));

        var result = await ConfigureAsync(server, confirmSeconds: 20, backend: "nftables");
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        var syn = await client.SynAsync([Elsewhere], [80, 443, 22], TimeSpan.FromSeconds(1.5), Ct);
        Assert.Equal("open", syn[(Elsewhere, 80)]);
        Assert.Equal("open", syn[(Elsewhere, 443)]);
        Assert.Equal("open", syn[(Elsewhere, 22)]);
        Assert.True((await ConfigureAsync(server, backend: "nftables")).Plan.IsNoOp);
        await AssertNewSshConnectionWorksAsync(server);
    }
}
