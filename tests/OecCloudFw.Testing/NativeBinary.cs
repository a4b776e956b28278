using System.Diagnostics;

namespace OecCloudFw.Testing;

/// <summary>
/// The tool as shipped to servers: the Native AOT executable of <c>dotnet publish src/OecCloudFw.Cli -c Release -r
/// linux-x64</c>. test.sh publishes it before the tests and names it in OECFW_NATIVE_BINARY; run alone, the first test
/// that asks publishes it here (a minute or two).
/// </summary>
public static class NativeBinary
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static async Task<string> PathAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            if (Environment.GetEnvironmentVariable("OECFW_NATIVE_BINARY") is { Length: > 0 } given)
            {
                return _path = File.Exists(given) ? given : throw new InvalidOperationException($"OECFW_NATIVE_BINARY={given} does not exist");
            }

            var output = RepositoryRoot.Artifacts("native");
            var start = new ProcessStartInfo("dotnet", ["publish", System.IO.Path.Combine(RepositoryRoot.Path, "src", "OecCloudFw.Cli"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish (Native AOT) failed: {await stdout}{await stderr}");
            }

            return _path = System.IO.Path.Combine(output, "oec-cloudfw");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs the native executable with exactly <paramref name="environment"/> (plus PATH) as its environment.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(await PathAsync(cancellationToken), args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = System.IO.Path.GetTempPath();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
