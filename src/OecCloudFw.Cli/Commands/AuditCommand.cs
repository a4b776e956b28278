using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Audit;
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
        [Option("output", Description = "table, json, sarif or html (one self-contained page).")] string output = "table",
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("sarif-anchor", Description = "The file SARIF results point at (default: the policy file, else oec-cloudfw.yaml).")] string? sarifAnchor = null,
        [Option("no-probe", Description = "Do not probe the ports over the network.")] bool noProbe = false,
        [Option("inventory", Description = "An inventory: the tool's fleet.yaml or an Ansible inventory (INI or YAML), told apart by content; or a cloud's running servers: aws:tag:KEY=VALUE, azure:tag:KEY=VALUE, hetzner:label:SELECTOR, digitalocean:tag:NAME (the connection from --user, --identity, --jump…, the cloud's region or endpoint from its flags). Audit every server in it.")] string? inventory = null,
        [Option("address", Description = "With --inventory PROVIDER:SELECTOR: the address a cloud server is reached by: public (default) or private (from inside its network, over a VPN or through --jump).")] string? address = null,
        [Option("limit", Description = "With --inventory: only the hosts an Ansible pattern selects (web*, dbservers:!db1, webservers:&staging, ~regex).")] string? limit = null,
        [Option("parallel", Description = "With --inventory: servers audited at once, 1-256 (default: as many as there are servers, up to 32).")] int? parallel = null,
        [Option("probe-timeout", Description = "The most, in seconds, a silent port is waited for (1-60): the wait is 4x the SSH connection's round trip, at least 0.2 s (1 s unmeasured), within this cap; a silent port is retried once, then filtered.")] int probeTimeout = 2,
        [Option("benchmark", Description = "Also check a benchmark's host firewall section and print it as a table: cis-ubuntu-24.04 (CIS Ubuntu 24.04 LTS, section 4). Failed checks are findings carrying the benchmark id.")] string? benchmark = null,
        [Option("mail-host", Description = "A mail server the server sends through (address or name, repeatable): outbound 25/465/587 to it is checked in every layer.")] string[]? mailHost = null,
        [Option("shard", Description = "With --inventory: audit one slice, INDEX/TOTAL counted from 0 (0/4 … 3/4; GitHub Actions: ${{ strategy.job-index }}/${{ strategy.job-total }}). A host's shard is a hash of its name. Read from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX/_SIZE when not given.")] string? shard = null,
        [Option("shard-total", Description = "With JOB_COMPLETION_INDEX (a Kubernetes Indexed Job): the number of shards, the job's completions (or OECFW_SHARD_TOTAL).")] int? shardTotal = null,
        [Option("baseline", Description = "A previous audit's JSON (--output json, one server or a fleet): each finding is new or unchanged since, the baseline's findings not found now are fixed, and --fail-on counts only new ones.")] string? baseline = null,
        [Option("suppressions", Description = "A suppressions file (YAML; oec-cloudfw schema suppressions/v1): the findings it names are shown as suppressed and never fail --fail-on, until each suppression expires.")] string? suppressions = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = output.Trim().ToLowerInvariant() switch
            {
                "table" or "json" or "sarif" or "html" => output.Trim().ToLowerInvariant(),
                _ => throw new InvalidInputException($"--output '{output}' is not a format: use table, json, sarif or html"),
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
            var triage = TriageFiles.Load(baseline, suppressions, context.Time);
            if (limit is not null && inventory is null)
            {
                throw new InvalidInputException("--limit selects hosts of --inventory FILE: give the inventory too");
            }

            var source = inventory is null ? null : CloudInventorySource.Parse(inventory, context.Providers);
            var reachBy = CloudAddresses.Parse(address);
            if (address is not null && source is null)
            {
                throw new InvalidInputException($"--address chooses a cloud server's address: give --inventory {CloudInventorySource.Forms(context.Providers)}");
            }

            if (inventory is not null)
            {
                var slice = Shard.Choose(shard, shardTotal, context.Environment);
                var fleetInventory = source is null
                    ? Inventory.Load(inventory, context.Environment, context.Providers)
                    : await Inventory.FromCloudAsync(source, reachBy, server.Target, cloud, context.Environment, context.Providers, context.Time, cancellationToken);
                fleetInventory.Limit(limit);
                return await FleetAsync(fleetInventory, slice, policy, format, threshold, parallel, !noProbe, TimeSpan.FromSeconds(probeTimeout), sarifAnchor, egress, checkBenchmark, cancellationToken, triage);
            }

            if (shard is not null || shardTotal is not null)
            {
                throw new InvalidInputException("--shard and --shard-total split a fleet: give --inventory FILE");
            }

            using var cache = new CloudReadCache();
            var runner = new ServerAudit(context.Environment, context.Providers, cache) { Benchmark = checkBenchmark };
            var report = await runner.RunAsync(server.Target, cloud, wanted, !noProbe, TimeSpan.FromSeconds(probeTimeout), egress, cancellationToken: cancellationToken,
                remembered: facts => RememberedPolicy.Choose(policy, facts, server.Host ?? "this machine"));
            report = triage?.Apply(report) ?? report;
            var document = triage is null ? AuditDocuments.Json(report) : triage.Apply(AuditDocuments.Json(report));
            if (runner.PolicyNote is { } note && format != "table")
            {
                await context.Error.WriteLineAsync(note);
            }

            switch (format)
            {
                case "json":
                    Json.Write(context.Output, document);
                    break;
                case "html":
                    await context.Output.WriteAsync(Reports.Html.HtmlReport.Render(new Reports.Documents.AuditFleetDocument(new Reports.Documents.InventoryView(Application.Fleet.Shard.Digest([report.Server]), [report.Server]), null, [document], [])));
                    break;
                case "sarif":
                    var anchor = sarifAnchor ?? policy.Policy ?? "oec-cloudfw.yaml";
                    Json.Write(context.Output, SarifLog.Create(report, anchor.Replace('\\', '/'), typeof(AuditCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", triage));
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

                    renderer.Findings(document.Findings);
                    if (FindingTriage.Summary([document]) is { } summary)
                    {
                        renderer.Line(summary);
                    }

                    break;
            }

            return FailOn.ExitCode(document.Findings, threshold);
        }, cancellationToken);

    private async Task<int> FleetAsync(Inventory inventory, Shard? shard, ServerPolicyFlags policy, string format, Core.Audit.Severity? threshold, int? parallel, bool probe, TimeSpan probeTimeout, string? sarifAnchor, IReadOnlyList<Core.Audit.EgressNeed> egress, bool benchmark, CancellationToken cancellationToken, FindingTriage? triage = null)
    {
        if (parallel is < 1 or > FleetAudit.MaxParallel)
        {
            throw new InvalidInputException($"--parallel must be 1-{FleetAudit.MaxParallel}");
        }

        // Every server's inputs (its connection and its cloud layer) are validated before any server is contacted.
        var hosts = inventory.Servers.Select(s => s.Label).ToList();
        var whole = new Reports.Documents.InventoryView(Shard.Digest(hosts), hosts);
        var jobs = inventory.Servers.Where(s => shard is null || shard.Contains(s.Label)).Select(s => (Entry: s, Target: inventory.Target(s), Cloud: inventory.Cloud(s),
            Policy: (s.Policy ?? inventory.Defaults.Policy) is { } file ? (policy with { Policy = file }).Build() : policy.Build())).ToList();
        foreach (var job in jobs.Where(j => j.Entry.Unreachable is null))
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
                (j.Entry.Policy ?? inventory.Defaults.Policy) is null ? facts => RememberedPolicy.Choose(policy, facts, j.Entry.Label) : null;
            if (hook is not null)
            {
                var chosen = remembered;
                remembered = facts =>
                {
                    hook(j.Entry.Label, facts);
                    return chosen?.Invoke(facts);
                };
            }

            return new FleetJob(j.Entry.Label, j.Target, j.Cloud, j.Policy, ssh => inventory.Route(j.Entry, ssh), remembered) { Unreachable = j.Entry.Unreachable, Name = j.Entry.Listed ? j.Entry.Name : null };
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

        var reports = triage is null ? result.Reports : [.. result.Reports.Select(triage.Apply)];
        var documents = reports.Select(r => triage is null ? AuditDocuments.Json(r) : triage.Apply(AuditDocuments.Json(r))).ToList();
        var errors = result.Errors;
        Reports.Documents.AuditFleetDocument Document() => new(
            whole,
            shard is null ? null : new Reports.Documents.ShardView(shard.Index, shard.Total),
            documents,
            errors.Select(e => new Reports.Documents.FleetErrorView(e.Item1, e.Error)).ToList());
        switch (format)
        {
            case "json":
                Json.Write(context.Output, Document());
                break;
            case "html":
                await context.Output.WriteAsync(Reports.Html.HtmlReport.Render(Document()));
                break;
            case "sarif":
                var log = SarifLog.CreateFleet(reports, (sarifAnchor ?? policy.Policy ?? "oec-cloudfw.yaml").Replace('\\', '/'), typeof(AuditCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", triage);
                Json.Write(context.Output, log with
                {
                    Runs = [log.Runs[0] with { Properties = new Reports.Documents.SarifRunProperties(whole, shard is null ? null : new Reports.Documents.ShardView(shard.Index, shard.Total),
                        errors.Select(e => new Reports.Documents.FleetErrorView(e.Host, e.Error)).ToList()) }],
                });
                break;
            default:
                var renderer = new HumanRenderer(context.Console);
                renderer.Fleet(reports, [.. errors.Select(e => (e.Host, (string?)e.Error))], documents);
                if (FindingTriage.Summary(documents) is { } summary)
                {
                    renderer.Line(summary);
                }

                break;
        }

        return errors.Count > 0 ? ExitCodes.LayerFailure : FailOn.ExitCode(documents.SelectMany(d => d.Findings), threshold);
    }
}
