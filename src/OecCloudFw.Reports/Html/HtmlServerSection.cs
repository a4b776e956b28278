using System.Text;
using OecCloudFw.Reports.Documents;
using static OecCloudFw.Reports.Html.HtmlReport;
using static OecCloudFw.Reports.Html.HtmlText;

namespace OecCloudFw.Reports.Html;

/// <summary>One audited server's part of the report: its layers port by port with the evidence, outbound, web checks, benchmark, findings with their fixes.</summary>
internal static class HtmlServerSection
{
    public static void Write(StringBuilder html, AuditDocument server, string id)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(server);
        html.Append("<section class=\"server\" id=\"").Append(id).Append("\" data-server=\"").Append(Encode(server.Server)).Append("\">\n<h2><span class=\"mono\">")
            .Append(Encode(server.Server)).Append("</span> <span class=\"badge ").Append(SeverityClass(server.Worst)).Append("\">")
            .Append(server.Worst is null ? "no findings" : "worst: " + Encode(server.Worst)).Append("</span></h2>\n")
            .Append("<p><strong>Cloud layer:</strong> ").Append(Encode(server.CloudLayer ?? "not examined (no cloud layer given)"))
            .Append(". <strong>Server layer:</strong> ").Append(Encode(server.ServerLayer)).Append(".</p>\n<p class=\"muted\">")
            .Append(Encode(server.Vantage)).Append("</p>\n");
        Ports(html, server);
        NetworkAcls(html, server.NetworkAcls);
        Egress(html, server.Egress);
        Web(html, server.Web);
        if (server.Benchmark is { } benchmark)
        {
            Benchmark(html, benchmark);
        }

