using OecCloudFw.Application.Fleet;
using OecCloudFw.Core.Audit;
using OecCloudFw.Reports.Documents;
using OecCloudFw.Reports.Html;

namespace OecCloudFw.Reports.Audit;

/// <summary>
/// An audit's documents, of one server or of a fleet (one shard of it): the reports and documents triaged once
/// (<see cref="FindingTriage"/>), then the JSON document, the HTML page or the SARIF log.
/// </summary>
public sealed class AuditRunDocuments
{
    private readonly InventoryView _inventory;
    private readonly ShardView? _shard;
    private readonly FindingTriage? _triage;

    private AuditRunDocuments(IReadOnlyList<string> hosts, Shard? shard, IReadOnlyList<AuditReport> reports, IReadOnlyList<(string Host, string Error)> errors, FindingTriage? triage, bool fleet)
    {
        _inventory = new InventoryView(Shard.Digest(hosts), hosts);
        _shard = shard is null ? null : new ShardView(shard.Index, shard.Total);
        _triage = triage;
        IsFleet = fleet;
        Reports = triage is null ? reports : [.. reports.Select(triage.Apply)];
        Documents = [.. Reports.Select(r => triage is null ? AuditDocuments.Json(r) : triage.Apply(AuditDocuments.Json(r)))];
        Errors = errors;
    }

    /// <summary>True for a fleet's audit (its documents are the fleet's), false for one server's.</summary>
    public bool IsFleet { get; }

    /// <summary>The reports, triaged.</summary>
    public IReadOnlyList<AuditReport> Reports { get; }

    /// <summary>Their documents, triaged.</summary>
    public IReadOnlyList<AuditDocument> Documents { get; }

    /// <summary>The servers that could not be audited, with why.</summary>
    public IReadOnlyList<(string Host, string Error)> Errors { get; }

    /// <summary>One server's audit.</summary>
    public static AuditRunDocuments Server(AuditReport report, FindingTriage? triage)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new([report.Server], null, [report], [], triage, fleet: false);
    }

    /// <summary>A fleet's audit: every host of the inventory (<paramref name="hosts"/>), the shard audited (null: all) and what it found.</summary>
    public static AuditRunDocuments Fleet(IReadOnlyList<string> hosts, Shard? shard, FleetResult result, FindingTriage? triage)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(hosts, shard, result.Reports, result.Errors, triage, fleet: true);
    }

    /// <summary>The JSON document: a server's (audit/v4) or the fleet's (audit-fleet/v4).</summary>
    public void WriteJson(TextWriter writer)
    {
        if (IsFleet)
        {
            Json.Write(writer, FleetDocument());
        }
        else
        {
            Json.Write(writer, Documents[0]);
        }
    }

    /// <summary>The self-contained HTML page.</summary>
    public string Html() => HtmlReport.Render(FleetDocument());

    /// <summary>The SARIF log, its results pointing at <paramref name="anchor"/>; a fleet's run carries the inventory, the shard and the errors.</summary>
    public SarifDocument Sarif(string anchor, string version)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        var log = SarifLog.CreateFleet(Reports, anchor.Replace('\\', '/'), version, _triage);
        return IsFleet ? log with { Runs = [log.Runs[0] with { Properties = new SarifRunProperties(_inventory, _shard, ErrorViews()) }] } : log;
    }

    private AuditFleetDocument FleetDocument() => new(_inventory, _shard, Documents, ErrorViews());

    private List<FleetErrorView> ErrorViews() => [.. Errors.Select(e => new FleetErrorView(e.Host, e.Error))];
}
