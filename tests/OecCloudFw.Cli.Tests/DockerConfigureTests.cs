using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Docker-published ports follow the policy after <c>server configure</c>: real Docker (a real container publishing
/// real ports inside a test server), real ufw, and the kernel as the judge (SYNs from an internet address of the
/// benchmarking range, and connections from the operator's own address).
/// </summary>
public sealed class DockerConfigureTests
{
    /// <summary>An internet source that is not the operator's.</summary>
    private const string Elsewhere = "198.18.10.5";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The kernel's answer for the policy (443 from anywhere, 5432 from the operator only): 443 open and 5432 filtered from the internet, 5432 connecting from here.</summary>
    private static async Task KernelAdmitsOnlyThePolicyAsync(TestServer server, TestClient client, string when)
    {
        var syn = await client.SynAsync([Elsewhere], [443, 5432], TimeSpan.FromSeconds(1.5), Ct);
        Assert.True(syn[(Elsewhere, 443)] == "open", $"{when}: 443 from the internet is {syn[(Elsewhere, 443)]}");
        Assert.True(syn[(Elsewhere, 5432)] == "filtered", $"{when}: 5432 from the internet is {syn[(Elsewhere, 5432)]}");
        Assert.True(await server.ConnectsFromHostAsync(5432, Ct), $"{when}: 5432 from the policy's source does not connect");
    }

    /// <summary>A configure's JSON that ran (or would run) no command.</summary>
    private static void AssertNoCommand(CliRun run)
    {
        using var json = JsonDocument.Parse(run.Output);
        Assert.Empty(json.RootElement.GetProperty("commands").EnumerateArray());
    }

    [Fact]
    public async Task PublishedPorts_FollowThePolicy_InDockerUser_AcrossUfwReloadAndRestarts_AndTheAuditAgrees()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        var database = await docker.PublishAsync(5432, Ct);
        await docker.PublishAsync(443, Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);
        // Before: Docker's DNAT forwards 5432 to the world, past INPUT.
        Assert.Equal("open", (await client.SynAsync([Elsewhere], [5432], TimeSpan.FromSeconds(1.5), Ct))[(Elsewhere, 5432)]);

        // The policy: the guide's 22/80/443 from anywhere, PostgreSQL only from the operator's address.
        string[] policy = ["--optional", "5432", "--source", server.ClientAddress + "/32"];
        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy]);

        Assert.True(configure.ExitCode is 0 or 1, configure.Error + configure.Output);
        Assert.Contains("OECFW-DOCKER", configure.Output, StringComparison.Ordinal);
        Task KernelFollowsThePolicyAsync(string when) => KernelAdmitsOnlyThePolicyAsync(server, client, when);

        await KernelFollowsThePolicyAsync("after configure");
        Assert.Contains("-A DOCKER-USER -j OECFW-DOCKER", await server.ExecAsync("cat /etc/ufw/after.rules", Ct), StringComparison.Ordinal);
        Assert.Contains("-A DOCKER-USER -j OECFW-DOCKER", await server.ExecAsync("cat /etc/ufw/after6.rules", Ct), StringComparison.Ordinal);

        // The audit: no bypass, and its model agrees with the probe.
        var audit = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), .. policy, "--output", "json", "--probe-timeout", "1", "--fail-on", "never"]);
        using (var json = JsonDocument.Parse(audit.Output))
        {
            var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-DOCKER-BYPASS", ids);
            Assert.DoesNotContain("OECFW-MODEL-PROBE-MISMATCH", ids);
            Assert.DoesNotContain("OECFW-INDETERMINATE", ids);
        }

        // Persisted: a ufw reload, a container restart (another address, Docker rewrites its chains), a Docker restart.
        await server.ExecAsync("ufw reload >/dev/null", Ct);
        await KernelFollowsThePolicyAsync("after ufw reload");
        await docker.RestartAsync(database, Ct);
        await KernelFollowsThePolicyAsync("after the container restarted");
        await docker.RestartDaemonAsync(Ct);
        await KernelFollowsThePolicyAsync("after Docker restarted");

        // A second configure changes nothing.
        AssertNoCommand(await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--output", "json"]));
    }

    [Fact]
    public async Task IptablesFrontend_LoadsTheChainLive_TheKernelFollowsThePolicy_ASecondRunChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        await docker.PublishAsync(5432, Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);

        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--backend", "iptables"]);
        var again = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--backend", "iptables", "--output", "json"]);

        Assert.True(configure.ExitCode is 0 or 1, configure.Error + configure.Output);
        Assert.Equal("filtered", (await client.SynAsync([Elsewhere], [5432], TimeSpan.FromSeconds(1.5), Ct))[(Elsewhere, 5432)]);
        Assert.Equal("-A DOCKER-USER -j OECFW-DOCKER", (await server.ExecAsync("iptables -S DOCKER-USER | sed -n 2p", Ct)).Trim());
        AssertNoCommand(again);
    }

    /// <summary>
    /// The nftables and firewalld frontends: Docker writes its chains with iptables whatever the frontend, so the chain
    /// is loaded live and by a script docker.service runs after each start (a drop-in). The kernel follows the policy
    /// after configure, after a Docker restart, and after what a reboot does to the kernel's rules (every table
    /// flushed, the frontend's saved rules loaded again, then Docker started). The test servers have no systemd: the
    /// drop-in's ExecStartPost is run the way systemd runs it (DockerInServer.RestartDaemonAsync).
    /// </summary>
    [Theory]
    [InlineData("nftables", "nft flush ruleset && nft -f /etc/nftables.conf")]
    [InlineData("firewalld", "nft flush ruleset && pkill -x firewalld; i=0; while pgrep -x firewalld >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; " +
                             "setsid firewalld --nofork --nopid > /run/firewalld.log 2>&1 < /dev/null & i=0; until firewall-cmd --state >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 300 ] && exit 1; sleep 0.1; done")]
    public async Task OtherFrontends_TheChainIsLoadedAndComesBackAfterADockerStart(string backend, string reboot)
    {
        await using var server = await TestServer.StartAsync(Ct);
        if (backend == "firewalld")
        {
            await server.StartFirewalldAsync(Ct);
        }

        await using var docker = await DockerInServer.StartAsync(server, Ct);
        await docker.PublishAsync(5432, Ct);
        await docker.PublishAsync(443, Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);
        string[] policy = ["--optional", "5432", "--source", server.ClientAddress + "/32"];

        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--backend", backend]);

        Assert.True(configure.ExitCode is 0 or 1, configure.Error + configure.Output);
        Task KernelFollowsThePolicyAsync(string when) => KernelAdmitsOnlyThePolicyAsync(server, client, $"{backend}, {when}");

        await KernelFollowsThePolicyAsync("after configure");
        Assert.Contains("ExecStartPost=-/bin/sh /etc/oec-cloudfw/docker-user.sh", await server.ExecAsync("cat /etc/systemd/system/docker.service.d/oec-cloudfw.conf", Ct), StringComparison.Ordinal);
        var audit = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), .. policy, "--output", "json", "--probe-timeout", "1", "--fail-on", "never"]);
        using (var json = JsonDocument.Parse(audit.Output))
        {
            var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-DOCKER-BYPASS", ids);
        }

        await docker.RestartDaemonAsync(Ct);
        await KernelFollowsThePolicyAsync("after Docker restarted");
        await server.ExecAsync(reboot, Ct);
        Assert.Equal(string.Empty, (await server.ExecAsync("iptables -S OECFW-DOCKER 2>/dev/null || true", Ct)).Trim());
        await docker.RestartDaemonAsync(Ct);
        await KernelFollowsThePolicyAsync("after a reboot's flush and Docker's start");
        var second = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--backend", backend, "--output", "json"]);
        AssertNoCommand(second);

        if (backend == "firewalld")
        {
            // An operator's firewalld reload: Docker writes its chains again (DOCKER-USER empty, or jumped to last), and
            // the kernel admits 5432 from the internet. The audit says so, and configure loads the chain again.
            await server.ExecAsync("firewall-cmd --reload >/dev/null; a=; i=0; while [ $i -lt 40 ]; do b=$(iptables -S FORWARD); [ -n \"$a\" ] && [ \"$a\" = \"$b\" ] && printf '%s\\n' \"$b\" | grep -q -- '-j DOCKER-USER' && break; a=$b; i=$((i+1)); sleep 0.5; done", Ct);
            Assert.Equal("open", (await client.SynAsync([Elsewhere], [5432], TimeSpan.FromSeconds(1.5), Ct))[(Elsewhere, 5432)]);
            var stale = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), .. policy, "--output", "json", "--no-probe", "--fail-on", "never"]);
            using (var json = JsonDocument.Parse(stale.Output))
            {
                var bypass = json.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("id").GetString() == "OECFW-DOCKER-BYPASS");
                Assert.StartsWith($"oec-cloudfw server configure --host {server.Address}", bypass.GetProperty("fixes")[0].GetString(), StringComparison.Ordinal);
            }

            var again = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--backend", backend]);
            Assert.True(again.ExitCode is 0 or 1, again.Error + again.Output);
            await KernelFollowsThePolicyAsync("after the reload and configure again");
        }
    }

    /// <summary>
    /// A change on a Docker host that would cut SSH (the policy admits it only from an address that is not the
    /// operator's): the rollback restores the kernel's rules, DOCKER-USER and ufw's after.rules exactly, and a new SSH
    /// connection works.
    /// </summary>
    [Fact]
    public async Task Lockout_OnADockerHost_TheRollbackRestoresDockerUserAndAfterRulesExactly()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        await docker.PublishAsync(5432, Ct);
        // The rules, not their packet counters.
        const string State = "{ iptables-save; ip6tables-save; } | grep -v '^#' | sed 's/\\[[0-9]*:[0-9]*\\]//'; md5sum /etc/ufw/after.rules /etc/ufw/after6.rules; ufw status";
        var before = await server.ExecAsync(State, Ct);

        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--ssh-source", "198.18.250.1/32", "--allow-lockout-risk", "--confirm-timeout", "4"]);

        Assert.True(configure.ExitCode == 4, configure.Error + configure.Output);
        Assert.Equal(before, await server.ExecAsync(State, Ct));
        await using var shell = await OecCloudFw.Server.Shells.SshShell.ConnectAsync(server.Ssh(), Ct);
        Assert.Equal(0, (await shell.RunScriptAsync("true", Ct)).ExitCode);
    }

    [Fact]
    public async Task DockerLeave_LeavesDockerUserAlone()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var docker = await DockerInServer.StartAsync(server, Ct);
        await docker.PublishAsync(5432, Ct);

        var leave = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--docker", "leave", "--dry-run", "--output", "json"]);
        var policy = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--dry-run", "--output", "json"]);
        var bad = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), "--docker", "ignore"]);

        Assert.DoesNotContain("OECFW-DOCKER", leave.Output, StringComparison.Ordinal);
        Assert.Contains("OECFW-DOCKER", policy.Output, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
    }
}
