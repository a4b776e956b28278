using System.Globalization;
using OecCloudFw.Benchmarks;

// Prints the server layer's figures: the facts call budget, configure's median time on a UFW server, and the same
// work done by Ansible's community.general.ufw on the same test server in the same run.
if (args.Contains("--evaluation"))
{
    // The evaluator alone (no test server): printed by test.sh next to the kernel-oracle figures.
    var (median, count) = AuditBench.EvaluateLargeRuleset();
    Console.WriteLine($"evaluation: parse a {count:N0}-rule iptables-save and evaluate every catalog port from the internet and one address: median {median.TotalMilliseconds:F1} ms (target 50 ms)");
    return;
}

if (args.Contains("--startup"))
{
    // Whole-process start-up against a plain .NET hello built in the same run (issue 11's baseline).
    await StartupBench.PrintAsync(args.Contains("--runs") ? int.Parse(args[Array.IndexOf(args, "--runs") + 1], CultureInfo.InvariantCulture) : 15);
    return;
}

if (args.Contains("--probe"))
{
    // The probed audit of one default-deny server: the adaptive probe against the old fixed timeouts, and the key exchange.
    await ProbeBench.PrintAsync(args.Contains("--runs") ? int.Parse(args[Array.IndexOf(args, "--runs") + 1], CultureInfo.InvariantCulture) : 7);
    return;
}

if (args.Contains("--controller"))
{
    // Issue 24: the fleet audit as a command next to Ansible, both under GNU time, and OpenSSH's own client as the floor.
    int Option(string name, int otherwise) => args.Contains(name) ? int.Parse(args[Array.IndexOf(args, name) + 1], CultureInfo.InvariantCulture) : otherwise;
    await ControllerBench.PrintAsync(Option("--fleet-size", 50), Option("--parallel", 16), Option("--runs", 3), ansible: !args.Contains("--no-ansible"),
        args.Contains("--entries") ? Option("--entries", 0) : null);
    return;
}

if (args.Contains("--audit"))
{
    await AuditFigures.PrintAsync(args.Contains("--fleet-size") ? int.Parse(args[Array.IndexOf(args, "--fleet-size") + 1], CultureInfo.InvariantCulture) : 50);
    return;
}

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
await using var server = await OecCloudFw.Testing.Servers.TestServer.StartAsync();
Console.WriteLine($"test server {server.Address} (network namespace cfwtest{server.Index}), {runs} runs each (every timed run on a fresh test server)");

var budget = await ServerBench.FactsBudgetAsync(server);
Console.WriteLine($"facts: {budget.Connections} SSH connection(s), {budget.Execs} exec(s), sshd accepted {budget.Logins} login(s)");

var phases = await ServerBench.PhasesAsync(server);
Console.WriteLine($"phases: connect {phases.Connect.TotalMilliseconds:F0} ms, facts {phases.Facts.TotalMilliseconds:F0} ms, new connection {phases.Reconnect.TotalMilliseconds:F0} ms, trivial exec {phases.Exec.TotalMilliseconds:F0} ms");

await using (var fresh = await OecCloudFw.Testing.Servers.TestServer.StartAsync())
{
    Console.WriteLine($"configure on a fresh server, step by step: {await ServerBench.BreakdownAsync(fresh)}");
}

var tool = await ServerBench.MedianAsync(runs, ServerBench.ConfigureWithToolAsync);
Console.WriteLine($"oec-cloudfw server configure (22/80/443, confirm connection included): median {tool.TotalSeconds:F2} s");

if (ServerBench.HasAnsible)
{
    var pipelined = await ServerBench.MedianAsync(Math.Min(runs, 3), s => ServerBench.ConfigureWithAnsibleAsync(s, pipelining: true));
    var plain = await ServerBench.MedianAsync(Math.Min(runs, 3), s => ServerBench.ConfigureWithAnsibleAsync(s, pipelining: false));
    Console.WriteLine($"ansible community.general.ufw, pipelining on:  median {pipelined.TotalSeconds:F2} s ({pipelined / tool:F1}x the tool's time)");
    Console.WriteLine($"ansible community.general.ufw, default:        median {plain.TotalSeconds:F2} s ({plain / tool:F1}x the tool's time)");
}
else
{
    Console.WriteLine("ansible-playbook not found: install Debian's ansible package to compare (run.sh does)");
}

