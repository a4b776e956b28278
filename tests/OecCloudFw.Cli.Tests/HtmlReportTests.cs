using System.Text.RegularExpressions;
using OecCloudFw.Reports.Documents;
using OecCloudFw.Reports.Html;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>audit --output html</c> of a real fleet (test servers with real sshd and iptables), opened in Debian's chromium,
/// headless, with every host name unresolvable: the assertions are on the DOM after the page's script ran.
/// </summary>
public sealed partial class HtmlReportTests(ITestOutputHelper output)
{
    private const string Hostile = """<script>document.title='pwned'</script> & "q" """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void RequireChromium()
    {
        if (HeadlessChromium.Path is null)
        {
            Assert.Skip("chromium is not installed (apt-get install -y chromium; test.sh installs it): the HTML report could not be rendered in a browser");
        }
    }

    [Fact]
    public async Task FleetAudit_OpenedInChromium_MatrixFindingsErrorsSortingAndHostileRuleAsText()
    {
        RequireChromium();
        await using var open = await TestServer.StartAsync(Ct);
        await using var shut = await TestServer.StartAsync(Ct);
        await using var unknown = await TestServer.StartAsync(Ct);
        await open.ExecAsync("setsid python3 -m http.server 5432 > /dev/null 2>&1 < /dev/null & for i in $(seq 50); do ss -Htln | grep -q ':5432 ' && exit 0; sleep 0.1; done; exit 1", Ct);
        // Default deny with SSH and the web open; 8069 behind a match the tool does not model (indeterminate), the
        // rule's comment a script: it reaches the report as the rule's evidence.
        foreach (var tool in (string[])["iptables", "ip6tables"])
        {
            await shut.ExecAsync($"""
                set -e
                {tool} -A INPUT -i lo -j ACCEPT
                {tool} -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
                {tool} -A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT
                {tool} -A INPUT -p tcp --dport 8069 -m recent --rcheck --name trusted -m comment --comment "{Hostile.Replace("\"", "\\\"", StringComparison.Ordinal)}" -j ACCEPT
                {tool} -P INPUT DROP
                """, Ct);
        }

        var inventory = Path.Combine(open.WorkDir, "fleet.yaml");
        // The third server's key is not in the known_hosts given for it: it is not audited (an error of the fleet).
        await File.WriteAllTextAsync(inventory, $"""
            servers:
              - host: {open.Address}
                identity: {open.ClientKey}
                known_hosts: {open.KnownHosts}
              - host: {shut.Address}
                identity: {shut.ClientKey}
                known_hosts: {shut.KnownHosts}
              - host: {unknown.Address}
                identity: {unknown.ClientKey}
                known_hosts: {open.KnownHosts}
            """, Ct);

        var run = await CliHarness.RunAsync("audit", "--inventory", inventory, "--parallel", "3", "--probe-timeout", "1", "--output", "html", "--fail-on", "never");

        Assert.True(run.ExitCode == ExitCodes.LayerFailure, $"exit {run.ExitCode}: {run.Error}");
        var html = run.Output;
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults")).FullName;
        var file = Path.Combine(artifacts, "html-report.html");
        await File.WriteAllTextAsync(file, html, Ct);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        // Self-contained: nothing is loaded from anywhere (no src, href other than a fragment, url(), @import), and the policy forbids it anyway.
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("default-src &#x27;none&#x27;", html, StringComparison.Ordinal);

        var dom = await HeadlessChromium.DumpDomAsync(file, string.Empty, Ct);

        var title = TitleOf(dom);
        Assert.StartsWith("oec-cloudfw audit: 3 servers, ", title, StringComparison.Ordinal);
        // The script ran (it wraps the sortable headers in buttons and adds the copy buttons), and it is the only one.
        Assert.Equal(3, Regex.Count(dom, "<button type=\"button\" title=\"Sort by this column\">"));
        Assert.Contains("<button type=\"button\" class=\"copy\">Copy</button>", dom, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(dom, "<script"));
        // The rule's comment is shown as text, inside the indeterminate verdict's evidence, and never ran.
        // (iptables-save quotes the comment: --comment "<script>document.title=\'pwned\'</script> & \"q\" ")
        Assert.Matches(@"--comment ""&lt;script&gt;document\.title=\\?'pwned\\?'&lt;/script&gt; &amp; ", SectionOf(dom, shut.Address));
        Assert.DoesNotContain("pwned", title, StringComparison.Ordinal);

        Assert.Equal("admitted", Cell(dom, open.Address, 5432));
        Assert.Equal("admitted", Cell(dom, open.Address, 22));
        Assert.Equal("admitted", Cell(dom, shut.Address, 22));
        Assert.Equal("admitted", Cell(dom, shut.Address, 443));
        Assert.Equal("refused", Cell(dom, shut.Address, 5432));
        Assert.Equal("indeterminate", Cell(dom, shut.Address, 8069));
        Assert.Contains("\u25B2 open</td>", RowOf(dom, open.Address), StringComparison.Ordinal);
        Assert.DoesNotContain($"data-server=\"{unknown.Address}\"", FleetTable(dom), StringComparison.Ordinal);
        Assert.Matches($@"(?s)<section id=""errors"">.*<strong class=""mono"">{Regex.Escape(unknown.Address)}</strong>: \S", Regex.Match(dom, "<section id=\"errors\">.*?</section>", RegexOptions.Singleline).Value);

        var openSection = SectionOf(dom, open.Address);
        Assert.Contains("data-id=\"OECFW-PORT-INTERNET\" data-severity=\"critical\"", openSection, StringComparison.Ordinal);
        Assert.Contains($"<pre><code>oec-cloudfw server configure --host {open.Address}</code></pre>", openSection, StringComparison.Ordinal);
        Assert.Contains("data-id=\"OECFW-INDETERMINATE\"", SectionOf(dom, shut.Address), StringComparison.Ordinal);

        // With scripts off everything is there but the buttons: the tool's markup itself holds the matrix and the
        // sections (the script adds buttons and reorders rows, nothing else).
        Assert.DoesNotContain("<button", html, StringComparison.Ordinal);
        Assert.Equal("indeterminate", Cell(html, shut.Address, 8069));
        Assert.Equal("refused", Cell(html, shut.Address, 5432));
        Assert.Contains($"<pre><code>oec-cloudfw server configure --host {open.Address}</code></pre>", SectionOf(html, open.Address), StringComparison.Ordinal);

        // Sorting: the script honours #sort= on load, as a click on a header sets it.
        var byServer = Rows(await HeadlessChromium.DumpDomAsync(file, "#sort=server", Ct));
        var byServerReversed = Rows(await HeadlessChromium.DumpDomAsync(file, "#sort=-server", Ct));
        var byWorst = await HeadlessChromium.DumpDomAsync(file, "#sort=-worst", Ct);
        Assert.Equal([.. new[] { open, shut }.OrderBy(s => s.Index).Select(s => s.Address)], byServer.Select(r => r.Server));
        Assert.Equal(byServer.Select(r => r.Server).Reverse(), byServerReversed.Select(r => r.Server));
        Assert.Equal(Rows(byWorst).Select(r => r.Worst).OrderDescending(), Rows(byWorst).Select(r => r.Worst));
        Assert.Contains("data-sort=\"worst\" aria-sort=\"descending\"", byWorst, StringComparison.Ordinal);
        Assert.Equal(open.Address, Rows(byWorst)[0].Server);

        // One server: the same page, as a fleet of one.
        var single = await CliHarness.RunAsync("audit", "--host", shut.Address, "--identity", shut.ClientKey, "--known-hosts", shut.KnownHosts, "--no-probe", "--output", "html", "--fail-on", "never");
        Assert.True(single.ExitCode == 0, $"exit {single.ExitCode}: {single.Error}");
        Assert.Contains($"<title>oec-cloudfw audit of {shut.Address}, ", single.Output, StringComparison.Ordinal);
        Assert.Equal("indeterminate", Cell(single.Output, shut.Address, 8069));
        Assert.Equal("admitted", Cell(single.Output, shut.Address, 22));

        var png = Path.Combine(artifacts, "html-report.png");
        await HeadlessChromium.ScreenshotAsync(file, png, Ct);
        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is (nearly) empty");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await File.ReadAllBytesAsync(png, Ct))[..4]);
        output.WriteLine($"HTML report: {file}");
        output.WriteLine($"screenshot: {png}");
    }

