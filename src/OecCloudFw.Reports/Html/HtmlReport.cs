using System.Globalization;
using System.Text;
using OecCloudFw.Reports.Documents;
using static OecCloudFw.Reports.Html.HtmlText;

namespace OecCloudFw.Reports.Html;

/// <summary>
/// <c>--output html</c>: one self-contained page (inline style, one small inline script for sorting and copying, no
/// request to anything) rendered from the fleet JSON document, so whatever produces that document — a fleet audit, a
/// single audit as a fleet of one, a merge of shards — renders the same way. Readable with scripts off and on paper.
/// </summary>
public static class HtmlReport
{
    public static string Render(AuditFleetDocument fleet, DateTimeOffset? generated = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var when = (generated ?? DateTimeOffset.UtcNow).ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var total = fleet.Servers.Count + fleet.Errors.Count;
        var size = total == 1 ? "1 server" : $"{Number(total)} servers";
        var title = fleet.Servers.Count == 1 && fleet.Errors.Count == 0
            ? $"oec-cloudfw audit of {fleet.Servers[0].Server}, {when}"
            : $"oec-cloudfw audit: {size}, {when}";

        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(Encode(HtmlAssets.ContentSecurityPolicy)).Append("\">\n")
            .Append("<meta name=\"generator\" content=\"oec-cloudfw\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(HtmlAssets.Style).Append("</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>Firewall audit: ").Append(Encode(size)).Append("</h1>\n<p class=\"muted\">Generated ")
            .Append(Encode(when)).Append(" by oec-cloudfw. Each port's verdict is from the internet, through every layer read (cloud and server), over IPv4 or IPv6.</p>\n</header>\n<main>\n");
        Summary(html, fleet);
        Overview(html, fleet);
        Errors(html, fleet.Errors);
        for (var i = 0; i < fleet.Servers.Count; i++)
        {
            HtmlServerSection.Write(html, fleet.Servers[i], Id("server", i + 1));
        }

        // The script's text, exactly as hashed in the policy: nothing between the tags but the script.
        html.Append("</main>\n<script>").Append(HtmlAssets.Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, AuditFleetDocument fleet)
    {
        var findings = fleet.Servers.SelectMany(s => s.Findings).ToList();
        int Count(Core.Audit.Severity severity) => findings.Count(f => f.Severity == severity);
        var unwanted = fleet.Servers.Sum(s => s.Ports.Count(p => InternetVerdicts.Of(p) == InternetVerdict.Open && !WantedFromInternet(p)));
        html.Append("<section class=\"summary\" aria-label=\"Summary\">\n");
        Box(html, "audited", fleet.Servers.Count, null);
        Box(html, "not audited", fleet.Errors.Count, fleet.Errors.Count > 0 ? "sev-critical" : null);
        Box(html, "critical findings", Count(Core.Audit.Severity.Critical), Count(Core.Audit.Severity.Critical) > 0 ? "sev-critical" : null);
        Box(html, "warnings", Count(Core.Audit.Severity.Warning), Count(Core.Audit.Severity.Warning) > 0 ? "sev-warning" : null);
        Box(html, "info", Count(Core.Audit.Severity.Info), null);
        Box(html, "ports open to the internet the policy keeps closed", unwanted, unwanted > 0 ? "sev-critical" : null);
        html.Append("</section>\n");
    }

    private static void Box(StringBuilder html, string label, int value, string? css) =>
        html.Append("<div").Append(css is null ? string.Empty : $" class=\"{css}\"").Append("><b>").Append(Number(value)).Append("</b>").Append(Encode(label)).Append("</div>\n");

    private static void Overview(StringBuilder html, AuditFleetDocument fleet)
    {
        // Every port any server was checked on, in port order, named as the first server that has it names it.
        var ports = fleet.Servers.SelectMany(s => s.Ports).GroupBy(p => p.Port).OrderBy(g => g.Key).Select(g => (Port: g.Key, g.First().Name)).ToList();
        html.Append("<section id=\"overview\">\n<h2>Servers and ports</h2>\n");
        if (fleet.Servers.Count == 0)
        {
            html.Append("<p>No server was audited.</p>\n</section>\n");
            return;
        }

        html.Append("<ul class=\"legend\" aria-label=\"Legend\">")
            .Append("<li><span class=\"badge v-open-bad\">").Append(Symbol(InternetVerdict.Open, false)).Append(" open</span> to the internet, the policy keeps it closed</li>")
            .Append("<li><span class=\"badge v-open-ok\">").Append(Symbol(InternetVerdict.Open, true)).Append(" open</span> to the internet, as the policy wants</li>")
            .Append("<li><span class=\"badge v-refused\">").Append(Symbol(InternetVerdict.Refused, false)).Append(" refused</span> by a layer</li>")
            .Append("<li><span class=\"badge v-indeterminate\">").Append(Symbol(InternetVerdict.Indeterminate, false)).Append(" indeterminate</span>: a rule the tool does not model decides</li>")
            .Append("<li><span class=\"badge v-none\">&ndash;</span> not checked on that server</li></ul>\n");
        html.Append("<div class=\"scroll\">\n<table id=\"fleet\" class=\"matrix\">\n<caption class=\"muted\">Click a column's name (server, worst, findings) to sort.</caption>\n<thead><tr>")
            .Append("<th scope=\"col\" data-sort=\"server\" aria-sort=\"none\">Server</th><th scope=\"col\" data-sort=\"worst\" aria-sort=\"none\">Worst</th><th scope=\"col\" data-sort=\"findings\" aria-sort=\"none\">Findings</th>");
        foreach (var (port, name) in ports)
        {
            html.Append("<th scope=\"col\" class=\"port\" data-port=\"").Append(Number(port)).Append("\">").Append(Number(port))
                .Append("<small>").Append(Encode(name)).Append("</small></th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < fleet.Servers.Count; i++)
        {
            var server = fleet.Servers[i];
            html.Append("<tr data-server=\"").Append(Encode(server.Server)).Append("\" data-worst=\"").Append(Number(Rank(server.Worst)))
                .Append("\" data-findings=\"").Append(Number(server.Findings.Count)).Append("\">")
                .Append("<th scope=\"row\"><a href=\"#").Append(Id("server", i + 1)).Append("\">").Append(Encode(server.Server)).Append("</a></th>")
                .Append("<td class=\"").Append(SeverityClass(server.Worst)).Append("\">").Append(Encode(server.Worst ?? "none")).Append("</td><td>")
                .Append(Number(server.Findings.Count)).Append(FindingBreakdown(server.Findings)).Append("</td>");
            foreach (var (port, _) in ports)
            {
                Cell(html, server.Ports.FirstOrDefault(p => p.Port == port));
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void Cell(StringBuilder html, AuditPortView? port)
    {
        if (port is null)
        {
            html.Append("<td class=\"v v-none\" data-verdict=\"none\" title=\"not checked\">&ndash;</td>");
            return;
        }

        var verdict = InternetVerdicts.Of(port);
        var wanted = WantedFromInternet(port);
        var detail = $"{port.Port} {port.Name}: {Describe(verdict, wanted)}; IPv4 {Path(port.Cloud.FromInternetIpv4, port.Server.FromInternetIpv4)}; IPv6 {Path(port.Cloud.FromInternetIpv6, port.Server.FromInternetIpv6)}; " +
                     $"{(port.Listening ? "listening" : "nothing listens")}; probe {port.Probe}";
        html.Append("<td class=\"v ").Append(VerdictClass(verdict, wanted)).Append("\" data-port=\"").Append(Number(port.Port))
            .Append("\" data-verdict=\"").Append(verdict.Attribute()).Append("\" title=\"").Append(Encode(detail)).Append("\">")
            .Append(Symbol(verdict, wanted)).Append(' ').Append(verdict.Word()).Append("</td>");
    }

    private static string Path(VerdictView? cloud, VerdictView server) =>
        $"{(cloud is null ? string.Empty : $"cloud {cloud.Verdict}, ")}server {server.Verdict}";

    private static string Describe(InternetVerdict verdict, bool wanted) => verdict switch
    {
        InternetVerdict.Open => wanted ? "open to the internet, as the policy wants" : "open to the internet, the policy keeps it closed",
        InternetVerdict.Refused => "refused from the internet",
        _ => "indeterminate from the internet",
    };

    private static void Errors(StringBuilder html, IReadOnlyList<FleetErrorView> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        html.Append("<section id=\"errors\">\n<h2>Not audited (").Append(Number(errors.Count)).Append(")</h2>\n<ul class=\"errors\">\n");
        foreach (var error in errors)
        {
            html.Append("<li><strong class=\"mono\">").Append(Encode(error.Server)).Append("</strong>: ").Append(Encode(error.Error ?? "no reason was given")).Append("</li>\n");
        }

        html.Append("</ul>\n</section>\n");
    }

    internal static bool WantedFromInternet(AuditPortView port) =>
        port.Wanted && port.Sources.Any(s => Core.Net.Cidr.TryParse(s, out var cidr) && cidr.IsInternet);

    internal static string VerdictClass(InternetVerdict verdict, bool wanted) => verdict switch
    {
        InternetVerdict.Open => wanted ? "v-open-ok" : "v-open-bad",
        InternetVerdict.Refused => "v-refused",
        _ => "v-indeterminate",
    };

    /// <summary>A shape as well as a colour, for readers who do not tell the colours apart and for paper.</summary>
    internal static string Symbol(InternetVerdict verdict, bool wanted) => verdict switch
    {
        InternetVerdict.Open => wanted ? "&#x25CF;" : "&#x25B2;",
        InternetVerdict.Refused => "&#x25CB;",
        _ => "?",
    };

    internal static string SeverityClass(string? severity) => severity switch
    {
        "critical" => "sev-critical",
        "warning" => "sev-warning",
        "info" => "sev-info",
        _ => "sev-none",
    };

    private static int Rank(string? worst) => worst switch
    {
        "critical" => 3,
        "warning" => 2,
        "info" => 1,
        _ => 0,
    };

    private static string FindingBreakdown(IReadOnlyList<AuditFindingView> findings)
    {
        if (findings.Count == 0)
        {
            return string.Empty;
        }

        var parts = findings.GroupBy(f => f.Severity).OrderByDescending(g => g.Key)
            .Select(g => $"{Number(g.Count())} {g.Key.ToString().ToLowerInvariant()}");
        return $" <small>({string.Join(", ", parts)})</small>";
    }

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
