using OecCloudFw.Core.Audit;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Audit;

/// <summary>JSON of <c>audit</c> (schema oec-cloudfw/audit/v4).</summary>
public static class AuditDocuments
{
    public static AuditDocument Json(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new AuditDocument(
            report.Server,
            report.CloudLayer,
            report.ServerLayer,
            report.Vantage,
            report.Worst?.ToString().ToLowerInvariant(),
            report.Ports.Select(p => new AuditPortView(
                p.Port.Port,
                p.Port.Name,
                p.Port.Wanted,
                p.Port.Sources.Select(s => s.ToString()).ToList(),
                new CloudVerdictsView(Verdict(p.CloudFromInternetV4), Verdict(p.CloudFromInternetV6), Verdict(p.CloudFromSources)),
                new ServerVerdictsView(Verdict(p.ServerFromInternetV4)!, Verdict(p.ServerFromInternetV6)!, Verdict(p.ServerFromSources)!, Verdict(p.ServerFromVantage)),
                p.Listening,
                p.Probe.ToString().ToLowerInvariant(),
                p.OpenToInternet,
                p.OpenToInternetV4,
                p.OpenToInternetV6)).ToList(),
            report.Egress.Select(e => new EgressView(
                e.Need.Port,
                e.Need.Destination.IsInternet ? "internet" : e.Need.Destination.ToString(),
                e.Need.Purpose,
                e.Need.Critical,
                Verdict(e.Cloud),
                Verdict(e.Server)!,
                e.Blocked)).ToList(),
            report.CloudComponents.Where(c => c.Kind == "network-acl").Select(c => new NetworkAclView(c.Id, c.AttachedTo, c.Entries)).ToList(),
            report.Web.Select(w => new WebCheckView(w.What, w.Ok, w.Result)).ToList(),
            report.Benchmark is { } benchmark
                ? new BenchmarkView(benchmark.Name, benchmark.Title, benchmark.Checks.Select(c => new BenchmarkCheckView(c.Id, c.Title, Status(c.Status), c.Evidence)).ToList())
                : null,
            report.Findings.Select(View).ToList());
    }

    /// <summary>A finding as the document carries it.</summary>
    internal static AuditFindingView View(Finding f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new AuditFindingView(f.Id, f.Severity, f.Message, f.Evidence, f.Fixes, f.Benchmarks,
            f.Subject.Server, f.Subject.Port, f.Subject.Protocol, f.Subject.Layer, f.Subject.Resource, f.Subject.Peer, f.Fingerprint,
            [.. f.Remedies.Select(FixView.From)]);
    }

    private static string Status(Core.Audit.Benchmarks.BenchmarkStatus status) => status switch
    {
        Core.Audit.Benchmarks.BenchmarkStatus.Pass => "pass",
        Core.Audit.Benchmarks.BenchmarkStatus.Fail => "fail",
        Core.Audit.Benchmarks.BenchmarkStatus.NotApplicable => "notApplicable",
        _ => "undecided",
    };

    /// <summary>admitted is true or false when the layer decides, null when the verdict is indeterminate (verdict says which).</summary>
    private static VerdictView? Verdict(LayerVerdict? v) =>
        v is null ? null : new VerdictView(v.Indeterminate ? null : v.Admitted, v.Decision.ToString().ToLowerInvariant(), v.Evidence);
}