        Findings(html, server.Findings);
        html.Append("</section>\n");
    }

    private static void Ports(StringBuilder html, AuditDocument server)
    {
        var cloudRead = server.CloudLayer is not null || server.Ports.Any(p => p.Cloud.FromInternetIpv4 is not null || p.Cloud.FromInternetIpv6 is not null);
        html.Append("<h3>Ports</h3>\n<div class=\"scroll\">\n<table class=\"ports layers\">\n<thead><tr><th scope=\"col\">Port</th><th scope=\"col\">Policy</th>")
            .Append("<th scope=\"col\">From the internet</th><th scope=\"col\">Cloud layer</th><th scope=\"col\">Server layer</th><th scope=\"col\">Listening</th><th scope=\"col\">Probe</th></tr></thead>\n<tbody>\n");
        foreach (var port in server.Ports)
        {
            var verdict = InternetVerdicts.Of(port);
            var wanted = WantedFromInternet(port);
            var policy = !port.Wanted ? "closed" : wanted ? "open" : "from " + string.Join(", ", port.Sources);
            html.Append("<tr data-port=\"").Append(Number(port.Port)).Append("\"><th scope=\"row\">").Append(Number(port.Port)).Append(" <small>")
                .Append(Encode(port.Name)).Append("</small></th><td>").Append(Encode(policy)).Append("</td><td class=\"")
                .Append(VerdictClass(verdict, wanted)).Append("\" data-verdict=\"").Append(verdict.Attribute()).Append("\">")
                .Append(Symbol(verdict, wanted)).Append(' ').Append(verdict.Word()).Append(port.OpenToInternet ? Families(port) : string.Empty).Append("</td><td>");
            if (cloudRead)
            {
                Verdicts(html, ("IPv4", port.Cloud.FromInternetIpv4), ("IPv6", port.Cloud.FromInternetIpv6), ("policy's sources", port.Cloud.FromSources));
            }
            else
            {
                html.Append("<span class=\"muted\">not examined</span>");
            }

            html.Append("</td><td>");
            Verdicts(html, ("IPv4", port.Server.FromInternetIpv4), ("IPv6", port.Server.FromInternetIpv6), ("policy's sources", port.Server.FromSources), ("probe's address", port.Server.FromVantage));
            html.Append("</td><td>").Append(port.Listening ? "yes" : "no").Append("</td><td>").Append(Encode(port.Probe)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static string Families(AuditPortView port) =>
        port.OpenToInternetIpv4 && port.OpenToInternetIpv6 ? " <small>(IPv4, IPv6)</small>" : port.OpenToInternetIpv4 ? " <small>(IPv4)</small>" : " <small>(IPv6)</small>";

    /// <summary>Each verdict with its evidence; labels whose verdict and evidence are the same share one line.</summary>
    private static void Verdicts(StringBuilder html, params (string Label, VerdictView? Verdict)[] verdicts)
    {
        html.Append("<dl>");
        var given = verdicts.Where(v => v.Verdict is not null).Select(v => (v.Label, Verdict: v.Verdict!)).ToList();
        var groups = given.GroupBy(v => (v.Verdict.Verdict, v.Verdict.Admitted, v.Verdict.Evidence)).ToList();
        foreach (var group in groups)
        {
            html.Append("<dt>").Append(groups.Count == 1 && given.Count > 1 ? "all" : Encode(string.Join(", ", group.Select(v => v.Label)))).Append("</dt><dd><span class=\"").Append(LayerClass(group.First().Verdict)).Append("\">")
                .Append(Encode(group.Key.Verdict)).Append("</span><span class=\"evidence\">").Append(Encode(group.Key.Evidence)).Append("</span></dd>");
        }

        html.Append("</dl>");
    }

    private static string LayerClass(VerdictView verdict) => verdict.Admitted switch
    {
        true => "l-admitted",
        false => "l-refused",
        null => "l-indeterminate",
    };

    private static void NetworkAcls(StringBuilder html, IReadOnlyList<NetworkAclView> acls)
    {
        if (acls.Count == 0)
        {
            return;
        }

        html.Append("<h3>Network ACLs</h3>\n");
        foreach (var acl in acls)
        {
            html.Append("<p><span class=\"mono\">").Append(Encode(acl.Id)).Append("</span> on <span class=\"mono\">").Append(Encode(acl.Subnet)).Append("</span></p>\n<ul class=\"mono\">");
            foreach (var entry in acl.Entries)
            {
                html.Append("<li>").Append(Encode(entry)).Append("</li>");
            }

            html.Append("</ul>\n");
        }
    }

    private static void Egress(StringBuilder html, IReadOnlyList<EgressView> egress)
    {
        if (egress.Count == 0)
        {
            return;
        }

        html.Append("<h3>Outbound</h3>\n<table class=\"egress layers\">\n<thead><tr><th scope=\"col\">To</th><th scope=\"col\">Purpose</th><th scope=\"col\">Cloud layer</th><th scope=\"col\">Server layer</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n");
        foreach (var need in egress)
        {
            html.Append("<tr><th scope=\"row\">tcp/").Append(Number(need.Port)).Append(" <small>").Append(Encode(need.Destination)).Append("</small></th><td>")
                .Append(Encode(need.Purpose)).Append(need.Critical ? " <small>(critical)</small>" : string.Empty).Append("</td><td>");
            if (need.Cloud is { } cloud)
            {
                Verdicts(html, ("outbound", cloud));
            }
            else
            {
                html.Append("<span class=\"muted\">not examined</span>");
            }

            html.Append("</td><td>");
            Verdicts(html, ("outbound", need.Server));
            html.Append("</td><td class=\"").Append(need.Blocked ? (need.Critical ? "sev-critical" : "sev-warning") : "ok").Append("\">")
                .Append(need.Blocked ? "&#x2716; blocked" : "&#x2714; allowed").Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Web(StringBuilder html, IReadOnlyList<WebCheckView> web)
    {
        if (web.Count == 0)
        {
            return;
        }

        html.Append("<h3>Web checks</h3>\n<table class=\"web\">\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n");
        foreach (var check in web)
        {
            html.Append("<tr><th scope=\"row\">").Append(Encode(check.Check)).Append("</th><td class=\"").Append(check.Ok ? "ok" : "sev-warning").Append("\">")
                .Append(check.Ok ? "&#x2714; " : "&#x2716; ").Append(Encode(check.Result)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Benchmark(StringBuilder html, BenchmarkView benchmark)
    {
        int Count(string status) => benchmark.Checks.Count(c => c.Status == status);
        html.Append("<h3>").Append(Encode(benchmark.Title)).Append(" <small class=\"mono\">").Append(Encode(benchmark.Name)).Append("</small></h3>\n<p>")
            .Append(Number(Count("pass"))).Append(" passed, ").Append(Number(Count("fail"))).Append(" failed, ").Append(Number(Count("undecided")))
            .Append(" undecided, ").Append(Number(Count("notApplicable"))).Append(" not applicable</p>\n")
            .Append("<table class=\"benchmark\">\n<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Check</th><th scope=\"col\">Result</th><th scope=\"col\">Evidence</th></tr></thead>\n<tbody>\n");
        foreach (var check in benchmark.Checks)
        {
            var (css, word) = check.Status switch
            {
                "pass" => ("ok", "&#x2714; pass"),
                "fail" => ("sev-critical", "&#x2716; fail"),
                "undecided" => ("sev-warning", "? undecided"),
                _ => ("v-none", "not applicable"),
            };
            html.Append("<tr><th scope=\"row\" class=\"mono\">").Append(Encode(check.Id)).Append("</th><td>").Append(Encode(check.Title)).Append("</td><td class=\"")
                .Append(css).Append("\">").Append(word).Append("</td><td><span class=\"evidence\">").Append(Encode(check.Evidence)).Append("</span></td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Findings(StringBuilder html, IReadOnlyList<AuditFindingView> findings)
    {
        html.Append("<h3>Findings (").Append(Number(findings.Count)).Append(")</h3>\n");
        if (findings.Count == 0)
        {
            html.Append("<p class=\"ok\">&#x2714; No findings.</p>\n");
            return;
        }

        foreach (var finding in findings.OrderByDescending(f => f.Severity))
        {
            var severity = finding.Severity.ToString().ToLowerInvariant();
            html.Append("<article class=\"finding ").Append(SeverityClass(severity)).Append("\" data-id=\"").Append(Encode(finding.Id)).Append("\" data-severity=\"")
                .Append(severity).Append("\">\n<h4><span class=\"badge ").Append(SeverityClass(severity)).Append("\">").Append(severity).Append("</span> <span class=\"mono\">")
                .Append(Encode(finding.Id)).Append("</span>");
            if (finding.Status is { } status)
            {
                // Against a baseline (new, unchanged) or muted by a suppression: said beside the id, never hidden.
                html.Append(" <span class=\"badge status\" data-status=\"").Append(Encode(status)).Append("\">").Append(Encode(status)).Append("</span>");
            }

            html.Append("</h4>\n<p class=\"message\">").Append(Encode(finding.Message)).Append("</p>\n");
            if (finding.Suppression is { } suppressed)
            {
                html.Append("<p class=\"muted suppression\"><strong>Suppressed:</strong> ").Append(Encode(suppressed.Reason)).Append(" (")
                    .Append(Encode(suppressed.Owner)).Append(", until ").Append(Encode(suppressed.Expires)).Append("; ").Append(Encode(suppressed.Source)).Append(")</p>\n");
            }

            var subject = new[] { finding.Port is { } p ? $"{Number(p)}/{finding.Protocol ?? "tcp"}" : null, finding.Layer, finding.Resource, finding.Peer is { } peer ? "from " + peer : null }
                .Where(s => !string.IsNullOrEmpty(s)).ToList();
            html.Append("<p class=\"muted subject\">");
            if (subject.Count > 0)
            {
                html.Append("<strong>Subject:</strong> ").Append(Encode(string.Join(" \u00B7 ", subject))).Append(". ");
            }

            html.Append("Fingerprint <span class=\"mono\">").Append(Encode(finding.Fingerprint)).Append("</span></p>\n");
            if (!string.IsNullOrEmpty(finding.Evidence))
            {
                html.Append("<p class=\"evidence\"><strong>Evidence:</strong> ").Append(Encode(finding.Evidence)).Append("</p>\n");
            }

            if (finding.Benchmarks.Count > 0)
            {
                html.Append("<p class=\"muted\">Benchmark: <span class=\"mono\">").Append(Encode(string.Join(", ", finding.Benchmarks))).Append("</span></p>\n");
            }

            if (finding.Fixes.Count > 0)
            {
                html.Append("<p><strong>").Append(finding.Fixes.Count == 1 ? "Fix" : "Fixes, in order").Append(":</strong></p>\n");
                foreach (var fix in finding.Fixes)
                {
                    html.Append("<div class=\"fix\"><pre><code>").Append(Encode(fix)).Append("</code></pre></div>\n");
                }
            }

            html.Append("</article>\n");
        }
    }
}
