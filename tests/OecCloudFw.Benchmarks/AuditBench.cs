using System.Diagnostics;
using System.Globalization;
using System.Text;
using OecCloudFw.Cli;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Benchmarks;

internal static class AuditBench
{
    /// <summary>One audit: SSH connections, execs and cloud reads it costs, and its time.</summary>
    public static async Task<(int Connections, int Logins, int CloudReads, TimeSpan Took)> OneAsync(TestServer server, FakeEc2 ec2, string group)
    {
        var connections = SshShell.ConnectionsOpened;
        var logins = server.AcceptedLogins;
        ec2.ResetCounts();
        var watch = Stopwatch.StartNew();
        await RunAsync(SingleArgs(server, ec2, group));
        return (SshShell.ConnectionsOpened - connections, server.AcceptedLogins - logins, ec2.Reads, watch.Elapsed);
    }

    /// <summary>A fleet audit of the given servers with --parallel.</summary>
    public static async Task<TimeSpan> FleetAsync(IReadOnlyList<TestServer> servers, FakeEc2 ec2, string group, int parallel)
    {
        var args = await FleetArgsAsync(servers, ec2, group, parallel);
        var watch = Stopwatch.StartNew();
        await RunAsync(args);
        return watch.Elapsed;
    }

    /// <summary>The test identity the fake EC2 endpoint knows, for the tool in process and the commands it starts.</summary>
    public static void UseBenchCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDBENCH");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// <summary>A command as an operator runs it: a new process (start-up included); the tool built beside the benchmark unless another executable is given.</summary>
    public static async Task<TimeSpan> CommandAsync(IReadOnlyList<string> args, string? executable = null)
    {
        var start = new ProcessStartInfo(executable ?? Path.Combine(AppContext.BaseDirectory, "oec-cloudfw")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"oec-cloudfw {string.Join(' ', args.Take(2))} exited {process.ExitCode}: {await error}");
        }

        await output;
        return watch.Elapsed;
    }

    public static string[] SingleArgs(TestServer server, FakeEc2 ec2, string group) =>
        ["audit", .. Target(server), "--aws-group", group, "--aws-region", "eu-west-1", "--aws-endpoint-url", ec2.Url.ToString(), "--no-probe", "--output", "json", "--fail-on", "never"];

    public static async Task<string[]> FleetArgsAsync(IReadOnlyList<TestServer> servers, FakeEc2 ec2, string group, int parallel)
    {
        var inventory = new StringBuilder($"defaults:\n  aws_region: eu-west-1\n  aws_endpoint_url: {ec2.Url}\nservers:\n");
        foreach (var server in servers)
        {
            inventory.Append(CultureInfo.InvariantCulture, $"  - host: {server.Address}\n    identity: {server.ClientKey}\n    known_hosts: {server.KnownHosts}\n    aws_groups: [{group}]\n");
        }

        var path = Path.Combine(servers[0].WorkDir, "fleet.yaml");
        await File.WriteAllTextAsync(path, inventory.ToString());
        return ["audit", "--inventory", path, "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--no-probe", "--output", "json", "--fail-on", "never"];
    }

    /// <summary>The machine's busy CPU time so far, all processes (from /proc/stat).</summary>
    public static TimeSpan MachineCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromMilliseconds(ticks * 10); // USER_HZ is 100 on Linux
    }

    private static readonly Cidr[] Sources = [Cidr.AnyIPv4, Cidr.Parse("203.0.113.7/32")];

    private static readonly ServerNetwork BenchNetwork = ServerNetwork.Parse(
        "2: eth0    inet 198.18.1.2/24 scope global eth0\\",
        "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\neth0\t00000000\t010112C6\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        null);

    /// <summary>Parses a 10,000-rule iptables-save and evaluates every catalog port from the internet: the median of 15 warm runs.</summary>
    public static (TimeSpan Median, int Rules) EvaluateLargeRuleset()
    {
        var save = new StringBuilder("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:blocklist - [0:0]\n");
        save.Append("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j blocklist\n");
        for (var i = 0; i < 9_990; i++)
        {
            save.Append(CultureInfo.InvariantCulture, $"-A blocklist -s 10.{i / 250 % 250}.{i % 250}.0/24 -p tcp -m tcp --dport {1024 + (i % 5000)} -m comment --comment \"block {i}\" -j DROP\n");
        }

        save.Append("-A blocklist -j RETURN\n-A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT\nCOMMIT\n");
        var text = save.ToString();
        var times = new List<TimeSpan>();
        var rules = 0;
        for (var run = 0; run < 45; run++)
        {
            var watch = Stopwatch.StartNew();
            // The whole input path (raw, mangle, filter, security), evaluated as the audit does: sources as sets, the
            // ingress interface from the routes.
            var chains = IptablesSaveParser.ParseInputPath(text, IpSet.Parse(null))!;
            if (Environment.GetEnvironmentVariable("OECFW_BENCH_PARSE_ONLY") == "1")
            {
                times.Add(watch.Elapsed);
                rules = chains.RuleCount;
                continue;
            }

            foreach (var port in PortCatalog.All)
            {
                foreach (var source in Sources)
                {
                    chains.Evaluate(BenchNetwork.Context(Protocol.Tcp, port.Port, source), AddressSet.Of(source));
                }
            }

            times.Add(watch.Elapsed);
            rules = chains.RuleCount;
        }

        // The first runs include JIT compilation and tier-up; measure the steady state.
        times = times.Skip(20).ToList();
        times.Sort();
        return (times[times.Count / 2], rules);
    }

    private static string[] Target(TestServer server) => ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    private static async Task RunAsync(string[] args)
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, ProcessEnvironment.Instance);
        var exit = await CliApp.RunAsync(args, context);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args.Take(2))} exited {exit}");
        }
    }
}
