using OecCloudFw.Cli.Output;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Cli.Audit;

/// <summary>JSON of <c>audit</c> (schema oec-cloudfw/audit/v1).</summary>
public static class AuditDocuments
{
    public static object Json(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // admitted is true or false when the layer decides, null when the verdict is indeterminate (verdict says which).
        static object? Verdict(LayerVerdict? v) => v is null ? null : new
        {
            admitted = v.Indeterminate ? (bool?)null : v.Admitted,
            verdict = v.Decision.ToString().ToLowerInvariant(),
            evidence = v.Evidence,
        };
        return new
        {
            schema = "oec-cloudfw/audit/v1",
            server = report.Server,
            cloudLayer = report.CloudLayer,
            serverLayer = report.ServerLayer,
            vantage = report.Vantage,
            worst = report.Worst?.ToString().ToLowerInvariant(),
            ports = report.Ports.Select(p => new
            {
                port = p.Port.Port,
                name = p.Port.Name,
                wanted = p.Port.Wanted,
                sources = p.Port.Sources.Select(s => s.ToString()),
                cloud = new { fromInternetIpv4 = Verdict(p.CloudFromInternetV4), fromInternetIpv6 = Verdict(p.CloudFromInternetV6), fromSources = Verdict(p.CloudFromSources) },
                server = new
                {
                    fromInternetIpv4 = Verdict(p.ServerFromInternetV4),
                    fromInternetIpv6 = Verdict(p.ServerFromInternetV6),
                    fromSources = Verdict(p.ServerFromSources),
                    fromVantage = Verdict(p.ServerFromVantage),
                },
                listening = p.Listening,
                probe = p.Probe.ToString().ToLowerInvariant(),
                openToInternet = p.OpenToInternet,
                openToInternetIpv4 = p.OpenToInternetV4,
                openToInternetIpv6 = p.OpenToInternetV6,
            }),
            egress = report.Egress.Select(e => new
            {
                port = e.Need.Port,
                destination = e.Need.Destination.IsInternet ? "internet" : e.Need.Destination.ToString(),
                purpose = e.Need.Purpose,
                critical = e.Need.Critical,
                cloud = Verdict(e.Cloud),
                server = Verdict(e.Server),
                blocked = e.Blocked,
            }),
            networkAcls = report.CloudComponents.Where(c => c.Kind == "network-acl").Select(c => new { id = c.Id, subnet = c.AttachedTo, entries = c.Entries }),
            web = report.Web.Select(w => new { check = w.What, ok = w.Ok, result = w.Result }),
            findings = report.Findings.Select(FindingView.From),
        };
    }
}
