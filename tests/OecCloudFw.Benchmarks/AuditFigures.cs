using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Benchmarks;

/// <summary>The audit's figures: call budget, one server's time, a fleet with --parallel 16, and a 10,000-rule evaluation.</summary>
internal static class AuditFigures
{
    public static async Task PrintAsync(int fleetSize)
    {
        AuditBench.UseBenchCredentials();
        var (median, rules) = AuditBench.EvaluateLargeRuleset();
        Console.WriteLine($"iptables-save with {rules} rules: parse + evaluate every catalog port (internet and a management source): median {median.TotalMilliseconds:F1} ms");

        await using var ec2 = await FakeEc2.StartAsync();
        var group = ec2.CreateGroup();
        ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
        var servers = new List<TestServer>();
        try
        {
            for (var i = 0; i < fleetSize; i++)
            {
                servers.Add(await TestServer.StartAsync());
            }

            await AuditBench.OneAsync(servers[0], ec2, group); // warm-up (JIT)
            var singles = new List<TimeSpan>();
            (int Connections, int Logins, int CloudReads, TimeSpan Took) one = default;
            for (var i = 0; i < 5; i++)
            {
                one = await AuditBench.OneAsync(servers[i % servers.Count], ec2, group);
                singles.Add(one.Took);
            }

            singles.Sort();
            var single = singles[singles.Count / 2];
            Console.WriteLine($"one server's audit: {one.Connections} SSH connection(s) (sshd saw {one.Logins}), 1 exec, {one.CloudReads} cloud read(s) for 1 group; median {single.TotalSeconds:F2} s");
            await ProbeBench.PrintAsync(7);
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var machineBefore = AuditBench.MachineCpu();
            var fleet = await AuditBench.FleetAsync(servers, ec2, group, 16);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var machine = AuditBench.MachineCpu() - machineBefore;
            var serversCpu = machine - cpu;
            var cores = Environment.ProcessorCount;
            Console.WriteLine($"fleet of {servers.Count} test servers, --parallel 16: {fleet.TotalSeconds:F2} s = {fleet / single:F1}x one server's audit (target: at most 3x)");
            Console.WriteLine($"  CPU during the fleet: {machine.TotalSeconds:F1} s of the {(fleet * cores).TotalSeconds:F1} s that {cores} cores give in that time; the tool {cpu.TotalSeconds:F1} s ({cpu.TotalMilliseconds / servers.Count:F0} ms per server),");
            Console.WriteLine($"  the test servers (their sshd, the probe's programs, the kernel) {serversCpu.TotalSeconds:F1} s ({serversCpu.TotalMilliseconds / servers.Count:F0} ms per server).");
            Console.WriteLine($"  The servers share this machine's {cores} cores, so even a tool that cost no CPU could not finish before {(serversCpu / cores).TotalSeconds:F2} s = {serversCpu / cores / single:F1}x;");
            Console.WriteLine($"  and with unlimited cores, {servers.Count} servers in waves of 16 take {(servers.Count + 15) / 16} single-audit times.");

            // As an operator runs them: one command for one server, one for the fleet (a new process each: start-up and JIT included).
            var commands = new List<TimeSpan>();
            for (var i = 0; i < 3; i++)
            {
                commands.Add(await AuditBench.CommandAsync(AuditBench.SingleArgs(servers[i + 1], ec2, group)));
            }

            commands.Sort();
            var command = commands[1];
            var fleetCommand = await AuditBench.CommandAsync(await AuditBench.FleetArgsAsync(servers, ec2, group, 16));
            Console.WriteLine($"as commands (a new oec-cloudfw process each): one server {command.TotalSeconds:F2} s (median of 3), the fleet of {servers.Count} {fleetCommand.TotalSeconds:F2} s = {fleetCommand / command:F1}x");
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