    [Fact]
    public async Task Render_HostileServerNamesErrorsAndFixes_ShownAsTextNeverRun()
    {
        RequireChromium();
        var verdict = new VerdictView(false, "refused", "ufw: -A ufw-user-input -p tcp --dport 5432 -m comment --comment '<b>x</b>' -j DROP");
        var port = new AuditPortView(5432, "PostgreSQL <db>", false, [], new CloudVerdictsView(null, null, null),
            new ServerVerdictsView(verdict, verdict, verdict, null), true, "filtered", false, false, false);
        var finding = new AuditFindingView("OECFW-X", Core.Audit.Severity.Warning, "message <i>", "evidence <u>", ["echo '<a & \"b\">'"], [], "198.19.250.2", 5432, "tcp", "server", "ufw <rule>", null, "fp-1", [])
        {
            Status = "suppressed",
            Suppression = new SuppressionView("accepted <b>risk</b>", "team <db>", "2027-01-31", "suppressions.yaml:3"),
        };
        var server = new AuditDocument("<img src=x onerror=\"document.title='pwned'\">", null, "ufw <active>", "probes from <here>", "warning",
            [port], [], [], [new WebCheckView("HTTP <80>", false, "<meta http-equiv=refresh content=0>")], null, [finding]);
        var html = HtmlReport.Render(new AuditFleetDocument(new InventoryView("digest", [server.Server]), null, [server], [new FleetErrorView("<svg onload=alert(1)>", Hostile)]), new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero));
        var file = Path.Combine(Directory.CreateTempSubdirectory("oecfw-html-").FullName, "report.html");
        await File.WriteAllTextAsync(file, html, Ct);

