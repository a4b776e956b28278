using System.Security.Cryptography;
using System.Text;
using OecCloudFw.Core.Audit;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Audit;

/// <summary>
/// The audit as SARIF 2.1.0 for GitHub code scanning: one result per finding with a stable ruleId, message.text, a
/// physical location anchored to the policy file (or --sarif-anchor), the server and cloud resource as logical
/// locations, and partialFingerprints that survive re-runs.
/// </summary>
public static class SarifLog
{
    public static SarifDocument Create(AuditReport report, string anchor, string version, FindingTriage? triage = null) => CreateFleet([report], anchor, version, triage);

    /// <summary>One run with the results of every audited server, sorted by server.</summary>
    /// <remarks>With a triage (--baseline, --suppressions): each result's baselineState and the suppression that holds.</remarks>
    public static SarifDocument CreateFleet(IReadOnlyList<AuditReport> reports, string anchor, string version, FindingTriage? triage = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        // Sorted by server (stably): the order a merge of shards rebuilds, whatever shard each server was audited in.
        var all = reports.SelectMany(r => r.Findings.Select(f => (Report: r, Finding: f))).OrderBy(x => x.Report.Server, StringComparer.Ordinal).ToList();
        var rules = all.Select(x => x.Finding.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var driver = new SarifDriver("oec-cloudfw", version, "https://oec.sh/docs/firewall-and-ports",
            rules.Select(id => new SarifRule(id,
                new SarifText(all.First(x => x.Finding.Id == id).Finding.Message),
                new SarifConfiguration(Level(all.Where(x => x.Finding.Id == id).Max(x => x.Finding.Severity))))
            {
                Properties = Properties(all.Where(x => x.Finding.Id == id).SelectMany(x => x.Finding.Benchmarks)),
            }).ToList());
        var results = all.Select(x => new SarifResult(
            x.Finding.Id,
            Level(x.Finding.Severity),
            new SarifText($"{x.Finding.Message}. Evidence: {x.Finding.Evidence}.{(x.Finding.Fixes.Count > 0 ? " Fix: " + string.Join(" ; ", x.Finding.Fixes) : string.Empty)}"),
            [new SarifLocation(new SarifPhysicalLocation(new SarifArtifactLocation(anchor), new SarifRegion(1)), Logical(x.Report))],
            new Dictionary<string, string> { ["oecCloudfwFinding/v2"] = x.Finding.Fingerprint })
        {
            Properties = Properties(x.Finding.Benchmarks),
        }.Judged(triage?.Judge(x.Finding.Subject.Server ?? x.Report.Server, x.Finding.Id, x.Finding.Subject.Port, x.Finding.Fingerprint))).ToList();
        return new SarifDocument([new SarifRun(new SarifTool(driver), results)]);
    }

    /// <summary>The benchmark ids as SARIF tags (GitHub code scanning shows and filters by them); null when there are none.</summary>
    private static SarifProperties? Properties(IEnumerable<string> benchmarks)
    {
        var ids = benchmarks.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? null : new SarifProperties(ids, ids);
    }

    private static List<SarifLogicalLocation> Logical(AuditReport report) => report.CloudLayer is null
        ? [new SarifLogicalLocation(report.Server, "module", $"server/{report.Server}")]
        : [new SarifLogicalLocation(report.Server, "module", $"server/{report.Server}"),
           new SarifLogicalLocation(report.CloudLayer, "resource", $"cloud/{report.CloudLayer}")];

    private static string Level(Severity severity) => severity switch
    {
        Severity.Critical => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>The severity a SARIF level stands for (a merged log's results are judged by it for --fail-on).</summary>
    public static Severity SeverityOf(string level) => level switch
    {
        "error" => Severity.Critical,
        "warning" => Severity.Warning,
        _ => Severity.Info,
    };

    /// <summary>The result with its baselineState and suppression (none when <paramref name="judged"/> is null).</summary>
    private static SarifResult Judged(this SarifResult result, (string? BaselineState, Suppression? SuppressedBy)? judged) => judged is not { } j ? result : result with
    {
        BaselineState = j.BaselineState,
        Suppressions = j.SuppressedBy is { } by ? [new SarifSuppression("external", "accepted", FindingTriage.Justification(by))] : null,
    };
}
