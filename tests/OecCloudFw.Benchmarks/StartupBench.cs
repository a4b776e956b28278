using System.Diagnostics;
using System.Globalization;
using OecCloudFw.Testing.Aws;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Benchmarks;

/// <summary>
/// Start-up as operators, scripts and cloud-init meet it: whole processes, medians, each as a ratio to a plain
/// Console.WriteLine "hello" built the same way in the same run (framework-dependent next to the framework-dependent
/// tool, Native AOT next to the native one), so the figures compare on any machine. Then the work around start-up:
/// <c>audit --local</c> inside a test server, one server's audit over SSH as a command next to the same audit in
/// process, and <c>server configure</c> as a command next to Ansible's ufw playbook.
/// </summary>
internal static class StartupBench
{
    public static async Task PrintAsync(int runs)
    {
        AuditBench.UseBenchCredentials();
        var root = OecCloudFw.Testing.RepositoryRoot.Path;
        var work = OecCloudFw.Testing.RepositoryRoot.Artifacts("startup");
        Directory.CreateDirectory(work);
        var hello = Path.Combine(work, "hello");
        Directory.CreateDirectory(hello);
        await File.WriteAllTextAsync(Path.Combine(hello, "hello.csproj"),
            """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><PublishAot Condition="'$(RuntimeIdentifier)' != ''">true</PublishAot></PropertyGroup></Project>""");
        await File.WriteAllTextAsync(Path.Combine(hello, "Program.cs"), "Console.WriteLine(\"hello\");\n");
        // Outside the repository's Directory.Build.props: a plain project, as `dotnet new console` makes it.
        await File.WriteAllTextAsync(Path.Combine(hello, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(hello, "Directory.Packages.props"), "<Project />");
        Console.WriteLine("startup: building the hello and the tool, framework-dependent and Native AOT (a few minutes)");
        await RunAsync("dotnet", ["build", hello, "-c", "Release", "-o", Path.Combine(hello, "out"), "--nologo", "-v", "q"]);
        await RunAsync("dotnet", ["publish", hello, "-c", "Release", "-r", "linux-x64", "-o", Path.Combine(hello, "native"), "--nologo", "-v", "q"]);
        var tool = Path.Combine(work, "tool");
        await RunAsync("dotnet", ["build", Path.Combine(root, "src", "OecCloudFw.Cli"), "-c", "Release", "-o", tool, "--nologo", "-v", "q"]);
        var native = Path.Combine(work, "native");
        await RunAsync("dotnet", ["publish", Path.Combine(root, "src", "OecCloudFw.Cli"), "-c", "Release", "-r", "linux-x64", "-o", native, "--nologo", "-v", "q"]);

        var helloJit = await MedianAsync(runs, Path.Combine(hello, "out", "hello"), []);
        var helloAot = await MedianAsync(runs, Path.Combine(hello, "native", "hello"), []);
        Console.WriteLine(Invariant($"startup: hello (Console.WriteLine): framework-dependent {Ms(helloJit)}, Native AOT {Ms(helloAot)} (medians of {runs} runs)"));
        foreach (var (what, args, target) in new (string, string[], double)[]
                 {
                     ("--version", ["--version"], 1.0),
                     ("policy show", ["policy", "show"], 1.5),
                     ("a rejected bad flag", ["policy", "show", "--bogus"], 1.0),
                 })
        {
            var jit = await MedianAsync(runs, Path.Combine(tool, "oec-cloudfw"), args);
            var aot = await MedianAsync(runs, Path.Combine(native, "oec-cloudfw"), args);
            Console.WriteLine(Invariant(
                $"startup: oec-cloudfw {what}: native {Ms(aot)} = {aot / helloJit:F2}x the framework-dependent hello (target {target:F1}x), {aot / helloAot:F1}x the native hello; framework-dependent {Ms(jit)} = {jit / helloJit:F1}x"));
        }

        var peakAot = await PeakMemoryAsync(Path.Combine(native, "oec-cloudfw"), ["policy", "show"]);
        var peakJit = await PeakMemoryAsync(Path.Combine(tool, "oec-cloudfw"), ["policy", "show"]);
        Console.WriteLine(Invariant($"startup: oec-cloudfw policy show: peak memory native {peakAot / 1024.0:F0} MiB (target 40 MiB), framework-dependent {peakJit / 1024.0:F0} MiB"));

        var binary = Path.Combine(native, "oec-cloudfw");
        await using (var server = await TestServer.StartAsync())
        {
            // Inside the server, as cloud-init runs it: the hello through the same nsenter and sh, for the ratio.
            var local = await MedianAsync(runs, () => server.ExecAsync($"{binary} audit --local --no-probe --output json --fail-on never > /dev/null"));
            var inServerHello = await MedianAsync(runs, () => server.ExecAsync($"{Path.Combine(hello, "native", "hello")} > /dev/null"));
            Console.WriteLine(Invariant($"startup: oec-cloudfw audit --local --no-probe inside a test server: native {Ms(local)} = {local / helloJit:F1}x the framework-dependent hello (the native hello there: {Ms(inServerHello)})"));
        }

        await using (var ec2 = await FakeEc2.StartAsync())
        {
            var group = ec2.CreateGroup();
            ec2.AddIngress(group, "tcp", 22, 22, "0.0.0.0/0");
            await using var server = await TestServer.StartAsync();
            var args = AuditBench.SingleArgs(server, ec2, group);
            await AuditBench.OneAsync(server, ec2, group); // warm the in-process tool (JIT), as a long-running process is
            var inProcess = await MedianAsync(runs, async () => await AuditBench.OneAsync(server, ec2, group));
            var asCommand = await MedianAsync(runs, () => AuditBench.CommandAsync(args, binary));
            Console.WriteLine(Invariant($"startup: one server's audit over SSH (+1 security group): as a command (native) {Ms(asCommand)} = {asCommand / inProcess:F2}x the same audit in process {Ms(inProcess)} (target 1.5x)"));
        }

        var configureRuns = Math.Max(3, runs / 3);
        var command = await ServerBench.MedianAsync(configureRuns, s => ServerBench.ConfigureWithCommandAsync(s, binary));
        var inProcessConfigure = await ServerBench.MedianAsync(configureRuns, ServerBench.ConfigureWithToolAsync);
        Console.WriteLine(Invariant($"startup: server configure on a fresh UFW server (22/80/443, confirm included): as a command (native) {command.TotalSeconds:F2} s, in process {inProcessConfigure.TotalSeconds:F2} s"));
        if (ServerBench.HasAnsible)
        {
            var pipelined = await ServerBench.MedianAsync(configureRuns, s => ServerBench.ConfigureWithAnsibleAsync(s, pipelining: true));
            Console.WriteLine(Invariant($"startup: ansible community.general.ufw, pipelining on: {pipelined.TotalSeconds:F2} s = {pipelined / command:F1}x the tool as a command (target at least 5x)"));
        }
        else
        {
            Console.WriteLine("startup: ansible-playbook not found: install Debian's ansible package to compare (run.sh does)");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    private static Task<TimeSpan> MedianAsync(int runs, string exe, string[] args) => MedianAsync(runs, () => RunAsync(exe, args, check: false));

    private static async Task<TimeSpan> MedianAsync(int runs, Func<Task> work)
    {
        await work(); // warm the file cache
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await work();
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>The process's VmHWM (KiB), read from /proc just before it exits (sampled every millisecond).</summary>
    private static async Task<long> PeakMemoryAsync(string exe, string[] args)
    {
        var start = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            try
            {
                var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(output, error);
        return peak;
    }

    private static async Task RunAsync(string file, string[] args, bool check = true)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await error}{await output}");
        }
    }
}
