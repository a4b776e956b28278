using System.Diagnostics;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Debian's chromium, headless, as root (no sandbox), with its own throw-away profile and every host name mapped to
/// nothing: a page that tried to fetch anything from the network would find no host.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The browser's path, or null when it is not installed (test.sh installs it).</summary>
    public static string? Path => Candidates.FirstOrDefault(File.Exists);

    /// <summary>The DOM after the page's scripts ran, serialized (<c>--dump-dom</c>).</summary>
    public static async Task<string> DumpDomAsync(string file, string fragment, CancellationToken cancellationToken) =>
        await RunAsync(["--dump-dom", Url(file, fragment)], cancellationToken);

    /// <summary>A PNG of the page at 1280x2000.</summary>
    public static async Task ScreenshotAsync(string file, string png, CancellationToken cancellationToken)
    {
        File.Delete(png);
        await RunAsync([$"--screenshot={png}", "--window-size=1280,2000", "--hide-scrollbars", Url(file, string.Empty)], cancellationToken);
        if (!File.Exists(png))
        {
            throw new Xunit.Sdk.XunitException($"chromium wrote no screenshot at {png}");
        }
    }

    private static string Url(string file, string fragment) => new Uri(System.IO.Path.GetFullPath(file)).AbsoluteUri + fragment;

    private static async Task<string> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("oecfw-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("chromium is not installed"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var flag in (string[])["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                         "--host-resolver-rules=MAP * ~NOTFOUND", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio", .. args])
            {
                start.ArgumentList.Add(flag);
            }

            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"chromium did not finish in 120 s: {string.Join(' ', args)}");
            }

            var output = await stdout;
            return process.ExitCode == 0 ? output : throw new Xunit.Sdk.XunitException($"chromium exit {process.ExitCode}: {await stderr}");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
