using Humanizer;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Reports.Documents;
using Spectre.Console;
using Rule = OecCloudFw.Core.Rules.Rule;

namespace OecCloudFw.Cli.Output;

/// <summary>The one renderer of output for people: plans, rule lists and findings as tables.</summary>
internal sealed class HumanRenderer(IAnsiConsole console)
{
    public void Plan(string target, Plan plan, bool dryRun, bool applied)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var adds = plan.ToAdd.Count();
        var removes = plan.ToRemove.Count();
        var headline = plan.IsNoOp
            ? $"{target}: already compliant, no change made."
            : dryRun
                ? $"{target}: dry run, would add {"rule".ToQuantity(adds)}{(removes > 0 ? $" and remove {"rule".ToQuantity(removes)}" : string.Empty)}; nothing was changed."
                : $"{target}: added {"rule".ToQuantity(adds)}{(removes > 0 ? $", removed {"rule".ToQuantity(removes)}" : string.Empty)}{(applied ? string.Empty : " (not applied)")}.";
        Line(headline);
        var table = new Table().AddColumns("Change", "Protocol", "Ports", "Source", "Description", "Rule");
        foreach (var change in plan.Changes)
        {
            var label = change.Kind switch
            {
                ChangeKind.Add => dryRun ? "would add" : "added",
                ChangeKind.Remove => dryRun ? "would remove" : "removed",
                ChangeKind.Keep => "present",
                _ => "extra (left alone)",
            };
            var rule = change.CoveredBy ?? change.Rule;
            table.AddRow(label, rule.Protocol.ToString().ToLowerInvariant(), rule.Ports.ToString(), rule.Source.ToString(),
                Markup.Escape(change.Rule.Description ?? string.Empty), Markup.Escape(rule.Id ?? string.Empty));
        }

