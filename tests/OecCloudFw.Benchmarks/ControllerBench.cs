using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OecCloudFw.Server.Facts;
using OecCloudFw.Testing.Servers;
using static System.FormattableString;

namespace OecCloudFw.Benchmarks;

/// <summary>
/// The controller's cost (issue 24, item 1): the fleet audit run as a command (the native executable when
/// OECFW_NATIVE_BINARY names one, else the framework-dependent one the CLI project built) next to Ansible reading the
/// same facts with <c>shell</c> (forks 16, pipelining, ControlPersist), over the same test servers in the same run, both
/// under GNU time; the key exchange negotiated, read from sshd's log on a test server (LogLevel DEBUG), and OpenSSH's own
/// client's cost for that key exchange (<c>ssh -o KexAlgorithms=… host true</c>) as the floor.
/// </summary>
internal static partial class ControllerBench
{
    private sealed record Timed(double Wall, double Cpu, long PeakKib);

    /// <param name="fleetSize">Test servers started (1-240: their address scheme's limit).</param>
    /// <param name="parallel">The audit's --parallel.</param>
    /// <param name="runs">Timed runs (the median is printed).</param>
    /// <param name="ansible">Also time Ansible.</param>
    /// <param name="entries">Inventory entries, the servers taken in turn (more than the servers: a fleet larger than this
    /// machine can start, e.g. 500, for the memory bound; each entry a full audit). Default: one per server.</param>
    public static async Task PrintAsync(int fleetSize, int parallel, int runs, bool ansible, int? entries = null)
    {
        var work = Directory.CreateTempSubdirectory("oecfw-controller-").FullName;
        var home = Path.Combine(work, "home");
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));
        var tool = Environment.GetEnvironmentVariable("OECFW_NATIVE_BINARY") is { Length: > 0 } native && File.Exists(native)
            ? (Path: native, Kind: "native")
            : (Path: Path.Combine(Testing.RepositoryRoot.Path, "src", "OecCloudFw.Cli", "bin", "Release", "net10.0", "oec-cloudfw"), Kind: "framework-dependent");
        var memoryBefore = AvailableKib();
        var startWatch = Stopwatch.StartNew();
        await using var fleet = await ServerFleet.StartAsync(fleetSize, atOnce: 8);
        startWatch.Stop();
        var servers = fleet.Servers;
        var perServerKib = (memoryBefore - AvailableKib()) / (double)servers.Count;
        Console.WriteLine(Invariant($"controller: {servers.Count} test servers (sshd + ufw each) started in {startWatch.Elapsed.TotalSeconds:F1} s, 8 at a time; {perServerKib / 1024:F1} MiB of this machine's memory each"));

        // One server logs at DEBUG: sshd's "kex: algorithm:" line names the key exchange each client negotiated.
        var witness = servers[0];
        await witness.ExecAsync("echo 'LogLevel DEBUG' > /etc/ssh/sshd_config.d/01-bench.conf");
        await witness.RestartSshdAsync();

        var inventory = Path.Combine(work, "fleet.yaml");
        var yaml = new StringBuilder("servers:\n");
        var listed = Enumerable.Range(0, entries ?? servers.Count).Select(i => servers[i % servers.Count]).ToList();
        if (listed.Count != servers.Count)
        {
            // The comparisons stay one entry per server; this run measures the controller over a larger inventory.
            ansible = false;
            Console.WriteLine(Invariant($"controller: an inventory of {listed.Count} entries over the {servers.Count} test servers (each server audited {listed.Count / (double)servers.Count:F1} times, every entry a full audit)"));
        }

        foreach (var server in listed)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - host: {server.Address}\n    identity: {server.ClientKey}\n    known_hosts: {server.KnownHosts}\n");
        }

        await File.WriteAllTextAsync(inventory, yaml.ToString());
        var ansibleDir = ansible && HasAnsible ? await WriteAnsibleAsync(work, servers) : null;
        if (ansible && ansibleDir is null)
        {
            Console.WriteLine("controller: ansible-playbook not found: install Debian's ansible package to compare (run.sh does)");
        }

        var toolRuns = new List<Timed>();
        var ansibleRuns = new List<Timed>();
        string? toolKex = null;
        string? ansibleKex = null;
        for (var run = 0; run < runs; run++)
        {
            // Interleaved: tool, then Ansible, in each round.
            var before = KexLines(witness).Count;
            var timed = await TimeAsync(work, home, tool.Path, ["audit", "--inventory", inventory, "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--no-probe", "--output", "json", "--fail-on", "never"],
                output => output.Contains("\"errors\": []", StringComparison.Ordinal) ? null : "the fleet audit reported errors");
            toolRuns.Add(timed);
            toolKex ??= KexLines(witness).Skip(before).FirstOrDefault();
            if (ansibleDir is not null)
            {
                before = KexLines(witness).Count;
                ansibleRuns.Add(await TimeAsync(ansibleDir, home, "ansible-playbook", ["-i", "inventory", "playbook.yml"], _ => null, Ansible(ansibleDir, run)));
                ansibleKex ??= KexLines(witness).Skip(before).FirstOrDefault();
                await StopControlMastersAsync(Path.Combine(ansibleDir, $"cp{run}"));
            }
        }

        var n = listed.Count;
        var toolWall = Median(toolRuns, t => t.Wall);
        var toolCpu = Median(toolRuns, t => t.Cpu) / n * 1000;
        var peak = toolRuns.Max(t => t.PeakKib);
        Console.WriteLine(Invariant($"controller: oec-cloudfw ({tool.Kind}) audit --inventory ({n} servers) --parallel {parallel} --no-probe: wall {toolWall:F2} s (median of {runs}), CPU {toolCpu:F0} ms per server (user+sys of its process tree / {n}), peak RSS {peak / 1024.0:F0} MiB"));
        Console.WriteLine($"controller: key exchange the tool negotiated (sshd's log on {witness.Address}): {toolKex ?? "not seen"}");
        if (ansibleRuns.Count > 0)
        {
            var ansibleWall = Median(ansibleRuns, t => t.Wall);
            var ansibleCpu = Median(ansibleRuns, t => t.Cpu) / n * 1000;
            Console.WriteLine(Invariant($"controller: ansible-playbook (shell: the same probe script, forks 16, pipelining, ControlPersist): wall {ansibleWall:F2} s, CPU {ansibleCpu:F0} ms per server; key exchange {ansibleKex ?? "not seen"}"));
            Console.WriteLine(Invariant($"controller: wall ratio {ansibleWall / toolWall:F1}x (Ansible / oec-cloudfw), CPU per server ratio {ansibleCpu / toolCpu:F1}x"));
        }

        if (toolKex is not null && listed.Count == servers.Count)
        {
            // OpenSSH's own client, the same key exchange, the same servers: the floor of what one connection costs.
            var list = Path.Combine(work, "ssh-args");
            await File.WriteAllLinesAsync(list, servers.Select(s => $"-o UserKnownHostsFile={s.KnownHosts} -i {s.ClientKey} root@{s.Address} true"));
            var sshRuns = new List<Timed>();
            for (var run = 0; run < runs; run++)
            {
                sshRuns.Add(await TimeAsync(work, home, "sh", ["-c", $"xargs -P 16 -L 1 ssh -F none -o BatchMode=yes -o StrictHostKeyChecking=yes -o KexAlgorithms={toolKex} < {list}"], _ => null));
            }

            var sshCpu = Median(sshRuns, t => t.Cpu) / n * 1000;
            var within = toolCpu <= sshCpu + 10;
            Console.WriteLine(Invariant($"controller: OpenSSH's client, ssh -o KexAlgorithms={toolKex} host true over the same {n} servers: CPU {sshCpu:F0} ms per server"));
            Console.WriteLine(Invariant($"controller: the tool is {(within ? "within" : "NOT within")} OpenSSH's cost + 10 ms per server ({toolCpu:F0} ms against {sshCpu:F0} + 10 ms)"));
        }
    }

    public static bool HasAnsible => File.Exists("/usr/bin/ansible-playbook");

    private static async Task<string> WriteAnsibleAsync(string work, IReadOnlyList<TestServer> servers)
    {
        var dir = Path.Combine(work, "ansible");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "probe.sh"), FactsCollector.ProbeScript);
        await File.WriteAllLinesAsync(Path.Combine(dir, "inventory"), servers.Select(s =>
            $"{s.Address} ansible_user=root ansible_ssh_private_key_file={s.ClientKey} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile={s.KnownHosts}'"));
        // The same facts: the tool's own probe script, run by the shell module on every server.
        await File.WriteAllTextAsync(Path.Combine(dir, "playbook.yml"), """
            - hosts: all
              gather_facts: false
              tasks:
                - ansible.builtin.shell:
                    cmd: "{{ lookup('ansible.builtin.file', 'probe.sh') }}"
                    executable: /bin/sh
                  changed_when: false
            """);
        return dir;
    }

    private static Dictionary<string, string> Ansible(string dir, int run) => new()
    {
        ["ANSIBLE_FORKS"] = "16",
        ["ANSIBLE_PIPELINING"] = "True",
        ["ANSIBLE_HOST_KEY_CHECKING"] = "True",
        ["ANSIBLE_SSH_ARGS"] = "-o ControlMaster=auto -o ControlPersist=60s",
        // A control directory per run: a run never reuses the last one's connections.
        ["ANSIBLE_SSH_CONTROL_PATH_DIR"] = Path.Combine(dir, $"cp{run}"),
        ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(dir, "tmp"),
        ["ANSIBLE_STDOUT_CALLBACK"] = "minimal",
    };

    /// <summary>Ends the ControlPersist masters a run left (they would otherwise hold sessions open during the next run).</summary>
    private static async Task StopControlMastersAsync(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var socket in Directory.GetFiles(dir))
        {
            await TestServer.Run("ssh", ["-F", "none", "-o", $"ControlPath={socket}", "-O", "exit", "x"], CancellationToken.None, check: false);
        }
    }

    /// <summary>Runs a command under GNU time: wall, user+sys of its process tree, peak RSS (GNU time's %M, KiB).</summary>
    private static async Task<Timed> TimeAsync(string directory, string home, string file, IReadOnlyList<string> args, Func<string, string?> check, IReadOnlyDictionary<string, string>? environment = null)
    {
        var timeFile = Path.Combine(directory, "time.out");
        var start = new ProcessStartInfo("/usr/bin/time") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-f", "%e %U %S %M", "-o", timeFile, file, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = home;
        start.Environment.Remove("SSH_AUTH_SOCK");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || check(await output) is { } wrong)
        {
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "oecfw-bench-failed.json"), await output);
            throw new InvalidOperationException($"{file} {string.Join(' ', args.Take(3))} failed (exit {process.ExitCode}): {(await output)[^Math.Min(3000, (await output).Length)..]}{await error}");
        }

        var fields = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1].Split(' ');
        double D(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return new Timed(D(0), D(1) + D(2), long.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    private static List<string> KexLines(TestServer server) =>
        [.. File.ReadLines(Path.Combine(server.WorkDir, "sshd.log")).Select(l => KexPattern().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    private static double Median(List<Timed> runs, Func<Timed, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static long AvailableKib() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"kex: algorithm: (\S+)")]
    private static partial Regex KexPattern();
}
