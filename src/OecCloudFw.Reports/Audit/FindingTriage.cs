using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Audit;

/// <summary>
/// What <c>--baseline</c> and <c>--suppressions</c> make of the findings: each one new, unchanged (by server and
/// fingerprint) or suppressed; the baseline's findings not found now (fixed); and every expired suppression that would
/// have muted a finding, itself a finding (OECFW-SUPPRESSION-EXPIRED). Only new findings not suppressed count for --fail-on.
/// </summary>
public sealed class FindingTriage
{
    private readonly Baseline? _baseline;
    private readonly IReadOnlyList<Suppression> _suppressions;
    private readonly DateOnly _today;

    private FindingTriage(Baseline? baseline, IReadOnlyList<Suppression> suppressions, DateOnly today)
    {
        _baseline = baseline;
        _suppressions = suppressions;
        _today = today;
    }

    /// <summary>The triage of a baseline (null: none) and suppressions (empty: none), as of today by <paramref name="time"/>.</summary>
    public static FindingTriage Create(Baseline? baseline, IReadOnlyList<Suppression> suppressions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(suppressions);
        ArgumentNullException.ThrowIfNull(time);
        return new FindingTriage(baseline, suppressions, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }

    /// <summary>The report with a finding for every expired suppression that names one of its findings.</summary>
    public AuditReport Apply(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var expired = Expired(report.Server, report.Findings.Where(f => f.Id != FindingIds.SuppressionExpired).Select(f => (f.Id, f.Subject.Port)));
        return expired.Count == 0 ? report : report with { Findings = [.. report.Findings, .. expired] };
    }

    /// <summary>
    /// The document judged afresh: expired-suppression findings rebuilt, each finding's status and suppression, the
    /// baseline's name and the baseline's findings on this server fixed since.
    /// </summary>
    public AuditDocument Apply(AuditDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var findings = document.Findings.Where(f => f.Id != FindingIds.SuppressionExpired).ToList();
        findings.AddRange(Expired(document.Server, findings.Select(f => (f.Id, f.Port))).Select(AuditDocuments.View));
        var judged = findings.Select(f =>
        {
            var (status, by) = Judge(f.Server ?? document.Server, f.Id, f.Port, f.Fingerprint);
            return f with
            {
                Status = by is null ? status : "suppressed",
                Suppression = by is null ? null : new SuppressionView(by.Reason, by.Owner, Date(by.Expires), by.Line),
            };
        }).ToList();
        var now = judged.Select(f => (f.Server ?? document.Server, f.Fingerprint)).ToHashSet();
        return document with
        {
            Findings = judged,
            Baseline = _baseline?.File,
            Fixed = _baseline is null ? null
                : [.. _baseline.Findings.Where(f => string.Equals(f.Server, document.Server, StringComparison.Ordinal) && !now.Contains((f.Server, f.Fingerprint)))],
        };
    }

    /// <summary>The finding's baseline state (new, unchanged; null without a baseline) and the suppression that holds (null: none).</summary>
    internal (string? BaselineState, Suppression? SuppressedBy) Judge(string server, string id, int? port, string fingerprint) =>
        (_baseline is null ? null : _baseline.Keys.Contains((server, fingerprint)) ? "unchanged" : "new",
         _suppressions.FirstOrDefault(s => !s.ExpiredOn(_today) && s.Matches(id, server, port)));

    /// <summary>SARIF's justification of a suppression: "reason (owner, until DATE)".</summary>
    internal static string Justification(Suppression suppression)
    {
        ArgumentNullException.ThrowIfNull(suppression);
        return $"{suppression.Reason} ({suppression.Owner}, until {Date(suppression.Expires)})";
    }

    /// <summary>The table's summary ("2 new, 1 unchanged, 1 fixed since base.json; 1 suppressed"); null when no document was judged.</summary>
    public static string? Summary(IReadOnlyList<AuditDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var findings = documents.SelectMany(d => d.Findings).ToList();
        if (findings.All(f => f.Status is null) && documents.All(d => d.Baseline is null))
        {
            return null;
        }

        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var suppressed = $"{N(findings.Count(f => f.Status == "suppressed"))} suppressed";
        return documents.FirstOrDefault(d => d.Baseline is not null)?.Baseline is { } baseline
            ? $"{N(findings.Count(f => f.Status == "new"))} new, {N(findings.Count(f => f.Status == "unchanged"))} unchanged, {N(documents.Sum(d => d.Fixed?.Count ?? 0))} fixed since {baseline}; {suppressed}"
            : suppressed;
    }

    private List<Finding> Expired(string server, IEnumerable<(string Id, int? Port)> findings)
    {
        var list = findings.ToList();
        return [.. _suppressions.Where(s => s.ExpiredOn(_today) && list.Any(f => s.Matches(f.Id, server, f.Port))).Select(s => new Finding(
            FindingIds.SuppressionExpired,
            Severity.Warning,
            $"The suppression of {s.Id} on {server}{(s.Port is { } p ? $" port {p.ToString(CultureInfo.InvariantCulture)}" : string.Empty)} at {s.Line} (owner {s.Owner}) expired on {Date(s.Expires)}: the finding counts again; renew the suppression or fix the finding",
            $"{s.Line}: expires {Date(s.Expires)}, today is {Date(_today)}",
            [])
        {
            Subject = new FindingSubject(server, s.Port, s.Port is null ? null : "tcp", "suppressions", $"{s.Id} {s.Server}"),
        })];
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
