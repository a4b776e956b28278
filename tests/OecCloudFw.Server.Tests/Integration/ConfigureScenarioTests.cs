using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>The guide's automatic configuration on real test servers: real sshd, real ufw/firewalld/iptables/nftables.</summary>
public sealed class ConfigureScenarioTests
{
    [Fact]
    public async Task NoFirewall_Preflight_WarningWithTheExactUfwCommands_InOneConnectionAndOneExec()
    {
        await using var server = await TestServer.StartAsync(Ct);

        await using var shell = await SshShell.ConnectAsync(server.Ssh(), Ct);
        var report = await new Configure.ServerConfigurator(shell, TimeProvider.System).PreflightAsync(FirewallPolicy.Default, Ct);

        Assert.Equal(PreflightStatus.Warning, report.Status);
        Assert.Equal("none", report.ActiveFirewall);
        Assert.Equal(["ufw allow 22/tcp comment 'SSH'", "ufw allow 80/tcp comment 'HTTP'", "ufw allow 443/tcp comment 'HTTPS'", Backends.UfwBackend.EnableCommand("/usr/lib/ufw/ufw-init")], report.ConfigureActions);
        Assert.Equal(1, shell.Execs);
        Assert.Equal(1, server.AcceptedLogins); // the server's own sshd log: one connection (tests run in parallel, so not a process-wide counter)
    }

    [Fact]
    public async Task NoFirewall_Configure_UfwEnabledPassed_ThenSecondRunChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var first = await ConfigureAsync(server);
        var rulesAfterFirst = await server.ExecAsync("iptables-save | grep -v '^#' | sed 's/\\[[0-9]*:[0-9]*\\]//'", Ct);
        var second = await ConfigureAsync(server);

