using System.Security.Cryptography;
using System.Text;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Cli.Audit;

/// <summary>
/// The audit as SARIF 2.1.0 for GitHub code scanning: one result per finding with a stable ruleId, message.text, a
/// physical location anchored to the policy file (or --sarif-anchor), the server and cloud resource as logical
/// locations, and partialFingerprints that survive re-runs.
/// </summary>
public static class SarifLog
{
    public static object Create(AuditReport report, string anchor, string version) => CreateFleet([report], anchor, version);

    /// <summary>One run with the results of every audited server.</summary>
    public static object CreateFleet(IReadOnlyList<AuditReport> reports, string anchor, string version)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var all = reports.SelectMany(r => r.Findings.Select(f => (Report: r, Finding: f))).ToList();
        var rules = all.Select(x => x.Finding.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new Dictionary<string, object>
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new object[]
            {
                new
                {
                    tool = new
                    {
                        driver = new
                        {
                            name = "oec-cloudfw",
                            version,
                            informationUri = "https://oec.sh/docs/firewall-and-ports",
                            rules = rules.Select(id => new
                            {
                                id,
                                shortDescription = new { text = all.First(x => x.Finding.Id == id).Finding.Message },
                                defaultConfiguration = new { level = Level(all.Where(x => x.Finding.Id == id).Max(x => x.Finding.Severity)) },
                            }),
                        },
                    },
                    results = all.Select(x => new
                    {
                        ruleId = x.Finding.Id,
                        level = Level(x.Finding.Severity),
                        message = new { text = $"{x.Finding.Message}. Evidence: {x.Finding.Evidence}.{(x.Finding.Fixes.Count > 0 ? " Fix: " + string.Join(" ; ", x.Finding.Fixes) : string.Empty)}" },
                        locations = new[]
                        {
                            new
                            {
                                physicalLocation = new { artifactLocation = new { uri = anchor }, region = new { startLine = 1 } },
                                logicalLocations = Logical(x.Report),
                            },
                        },
                        partialFingerprints = new Dictionary<string, string> { ["oecCloudfwFinding/v1"] = Fingerprint(x.Report.Server, x.Finding) },
                    }),
                },
            },
        };
    }

    private static object[] Logical(AuditReport report) => report.CloudLayer is null
        ? [new { name = report.Server, kind = "module", fullyQualifiedName = $"server/{report.Server}" }]
        : [new { name = report.Server, kind = "module", fullyQualifiedName = $"server/{report.Server}" },
           new { name = report.CloudLayer, kind = "resource", fullyQualifiedName = $"cloud/{report.CloudLayer}" }];

    private static string Level(Severity severity) => severity switch
    {
        Severity.Critical => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>Stable across runs: the rule, the server and what the finding is about (its message), not the evidence's counters.</summary>
    private static string Fingerprint(string server, Finding finding) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{finding.Id}|{server}|{finding.Message}")))[..32];
}
