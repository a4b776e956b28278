using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Cli.Output;

/// <summary>Parses --fail-on and decides the exit code from findings.</summary>
internal static class FailOn
{
    public static Severity? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "never" or "none" => null,
        "critical" => Severity.Critical,
        "warning" => Severity.Warning,
        "info" => Severity.Info,
        _ => throw new InvalidInputException($"--fail-on '{text}' is not a severity: use critical, warning, info or never"),
    };

    public static int ExitCode(IEnumerable<Finding> findings, Severity? threshold) =>
        threshold is { } t && findings.Any(f => f.Severity >= t) ? ExitCodes.Findings : ExitCodes.Ok;

    /// <summary>The exit code from a document's findings: with --baseline or --suppressions only new findings not suppressed count.</summary>
    public static int ExitCode(IEnumerable<AuditFindingView> findings, Severity? threshold) =>
        threshold is { } t && findings.Any(f => f.Severity >= t && f.Status is null or "new") ? ExitCodes.Findings : ExitCodes.Ok;
}