        Assert.Equal(ApplyOutcome.Confirmed, first.Outcome);
        Assert.Equal("ufw", first.Plan.Backend);
        Assert.Equal(PreflightStatus.Passed, first.After!.Status);
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("22/tcp                     ALLOW       Anywhere                   # SSH", status, StringComparison.Ordinal);
        Assert.Contains("443/tcp (v6)               ALLOW       Anywhere (v6)              # HTTPS", status, StringComparison.Ordinal);
        Assert.True(second.Plan.IsNoOp);
        Assert.Null(second.Outcome);
        Assert.Equal(PreflightStatus.Passed, second.After!.Status);
        Assert.Equal(rulesAfterFirst, await server.ExecAsync("iptables-save | grep -v '^#' | sed 's/\\[[0-9]*:[0-9]*\\]//'", Ct));
        Assert.Empty(await server.ExecAsync("ls /var/lib/oec-cloudfw/rollback/*/armed 2>/dev/null; true", Ct));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Configure_EnablesUfwIntoTheSameRulesetAsUfwEnable(bool enabledBeforeThenDisabled, bool frontendLoads)
    {
        // The tool runs its ufw rule commands in one process of ufw's own frontend and enables UFW the way ufw.service
        // does at boot (ufw-init start); one `ufw` command per rule and `ufw enable` must give the same files and the
        // same kernel rules. Where the frontend cannot be loaded in one process, the same commands run one by one.
        await using var reference = await TestServer.StartAsync(Ct);
        await using var server = await TestServer.StartAsync(Ct);
        if (enabledBeforeThenDisabled)
        {
            await reference.ExecAsync("ufw --force enable >/dev/null && ufw --force disable >/dev/null", Ct);
            await server.ExecAsync("ufw --force enable >/dev/null && ufw --force disable >/dev/null", Ct);
        }

        // ufw run through an interpreter wrapper that logs each start (first on PATH, as ufw is found); with
        // frontendLoads false it cannot load ufw's frontend from a script on stdin (as with another ufw version's API):
        // the batch then exits 3 having changed nothing, and ufw itself still works.
        const string Wrapper = """
            mkdir -p /usr/local/bin /usr/local/sbin
            cat > /usr/local/bin/python3-ufw <<'SH'
            #!/bin/sh
            echo "$*" >> /run/python3-ufw.log
            [ -e /run/no-ufw-frontend ] && [ "$1" = - ] && { cat >/dev/null; exit 3; }
            exec /usr/bin/python3 "$@"
            SH
            chmod +x /usr/local/bin/python3-ufw
            sed '1s|.*|#! /usr/local/bin/python3-ufw|' /usr/sbin/ufw > /usr/local/sbin/ufw && chmod +x /usr/local/sbin/ufw
            """;
        await server.ExecAsync((frontendLoads ? string.Empty : "touch /run/no-ufw-frontend\n") + Wrapper, Ct);

        await reference.ExecAsync("ufw allow 22/tcp comment 'SSH' >/dev/null; ufw allow 80/tcp comment 'HTTP' >/dev/null; ufw allow 443/tcp comment 'HTTPS' >/dev/null; ufw --force enable >/dev/null", Ct);
        var result = await ConfigureAsync(server);

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.EndsWith("ufw-init start || ufw --force enable", result.Plan.Commands[^1], StringComparison.Ordinal);
        const string Rules = "iptables-save | grep -v '^#' | sed 's/\\[[0-9]*:[0-9]*\\]//'; ip6tables-save | grep -v '^#' | sed 's/\\[[0-9]*:[0-9]*\\]//'";
        var expected = await reference.ExecAsync(Rules, Ct);
        Assert.Contains("ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await server.ExecAsync(Rules, Ct));
        Assert.Equal(await reference.ExecAsync("ufw status verbose", Ct), await server.ExecAsync("ufw status verbose", Ct));
        const string Files = "cat /etc/ufw/user.rules /etc/ufw/user6.rules /etc/ufw/ufw.conf";
        Assert.Equal(await reference.ExecAsync(Files, Ct), await server.ExecAsync(Files, Ct));
        var starts = (await server.ExecAsync("cat /run/python3-ufw.log", Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var batch = starts.Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        var single = starts.Where(l => l.StartsWith("/usr/local/sbin/ufw allow", StringComparison.Ordinal)).ToList();
        Assert.Equal("- /usr/local/sbin/ufw ufw allow 22/tcp comment 'SSH' ufw allow 80/tcp comment 'HTTP' ufw allow 443/tcp comment 'HTTPS'", Assert.Single(batch));
        Assert.Equal(frontendLoads ? [] : ["/usr/local/sbin/ufw allow 22/tcp comment SSH", "/usr/local/sbin/ufw allow 80/tcp comment HTTP", "/usr/local/sbin/ufw allow 443/tcp comment HTTPS"], single);
        var log = await server.ExecAsync("cat /var/lib/oec-cloudfw/rollback/*/restore.log 2>/dev/null; ls /var/lib/oec-cloudfw/rollback/*/failed 2>/dev/null; true", Ct);
        Assert.Empty(log);
    }

    [Fact]
    public async Task UfwInstalledButInactive_Configure_KeepsOwnRulesAddsMissingAndEnables()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("ufw allow 8069/tcp comment 'Odoo' >/dev/null", Ct);
        Assert.Equal(PreflightStatus.Warning, (await PreflightAsync(server)).Status);

        var result = await ConfigureAsync(server, Policy(new PolicyOptions { Optional = ["8072"] }));

        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("Status: active", status, StringComparison.Ordinal);
        Assert.Contains("8069/tcp", status, StringComparison.Ordinal);
        Assert.Contains("8072/tcp", status, StringComparison.Ordinal);
        Assert.Contains(result.Plan.Commands, c => c == "ufw allow 8072/tcp comment 'Odoo longpolling'");
    }

    [Fact]
    public async Task UfwMissing_Configure_InstallsItFromThePackageSourceTheTestProvides()
    {
        var deb = Directory.GetFiles(TestDebs.Folder, "ufw_*.deb").FirstOrDefault()
                  ?? throw new InvalidOperationException($"no ufw .deb in {TestDebs.Folder}: ./test.sh downloads it (apt-get download ufw)");
        await using var server = await TestServer.StartAsync(Ct);
        // An offline package source: a flat repository of the real ufw package, and nothing else.
        await server.ExecAsync($"""
            dpkg --purge ufw >/dev/null 2>&1
            ! command -v ufw
            mkdir -p /srv/repo && cp '{deb}' /srv/repo/ && cd /srv/repo && dpkg-scanpackages . > Packages 2>/dev/null
            rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/*
            echo 'deb [trusted=yes] file:/srv/repo ./' > /etc/apt/sources.list
            apt-get update -q >/dev/null 2>&1
            """, Ct);

        var result = await ConfigureAsync(server);

        Assert.Equal("ufw", result.Plan.Backend);
        Assert.Contains("apt-get install -y -q ufw", Assert.Single(result.Plan.Install), StringComparison.Ordinal);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        Assert.Contains("Status: active", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshdOn2222ViaDropIn_Configure_OpensTheDetectedPortAndNot22()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("echo 'Port 2222' > /etc/ssh/sshd_config.d/10-port.conf", Ct);
        await server.RestartSshdAsync(Ct);

        var result = await ConfigureAsync(server, port: 2222);

        Assert.Equal([2222], result.Before.SshPorts);
        Assert.Contains("ufw allow 2222/tcp comment 'SSH'", result.Plan.Commands);
        Assert.DoesNotContain(result.Plan.Commands, c => c.Contains("allow 22/", StringComparison.Ordinal));
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
    }

    [Fact]
    public async Task SshRestrictedToManagementSource_Configure_AllowsItDeniesElsewhere()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var policy = Policy(new PolicyOptions { SshSources = [server.ClientAddress + "/32"] });

        var result = await ConfigureAsync(server, policy);

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        var ssh = Assert.Single(result.After.Ports, p => p.IsSsh);
        Assert.Equal(server.ClientAddress + "/32", Assert.Single(ssh.Sources).Source.ToString());
        var status = await server.ExecAsync("ufw status", Ct);
        Assert.Contains("22/tcp                     DENY        Anywhere", status, StringComparison.Ordinal);
        Assert.True(status.IndexOf(server.ClientAddress, StringComparison.Ordinal) < status.IndexOf("DENY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PolicyThatWouldCutSsh_RollbackRestoresAccess_ProvenByANewConnection()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var policy = Policy(new PolicyOptions { SshSources = ["203.0.113.1/32"] });

        var result = await ConfigureAsync(server, policy, confirmSeconds: 4, allowLockoutRisk: true);

        Assert.Equal(ApplyOutcome.RolledBack, result.Outcome);
        Assert.Contains("restored", result.Detail, StringComparison.Ordinal);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        await using var fresh = await SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal("ok", (await fresh.RunScriptAsync("echo ok", Ct)).Stdout.Trim());
        Assert.Contains("restored", await server.ExecAsync("cat /var/lib/oec-cloudfw/rollback/*/result", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_PrintsCommandsChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);

        var result = await ConfigureAsync(server, dryRun: true);

        Assert.True(result.DryRun);
        Assert.Equal(4, result.Plan.Commands.Count);
        Assert.Contains("Status: inactive", await server.ExecAsync("ufw status", Ct), StringComparison.Ordinal);
        Assert.False(await server.TryExecAsync("test -d /var/lib/oec-cloudfw", Ct) is { ExitCode: 0 });
    }

    [Fact]
    public async Task FirewalldServer_Configure_AddsPortsPermanentAndRuntime_ThenNoChange()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.StartFirewalldAsync(Ct);

        var preflight = await PreflightAsync(server);
        var result = await ConfigureAsync(server);
        var again = await ConfigureAsync(server);

        Assert.Equal(PreflightStatus.Warning, preflight.Status);
        Assert.Equal("firewalld", result.Plan.Backend);
        Assert.Contains("firewall-cmd --permanent --zone='public' --add-port=443/tcp", result.Plan.Commands);
        Assert.Equal("firewall-cmd --reload", result.Plan.Commands[^1]);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        Assert.Contains("443/tcp", await server.ExecAsync("firewall-cmd --permanent --list-ports", Ct), StringComparison.Ordinal);
        Assert.True(again.Plan.IsNoOp);
    }

    [Fact]
    public async Task IptablesOnlyServer_UfwCannotBeHad_FallsBackToIptablesAndSavesRules()
    {
        await using var server = await TestServer.StartAsync(Ct);
        // No ufw, no firewalld, and a package source that cannot provide ufw.
        await server.ExecAsync("""
            dpkg --purge ufw >/dev/null 2>&1; rm -f /usr/sbin/firewalld /usr/bin/firewall-cmd
            rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && : > /etc/apt/sources.list
            """, Ct);

        var result = await ConfigureAsync(server);

        Assert.Equal("iptables", result.Plan.Backend);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        var saved = await server.ExecAsync("cat /etc/iptables/rules.v4", Ct);
        Assert.Contains(":INPUT DROP", saved, StringComparison.Ordinal);
        Assert.Contains("--dport 443", saved, StringComparison.Ordinal);
        Assert.Contains("RELATED,ESTABLISHED", saved, StringComparison.Ordinal);
        Assert.Contains(":INPUT DROP", await server.ExecAsync("cat /etc/iptables/rules.v6", Ct), StringComparison.Ordinal);
        Assert.True((await ConfigureAsync(server)).Plan.IsNoOp);
    }

    [Fact]
    public async Task NftablesOnlyServer_Configure_UsesANativeTableOfItsOwn()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("""
            dpkg --purge ufw >/dev/null 2>&1; rm -f /usr/sbin/firewalld /usr/bin/firewall-cmd /usr/sbin/iptables* /usr/sbin/ip6tables* /usr/sbin/xtables*
            rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && : > /etc/apt/sources.list
            """, Ct);

        var result = await ConfigureAsync(server);

        Assert.Equal("nftables", result.Plan.Backend);
        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        Assert.Equal(PreflightStatus.Passed, result.After!.Status);
        Assert.Equal("nftables", result.After.ActiveFirewall);
        Assert.Contains("policy drop", await server.ExecAsync("nft list table inet oec_cloudfw", Ct), StringComparison.Ordinal);
        Assert.Contains("table inet oec_cloudfw", await server.ExecAsync("cat /etc/nftables.conf", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NftablesOnlyServer_IngressChainDropsHttps_ConfigureAcceptsItInThatChain()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await server.ExecAsync("""
            dpkg --purge ufw >/dev/null 2>&1; rm -f /usr/sbin/firewalld /usr/bin/firewall-cmd /usr/sbin/iptables* /usr/sbin/ip6tables* /usr/sbin/xtables*
            rm -rf /etc/apt/sources.list.d/* /var/lib/apt/lists/* && : > /etc/apt/sources.list
            nft -f - <<'NFT'
            table netdev t {
              chain c { type filter hook ingress device eth0 priority 0; tcp dport 443 drop; }
            }
            NFT
            """, Ct);

        var result = await ConfigureAsync(server);

        Assert.Equal(ApplyOutcome.Confirmed, result.Outcome);
        // IPv4 is admitted now; IPv6 stays a warning: the server has no IPv6 address, so which device it would arrive
        // through is not known, and the ingress chain makes it indeterminate.
        var facts = Server.Facts.FactsCollector.Parse(Server.Facts.ProbeSections.Parse(await server.ExecAsync(Server.Facts.FactsCollector.ProbeScript, Ct)));
        Assert.Equal(Core.Rules.Decision.Admitted, ServerLayerEvaluator.Evaluate(facts, Core.Net.Protocol.Tcp, 443, Core.Net.Cidr.Parse("0.0.0.0/0")).Decision);
        Assert.DoesNotContain(result.After!.Reasons, r => r.Contains("0.0.0.0/0", StringComparison.Ordinal));
        // The accept goes where the drop is, in the frame's terms (meta protocol, not meta nfproto, in a netdev chain).
        Assert.Contains("meta protocol ip tcp dport 443 accept", await server.ExecAsync("nft list chain netdev t c", Ct), StringComparison.Ordinal);
    }
}