        var dom = await HeadlessChromium.DumpDomAsync(file, string.Empty, Ct);

        Assert.Equal("oec-cloudfw audit: 2 servers, 2026-12-07 18:00 UTC", TitleOf(dom));
        Assert.Equal(1, Regex.Count(dom, "<script"));
        Assert.DoesNotContain("<img", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x", dom, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(dom, "<meta http-equiv"));
        Assert.Contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt;</a>", dom, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"mono\">&lt;svg onload=alert(1)&gt;</strong>: &lt;script&gt;", dom, StringComparison.Ordinal);
        // A fix is copied as the tool printed it: the code element's text is the command, character for character.
        Assert.Contains("<pre><code>echo '&lt;a &amp; \"b\"&gt;'</code></pre>", dom, StringComparison.Ordinal);
        Assert.Contains("--comment '&lt;b&gt;x&lt;/b&gt;' -j DROP", dom, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge status\" data-status=\"suppressed\">suppressed</span>", dom, StringComparison.Ordinal);
        Assert.Contains("<strong>Suppressed:</strong> accepted &lt;b&gt;risk&lt;/b&gt; (team &lt;db&gt;, until 2027-01-31; suppressions.yaml:3)", dom, StringComparison.Ordinal);
        Assert.Contains("<strong>Subject:</strong> 5432/tcp \u00B7 server \u00B7 ufw &lt;rule&gt;. Fingerprint <span class=\"mono\">fp-1</span>", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_HtmlOutput_IsAValidFormatAndBadOnesNameIt()
    {
        var bad = await CliHarness.RunAsync("audit", "--host", "198.19.250.2", "--output", "pdf");

        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--output 'pdf' is not a format: use table, json, sarif or html", bad.Error, StringComparison.Ordinal);
    }

    private static string TitleOf(string dom) => System.Net.WebUtility.HtmlDecode(Regex.Match(dom, "<title>(.*?)</title>", RegexOptions.Singleline).Groups[1].Value);

    private static string FleetTable(string dom) => Regex.Match(dom, "<table id=\"fleet\".*?</table>", RegexOptions.Singleline).Value;

    private static string RowOf(string dom, string server) =>
        Regex.Match(FleetTable(dom), $"<tr data-server=\"{Regex.Escape(server)}\".*?</tr>", RegexOptions.Singleline) is { Success: true } row ? row.Value
            : throw new Xunit.Sdk.XunitException($"no row for {server} in the fleet table");

    private static string Cell(string dom, string server, int port) =>
        Regex.Match(RowOf(dom, server), $"data-port=\"{port}\" data-verdict=\"(\\w+)\"") is { Success: true } cell ? cell.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"no cell for port {port} in the row of {server}");

    private static string SectionOf(string dom, string server) =>
        Regex.Match(dom, $"<section class=\"server\" id=\"server-\\d+\" data-server=\"{Regex.Escape(server)}\">.*?</section>", RegexOptions.Singleline).Value;

    private static List<(string Server, int Worst)> Rows(string dom) =>
        [.. Regex.Matches(Regex.Match(FleetTable(dom), "<tbody>.*</tbody>", RegexOptions.Singleline).Value, "<tr data-server=\"([^\"]+)\" data-worst=\"(\\d)\"")
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    [GeneratedRegex("""(?i)(?:\b(?:src|href|action|poster|srcset|data)\s*=\s*(?!["']?#)|url\(|@import)""")]
    private static partial Regex ExternalReference();
}
