using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using Spectre.Console;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>audit</c>: the defense-in-depth report, port by port, across the cloud layer, the server layer, listening sockets and live probes.</summary>
internal sealed class AuditCommand(CliContext context)
{
    [Command("audit", Description = "Port by port: what the policy wants, what the cloud layer and the server admit, what listens, what answers. Without arguments, audits this machine.")]
    public Task<int> Audit(
        ServerTarget server,
        ServerPolicyFlags policy,
        CloudFlags cloud,
        [Option("output", Description = "table, json or sarif.")] string output = "table",
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("sarif-anchor", Description = "The file SARIF results point at (default: the policy file, else oec-cloudfw.yaml).")] string? sarifAnchor = null,
        [Option("no-probe", Description = "Do not probe the ports over the network.")] bool noProbe = false,
        [Option("inventory", Description = "A fleet inventory (fleet.yaml): audit every server in it.")] string? inventory = null,
        [Option("parallel", Description = "With --inventory: servers audited at once, 1-256 (default: as many as there are servers, up to 32).")] int? parallel = null,
        [Option("probe-timeout", Description = "Seconds per TCP probe (a timeout is retried once).")] int probeTimeout = 2,
        [Option("benchmark", Description = "Also check a benchmark's host firewall section and print it as a table: cis-ubuntu-24.04 (CIS Ubuntu 24.04 LTS, section 4). Failed checks are findings carrying the benchmark id.")] string? benchmark = null,
        [Option("mail-host", Description = "A mail server the server sends through (address or name, repeatable): outbound 25/465/587 to it is checked in every layer.")] string[]? mailHost = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = output.Trim().ToLowerInvariant() switch
            {
                "table" or "json" or "sarif" => output.Trim().ToLowerInvariant(),
                _ => throw new InvalidInputException($"--output '{output}' is not a format: use table, json or sarif"),
            };
            var threshold = FailOn.Parse(failOn);
            var checkBenchmark = benchmark is not null;
            if (benchmark is not null && !Core.Audit.Benchmarks.CisUbuntu2404.Known.Contains(benchmark.Trim().ToLowerInvariant()))
            {
                throw new InvalidInputException($"--benchmark '{benchmark}' is not a benchmark the audit knows: use {string.Join(", ", Core.Audit.Benchmarks.CisUbuntu2404.Known)}");
            }

            if (probeTimeout is < 1 or > 60)
            {
                throw new InvalidInputException("--probe-timeout must be 1-60 seconds");
            }

            var wanted = policy.Build();
            var mail = new List<Core.Net.Cidr>();
            foreach (var host in PolicyFlags.Split(mailHost))
            {
                // An address is checked as itself; a name as "the internet" (its address is the server's DNS's business).
                mail.Add(Core.Net.Cidr.TryParse(host, out var address) ? address
                    : Uri.CheckHostName(host) == UriHostNameType.Dns ? Core.Net.Cidr.AnyIPv4
                    : throw new InvalidInputException($"--mail-host '{host}' is not a host name or address"));
            }

            var egress = Core.Audit.EgressNeed.ForGuide(mail.Distinct().ToList());
            if (inventory is not null)
            {
                return await FleetAsync(Inventory.Load(inventory, context.Environment, context.Providers), policy, format, threshold, parallel, !noProbe, TimeSpan.FromSeconds(probeTimeout), sarifAnchor, egress, checkBenchmark, cancellationToken);
            }

            using var cache = new CloudReadCache();
            var runner = new ServerAudit(context.Environment, context.Providers, cache) { Benchmark = checkBenchmark };
            var report = await runner.RunAsync(server.Target, cloud, wanted, !noProbe, TimeSpan.FromSeconds(probeTimeout), egress, cancellationToken: cancellationToken,
                remembered: facts => RememberedPolicy.Choose(policy, facts, server.Host ?? "this machine"));
            if (runner.PolicyNote is { } note && format != "table")
            {
                await context.Error.WriteLineAsync(note);
            }

