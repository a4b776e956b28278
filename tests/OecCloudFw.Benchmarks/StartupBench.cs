using System.Diagnostics;
using System.Globalization;

namespace OecCloudFw.Benchmarks;

/// <summary>
/// Start-up as operators and scripts meet it: whole processes, medians, each as a ratio to a plain .NET
/// Console.WriteLine "hello" built the same way (Release, framework-dependent apphost) in the same run, so the figures
/// compare on any machine. Peak memory (VmHWM) of <c>policy show</c> too.
/// </summary>
internal static class StartupBench
{
    public static async Task PrintAsync(int runs)
    {
        var root = OecCloudFw.Testing.RepositoryRoot.Path;
        var work = OecCloudFw.Testing.RepositoryRoot.Artifacts("startup");
        Directory.CreateDirectory(work);
        var hello = Path.Combine(work, "hello");
        Directory.CreateDirectory(hello);
        await File.WriteAllTextAsync(Path.Combine(hello, "hello.csproj"),
            """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>""");
        await File.WriteAllTextAsync(Path.Combine(hello, "Program.cs"), "Console.WriteLine(\"hello\");\n");
        // Outside the repository's Directory.Build.props: a plain project, as `dotnet new console` makes it.
        await File.WriteAllTextAsync(Path.Combine(hello, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(hello, "Directory.Packages.props"), "<Project />");
        await RunAsync("dotnet", ["build", hello, "-c", "Release", "-o", Path.Combine(hello, "out"), "--nologo", "-v", "q"]);
        var tool = Path.Combine(work, "tool");
        await RunAsync("dotnet", ["build", Path.Combine(root, "src", "OecCloudFw.Cli"), "-c", "Release", "-o", tool, "--nologo", "-v", "q"]);

        var helloExe = Path.Combine(hello, "out", "hello");
        var toolExe = Path.Combine(tool, "oec-cloudfw");
        var baseline = await MedianAsync(runs, helloExe, []);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup: hello (Console.WriteLine, same build): median {baseline.TotalMilliseconds:F0} ms over {runs} runs"));
        foreach (var (what, args, target) in new (string, string[], double)[]
                 {
                     ("--version", ["--version"], 1.0),
                     ("policy show", ["policy", "show"], 1.5),
                     ("a rejected bad flag", ["policy", "show", "--bogus"], 1.0),
                 })
        {
            var median = await MedianAsync(runs, toolExe, args);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"startup: oec-cloudfw {what}: median {median.TotalMilliseconds:F0} ms = {median / baseline:F1}x the hello (target {target:F1}x)"));
        }

        var peak = await PeakMemoryAsync(toolExe, ["policy", "show"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup: oec-cloudfw policy show: peak memory {peak / 1024.0:F0} MiB (target 40 MiB)"));
    }

    private static async Task<TimeSpan> MedianAsync(int runs, string exe, string[] args)
    {
        await TimeAsync(exe, args); // warm the file cache
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            times.Add(await TimeAsync(exe, args));
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<TimeSpan> TimeAsync(string exe, string[] args)
    {
        var watch = Stopwatch.StartNew();
        await RunAsync(exe, args, check: false);
        return watch.Elapsed;
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