        console.Write(table);
    }

    /// <summary>Wanted rules the rest of the path still refuses (a subnet's network ACL or NSG, a Deny above): one line each.</summary>
    public void StillClosed(IReadOnlyList<Core.Layers.StillClosed> stillClosed)
    {
        ArgumentNullException.ThrowIfNull(stillClosed);
        foreach (var line in stillClosed.Select(s => s.ToString()).Distinct())
        {
            Line($"still closed: {line}");
        }
    }

    /// <summary>A plan across both layers: per layer what would be added, kept, left alone or removed, and the server's commands.</summary>
    public void LayersPlan(PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Line(plan.NoChange ? "Plan: both layers already match the policy; apply would change nothing." : "Plan (nothing was changed):");
        if (plan.Cloud is { } cloud)
        {
            Line($"cloud layer {cloud.Target} (state {cloud.Digest[..19]}…)");
            var table = new Table().AddColumns("Change", "Protocol", "Ports", "Source", "Rule");
            foreach (var change in cloud.Changes)
            {
                var label = change.Change switch
                {
                    "add" => "add",
                    "remove" => "remove (--prune)",
                    "keep" => "keep",
                    _ => "left alone (someone else's)",
                };
                table.AddRow(label, change.Rule.Protocol, change.Rule.Ports, change.Rule.Source, Markup.Escape(change.CoveredBy ?? change.Rule.Id ?? string.Empty));
            }

            console.Write(table);
            foreach (var write in cloud.Writes)
            {
                Line($"  will {write}");
            }
        }

        var server = plan.Server;
        Line($"server {server.Target}: {server.Backend} (state {server.Digest[..19]}…){(server.Install.Count + server.Commands.Count == 0 ? ": no change" : string.Empty)}");
        foreach (var command in server.Install)
        {
            Line($"  install: {command}");
        }

        foreach (var command in server.Commands)
        {
            Line($"  rollback-armed: {command}");
        }
    }

    /// <summary>What an apply across both layers did, step by step.</summary>
    public void LayersApply(Core.Layers.LayersApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Opened is { } opened)
        {
            Line($"cloud layer {opened.Target}: {(opened.Created.Count == 0 ? "nothing to open" : $"created {string.Join(", ", opened.Created)}")}");
        }

        if (result.Server is { } server)
        {
            Line($"server: {server.Outcome.ToString().Humanize(LetterCasing.LowerCase)}: {server.Detail}");
        }

        if (result.Closed is { } closed)
        {
            Line($"cloud layer {closed.Target}: removed {string.Join(", ", closed.Removed)}");
        }

        if (result.Failure is not null)
        {
            Line($"{result.FailedLayer} failed: {result.Failure}");
        }

        if (result.Undo.Count > 0)
        {
            Line("The cloud layer's change was applied and stays; to undo it:");
            foreach (var command in result.Undo)
            {
                Line($"  {command}");
            }
        }

        Line(result.Outcome == Core.Layers.LayersApplyOutcome.Applied ? "Applied." : $"Not finished: {result.Outcome.ToString().Humanize(LetterCasing.LowerCase)}.");
    }

    /// <summary>
    /// <c>&lt;provider&gt; show</c>, the same for every provider: the rules as read, what the internet reaches of the
    /// guide's ports (each with its purpose and why), what is assumed, the findings with their fixes.
    /// </summary>
    public void CloudShow(string target, Application.Providers.CloudShowResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Line($"{target}:");
        foreach (var line in result.State.Lines)
        {
            Line($"  {line}");
        }

        if (result.State.Lines.Count == 0)
        {
            Line("  (no rules)");
        }

        Line("From the internet: " + string.Join(", ", result.Ports.Select(p => p.Verdict == p.Ipv6Verdict ? $"{p.Port} {p.Verdict}" : $"{p.Port} {p.Verdict} (IPv6 {p.Ipv6Verdict})")));
        foreach (var port in result.Ports)
        {
            Line($"  {port.Port} {port.Purpose}: {port.Evidence}");
        }

        foreach (var assumption in result.State.View.Assumptions)
        {
            Line($"assumed (not read): {assumption}");
        }

        Findings([.. result.Findings.OrderByDescending(f => f.Severity)]);
    }

    public void Findings(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Findings([.. findings.Select(f => (f.Severity, f.Id, f.Message, f.Evidence, f.Fixes, (string?)null))]);
    }

    /// <summary>Findings as a document carries them, each labelled with its status when it has one (new, unchanged, suppressed: why, by whom, until when).</summary>
    public void Findings(IReadOnlyList<AuditFindingView> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Findings([.. findings.Select(f => (f.Severity, f.Id, f.Message, f.Evidence, f.Fixes,
            f.Suppression is { } s ? $"suppressed: {s.Reason} ({s.Owner}, until {s.Expires}, {s.Source})" : f.Status))]);
    }

    private void Findings(IReadOnlyList<(Severity Severity, string Id, string Message, string Evidence, IReadOnlyList<string> Fixes, string? Status)> findings)
    {
        if (findings.Count == 0)
        {
            console.MarkupLine("No findings.");
            return;
        }

        Line($"{"finding".ToQuantity(findings.Count)}:");
        foreach (var finding in findings)
        {
            var color = finding.Severity switch
            {
                Severity.Critical => "red",
                Severity.Warning => "yellow",
                _ => "blue",
            };
            console.MarkupLine($"[{color}]{finding.Severity.ToString().ToUpperInvariant()}[/] {(finding.Status is { } status ? $"[[{Markup.Escape(status)}]] " : string.Empty)}{Markup.Escape(finding.Id)}: {Markup.Escape(finding.Message)}");
            Line($"    evidence: {finding.Evidence}");
            foreach (var fix in finding.Fixes)
            {
                Line($"    fix: {fix}");
            }
        }
    }

    public void Policy(FirewallPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var table = new Table().AddColumns("Port", "Protocol", "Sources", "Description", "Purpose");
        foreach (var requirement in policy.Requirements)
        {
            var purpose = requirement.Ports.IsSingle ? PortCatalog.Find(requirement.Ports.From)?.Purpose : null;
            table.AddRow(requirement.Ports.ToString(), requirement.Protocol.ToString().ToLowerInvariant(),
                Markup.Escape(string.Join(", ", requirement.Sources.Select(s => s.IsInternet ? $"{s} (anywhere)" : s.ToString()))),
                Markup.Escape(requirement.Description), Markup.Escape(purpose ?? string.Empty));
        }

        Line($"Policy: {"port rule".ToQuantity(policy.Requirements.Count)}{(policy.Ipv6 ? ", IPv4 and IPv6 (the default of every verb: cloud rules for the internet to 0.0.0.0/0 and ::/0; --ipv4-only or ipv6: false for IPv4 only)" : ", IPv4 only in the cloud layer (--ipv4-only or ipv6: false; without them every verb adds ::/0)")}");
        console.Write(table);
    }

    public void Catalog()
    {
        var table = new Table().AddColumns("Port", "Protocol", "Direction", "Purpose", "When needed", "Open to the internet");
        foreach (var port in PortCatalog.All)
        {
            table.AddRow(port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "TCP", "Inbound", Markup.Escape(port.Purpose),
                Markup.Escape(port.Required ? "Required" : port.WhenNeeded),
                port.InternetExposure switch
                {
                    null => "expected",
                    Severity.Critical => "[red]critical risk[/]",
                    Severity.Warning => "[yellow]restrict to specific IPs[/]",
                    _ => "usually fine",
                });
        }

        console.Write(table);
    }

    public void Preflight(Server.Preflight.PreflightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var color = report.Status switch
        {
            Server.Preflight.PreflightStatus.Passed => "green",
            Server.Preflight.PreflightStatus.Warning => "yellow",
            _ => "red",
        };
        console.MarkupLine($"[{color}]{report.Status}[/] {Markup.Escape($"{report.Target}: firewall {report.ActiveFirewall}, SSH port(s) {string.Join(", ", report.SshPorts)}")}");
        var table = new Table().AddColumns("Port", "Rule", "Source", "Admitted", "Decided by");
        foreach (var port in report.Ports)
        {
            foreach (var source in port.Sources)
            {
                table.AddRow(port.Ports.ToString(), Markup.Escape(port.Comment), source.Source.ToString(),
                    source.Verdict.Indeterminate ? "[yellow]indeterminate[/]" : source.Verdict.Admitted ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(source.Verdict.Evidence));
            }
        }

        console.Write(table);
        foreach (var reason in report.Reasons)
        {
            Line($"  - {reason}");
        }

        if (report.Status != Server.Preflight.PreflightStatus.Passed && report.ConfigureActions.Count > 0)
        {
            console.MarkupLine("configure would run:");
            foreach (var action in report.ConfigureActions)
            {
                Line($"  {action}");
            }
        }
    }

    public void Configure(Server.Configure.ConfigureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var commands = result.Plan.AllCommands.ToList();
        Line($"{result.Before.Target}: {result.Plan.Backend}: {result.Detail}");
        if (commands.Count > 0)
        {
            Line(result.DryRun ? "commands it would run:" : $"{"command".ToQuantity(commands.Count)}:");
            foreach (var command in commands)
            {
                Line($"  {command}");
            }
        }
    }

    public void Audit(OecCloudFw.Core.Audit.AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Line($"{report.Server}: cloud layer {report.CloudLayer ?? "not examined (no cloud flags given)"}, server layer {report.ServerLayer}; {report.Vantage}");
        static string Mark(OecCloudFw.Core.Audit.LayerVerdict? v) => v is null ? "-" : v.Indeterminate ? "[yellow]indeterminate[/]" : v.Admitted ? "[green]open[/]" : "[grey]closed[/]";
        var table = new Table().AddColumns("Port", "What", "Policy", "Cloud IPv4", "Cloud IPv6", "Cloud (policy sources)", "Server IPv4", "Server IPv6", "Listening", "Probe");
        foreach (var row in report.Ports)
        {
            table.AddRow(row.Port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(row.Port.Name),
                row.Port.Wanted ? Markup.Escape(row.Port.Sources.Any(s => s.IsInternet) ? "open" : "from " + string.Join(", ", row.Port.Sources)) : "closed",
                Mark(row.CloudFromInternetV4), Mark(row.CloudFromInternetV6), Mark(row.CloudFromSources), Mark(row.ServerFromInternetV4), Mark(row.ServerFromInternetV6),
                row.Listening ? "yes" : "no", row.Probe.ToString().ToLowerInvariant());
        }

        console.Write(table);
        foreach (var assumption in report.CloudAssumptions)
        {
            Line($"cloud layer assumed (not read): {assumption}");
        }

        foreach (var egress in report.Egress)
        {
            Line($"outbound tcp/{egress.Need.Port} to {(egress.Need.Destination.IsInternet ? "the internet" : egress.Need.Destination.ToString())}: cloud {(egress.Cloud is null ? "-" : egress.Cloud.Decision.ToString().ToLowerInvariant())}, server {egress.Server.Decision.ToString().ToLowerInvariant()}");
        }

        foreach (var (what, ok, result) in report.Web)
        {
            console.MarkupLine($"{Markup.Escape(what)}: {(ok ? "[green]" : "[yellow]")}{Markup.Escape(result)}[/]");
        }
    }

    /// <summary>A benchmark section as a table: each check's id, title, result and the evidence that decided it.</summary>
    public void Benchmark(string server, Core.Audit.Benchmarks.BenchmarkReport benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        Line($"{server}: {benchmark.Title} ({benchmark.Name})");
        var table = new Table().AddColumns("Id", "Check", "Result", "Evidence");
        foreach (var check in benchmark.Checks)
        {
            var result = check.Status switch
            {
                Core.Audit.Benchmarks.BenchmarkStatus.Pass => "[green]pass[/]",
                Core.Audit.Benchmarks.BenchmarkStatus.Fail => "[red]fail[/]",
                Core.Audit.Benchmarks.BenchmarkStatus.Undecided => "[yellow]undecided[/]",
                _ => "[grey]not applicable[/]",
            };
            table.AddRow(Markup.Escape(check.Id), Markup.Escape(check.Title), result, Markup.Escape(check.Evidence));
        }

        console.Write(table);
        int Count(Core.Audit.Benchmarks.BenchmarkStatus status) => benchmark.Checks.Count(c => c.Status == status);
        Line($"{Count(Core.Audit.Benchmarks.BenchmarkStatus.Pass)} passed, {Count(Core.Audit.Benchmarks.BenchmarkStatus.Fail)} failed, " +
             $"{Count(Core.Audit.Benchmarks.BenchmarkStatus.Undecided)} undecided, {Count(Core.Audit.Benchmarks.BenchmarkStatus.NotApplicable)} not applicable");
    }

    /// <summary>An audit's table: a server's ports, benchmark and findings, or the fleet's table, benchmarks and each server's findings (with their triage status).</summary>
    public void Audit(Reports.Audit.AuditRunDocuments run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.IsFleet)
        {
            Fleet(run.Documents, [.. run.Errors.Select(e => (e.Host, (string?)e.Error))], run.Reports);
            return;
        }

        Audit(run.Reports[0]);
        if (run.Reports[0].Benchmark is { } benchmark)
        {
            Benchmark(run.Reports[0].Server, benchmark);
        }

        Findings(run.Documents[0].Findings);
    }

    /// <summary>A fleet as its JSON document holds it (merge's table): one row per server, the servers not audited, each server's findings.</summary>
    public void Fleet(AuditFleetDocument fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        Fleet(fleet.Servers, [.. fleet.Errors.Select(e => (e.Server, e.Error))], []);
    }

    /// <summary>The fleet's table, worst server first (the severities of its findings, each counted), the servers not audited, the benchmarks checked, then each server's findings.</summary>
    private void Fleet(IReadOnlyList<AuditDocument> servers, IReadOnlyList<(string Server, string? Error)> errors, IReadOnlyList<OecCloudFw.Core.Audit.AuditReport> benchmarked)
    {
        static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("Server", "Cloud layer", "Server layer", "Worst", "Critical", "Warning", "Info", "Open to the internet");
        foreach (var server in servers.OrderByDescending(s => s.Findings.Count == 0 ? -1 : (int)s.Findings.Max(f => f.Severity)))
        {
            int Count(Severity s) => server.Findings.Count(f => f.Severity == s);
            table.AddRow(Markup.Escape(server.Server), Markup.Escape(server.CloudLayer ?? "-"), Markup.Escape(server.ServerLayer), server.Worst ?? "none",
                Number(Count(Severity.Critical)), Number(Count(Severity.Warning)), Number(Count(Severity.Info)), Markup.Escape(string.Join(", ", server.Ports.Where(p => p.OpenToInternet).Select(p => p.Port))));
        }

        console.Write(table);
        foreach (var (server, error) in errors)
        {
            Line($"{server}: not audited: {error}");
        }

        foreach (var report in benchmarked.Where(r => r.Benchmark is not null))
        {
            Benchmark(report.Server, report.Benchmark!);
        }

        foreach (var server in servers.Where(s => s.Findings.Count > 0))
        {
            Line($"{server.Server}:");
            Findings(server.Findings);
        }
    }

    /// <summary>
    /// A plain line, written as is: never wrapped or cut at the console's width, so a command in it (a fix, an undo, a
    /// server command) can be copied whole whatever the terminal's or the pipe's width.
    /// </summary>
    public void Line(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        console.Profile.Out.Writer.WriteLine(text);
    }
}