            switch (format)
            {
                case "json":
                    Json.Write(context.Output, AuditDocuments.Json(report));
                    break;
                case "sarif":
                    var anchor = sarifAnchor ?? policy.Policy ?? "oec-cloudfw.yaml";
                    Json.Write(context.Output, SarifLog.Create(report, anchor.Replace('\\', '/'), typeof(AuditCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
                    break;
                default:
                    var renderer = new HumanRenderer(context.Console);
                    if (runner.PolicyNote is { } remembered)
                    {
                        renderer.Line(remembered);
                    }

                    renderer.Audit(report);
                    if (report.Benchmark is { } checkedBenchmark)
                    {
                        renderer.Benchmark(report.Server, checkedBenchmark);
                    }

                    renderer.Findings(report.Findings);
                    break;
            }

            return FailOn.ExitCode(report.Findings, threshold);
        }, cancellationToken);

    private async Task<int> FleetAsync(Inventory inventory, ServerPolicyFlags policy, string format, Core.Audit.Severity? threshold, int? parallel, bool probe, TimeSpan probeTimeout, string? sarifAnchor, IReadOnlyList<Core.Audit.EgressNeed> egress, bool benchmark, CancellationToken cancellationToken)
    {
        if (parallel is < 1 or > FleetAudit.MaxParallel)
        {
            throw new InvalidInputException($"--parallel must be 1-{FleetAudit.MaxParallel}");
        }

        // Every server's inputs (its connection and its cloud layer) are validated before any server is contacted.
        var jobs = inventory.Servers.Select(s => (Entry: s, Target: inventory.Target(s), Cloud: inventory.Cloud(s),
            Policy: (s.Policy ?? inventory.Defaults.Policy) is { } file ? (policy with { Policy = file }).Build() : policy.Build())).ToList();
        foreach (var job in jobs)
        {
            inventory.Resolve(job.Entry, context.Environment);
            job.Cloud.Validate(context.Environment);
        }

        var fleet = new FleetAudit(context.Environment, context.Providers) { Benchmark = benchmark };
        var hook = context.FleetFactsHook;
        var fleetJobs = jobs.Select(j =>
        {
            // An entry given no policy (by the inventory or a flag) is held to the one last applied on it, as a single audit is.
            Func<Server.Facts.ServerFacts, (Core.Policy.FirewallPolicy Policy, string Note)?>? remembered =
                (j.Entry.Policy ?? inventory.Defaults.Policy) is null ? facts => RememberedPolicy.Choose(policy, facts, j.Entry.Host!) : null;
            if (hook is not null)
            {
                var chosen = remembered;
                remembered = facts =>
                {
                    hook(j.Entry.Host!, facts);
                    return chosen?.Invoke(facts);
                };
            }

            return new FleetJob(j.Entry.Host!, j.Target, j.Cloud, j.Policy, ssh => inventory.Route(j.Entry, ssh), remembered);
        }).ToList();
        var atOnce = parallel ?? FleetAudit.DefaultParallel(fleetJobs.Count);
        FleetResult result;
        if (context.Interactive && format == "table")
        {
            // On a terminal only (never into a pipe or a file): done, failed, remaining and the rate, as servers finish.
            FleetResult? ran = null;
            await context.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async display =>
                {
                    var task = display.AddTask(FleetProgressLine.Describe(new FleetProgress(0, 0, jobs.Count, TimeSpan.Zero)), maxValue: jobs.Count);
                    ran = await fleet.RunAsync(fleetJobs, atOnce, probe, probeTimeout, egress, now =>
                    {
                        task.Value = now.Done;
                        task.Description = FleetProgressLine.Describe(now);
                    }, cancellationToken);
                });
            result = ran!;
        }
        else
        {
            result = await fleet.RunAsync(fleetJobs, atOnce, probe, probeTimeout, egress, null, cancellationToken);
        }

        foreach (var (host, note) in result.Notes)
        {
            await context.Error.WriteLineAsync($"{host}: {note}");
        }

        var reports = result.Reports;
        var errors = result.Errors;
        switch (format)
        {
            case "json":
                Json.Write(context.Output, new Output.Documents.AuditFleetDocument(
                    reports.Select(AuditDocuments.Json).ToList(),
                    errors.Select(e => new Output.Documents.FleetErrorView(e.Item1, e.Error)).ToList()));
                break;
            case "sarif":
                Json.Write(context.Output, SarifLog.CreateFleet(reports, (sarifAnchor ?? policy.Policy ?? "oec-cloudfw.yaml").Replace('\\', '/'), typeof(AuditCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
                break;
            default:
                new HumanRenderer(context.Console).Fleet(reports, [.. errors.Select(e => (e.Host, (string?)e.Error))]);
                break;
        }

        return errors.Count > 0 ? ExitCodes.LayerFailure : FailOn.ExitCode(reports.SelectMany(r => r.Findings), threshold);
    }
}
