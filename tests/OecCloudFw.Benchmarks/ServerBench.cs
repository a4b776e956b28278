using System.Diagnostics;
using OecCloudFw.Cli;
using OecCloudFw.Core;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Benchmarks;

internal static class ServerBench
{
    public static bool HasAnsible => File.Exists("/usr/bin/ansible-playbook");

    public static async Task<(int Connections, int Execs, int Logins)> FactsBudgetAsync(TestServer server)
    {
        var connections = SshShell.ConnectionsOpened;
        var logins = server.AcceptedLogins;
        await using var shell = await SshShell.ConnectAsync(server.Ssh());
        await FactsCollector.CollectAsync(shell);
        return (SshShell.ConnectionsOpened - connections, shell.Execs, server.AcceptedLogins - logins);
    }

    public static async Task<(TimeSpan Connect, TimeSpan Facts, TimeSpan Reconnect, TimeSpan Exec)> PhasesAsync(TestServer server)
    {
        var watch = Stopwatch.StartNew();
        await using var shell = await SshShell.ConnectAsync(server.Ssh());
        var connect = watch.Elapsed;
        await FactsCollector.CollectAsync(shell);
        var facts = watch.Elapsed - connect;
        await shell.ProbeNewConnectionAsync(TimeSpan.FromSeconds(5));
        var reconnect = watch.Elapsed - connect - facts;
        await shell.RunScriptAsync("true");
        return (connect, facts, reconnect, watch.Elapsed - connect - facts - reconnect);
    }

    /// <summary>One configure with every exec and connection timed.</summary>
    public static async Task<string> BreakdownAsync(TestServer server)
    {
        var watch = Stopwatch.StartNew();
        await using var shell = new TimingShell(await SshShell.ConnectAsync(server.Ssh()));
        var connect = watch.Elapsed;
        await new OecCloudFw.Server.Configure.ServerConfigurator(shell, TimeProvider.System)
            .ConfigureAsync(OecCloudFw.Core.Policy.FirewallPolicy.Default, false, TimeSpan.FromSeconds(60));
        var total = watch.Elapsed;
        return $"connect {connect.TotalMilliseconds:F0} ms, " + string.Join(", ", shell.Calls.Select(c => $"{c.What} {c.Took.TotalMilliseconds:F0} ms")) +
               $"; total {total.TotalMilliseconds:F0} ms";
    }

    /// <summary>The whole tool in process: connect, probe, plan, arm, apply, new connection, confirm, re-run preflight.</summary>
    public static async Task ConfigureWithToolAsync(TestServer server)
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, ProcessEnvironment.Instance);
        var exit = await CliApp.RunAsync(
            ["server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts], context);
        if (exit != 0)
        {
            throw new InvalidOperationException($"configure exited {exit}");
        }
    }

    /// <summary>As an operator runs it: a new process of the given executable (the native one), start-up included.</summary>
    public static Task ConfigureWithCommandAsync(TestServer server, string executable) =>
        AuditBench.CommandAsync(["server", "configure", "--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts], executable);

    public static async Task ConfigureWithAnsibleAsync(TestServer server, bool pipelining)
    {
        var dir = Path.Combine(server.WorkDir, "ansible");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "inventory"),
            $"{server.Address} ansible_user=root ansible_ssh_private_key_file={server.ClientKey} ansible_python_interpreter=/usr/bin/python3 " +
            $"ansible_ssh_common_args='-o UserKnownHostsFile={server.KnownHosts}'\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "playbook.yml"), """
            - hosts: all
              gather_facts: false
              tasks:
                - community.general.ufw: {rule: allow, port: "22", proto: tcp, comment: SSH}
                - community.general.ufw: {rule: allow, port: "80", proto: tcp, comment: HTTP}
                - community.general.ufw: {rule: allow, port: "443", proto: tcp, comment: HTTPS}
                - community.general.ufw: {state: enabled}
            """);
        var start = new ProcessStartInfo("ansible-playbook", ["-i", "inventory", "playbook.yml"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ANSIBLE_PIPELINING"] = pipelining ? "True" : "False";
        start.Environment["ANSIBLE_HOST_KEY_CHECKING"] = "True";
        start.Environment["ANSIBLE_LOCAL_TEMP"] = Path.Combine(dir, "tmp");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ansible-playbook failed: {output}{await process.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>Median of <paramref name="runs"/> timed runs, each on a fresh test server (no firewall yet).</summary>
    public static async Task<TimeSpan> MedianAsync(int runs, Func<TestServer, Task> work)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            await using var server = await TestServer.StartAsync();
            var watch = Stopwatch.StartNew();
            await work(server);
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
