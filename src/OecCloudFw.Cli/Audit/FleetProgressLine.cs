using System.Globalization;
using OecCloudFw.Application.Fleet;

namespace OecCloudFw.Cli.Audit;

/// <summary>The fleet audit's progress line on a terminal: done, failed, remaining, and the rate.</summary>
internal static class FleetProgressLine
{
    public static string Describe(FleetProgress progress) =>
        string.Create(CultureInfo.InvariantCulture, $"{progress.Done} done, {(progress.Failed > 0 ? $"[red]{progress.Failed} failed[/]" : "0 failed")}, {progress.Remaining} remaining, {progress.Rate:F1} servers/s");
}
