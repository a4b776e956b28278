using OecCloudFw.Application.Audit;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Policies;
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
            var egress = MailHosts.Egress(PolicyFlags.Split(mailHost), "--mail-host");
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
                remembered: facts => RememberedPolicy.Choose(policy.Given, facts, server.Host ?? "this machine"));
            if (runner.PolicyNote is { } note && format != "table")
            {
                await context.Error.WriteLineAsync(note);
            }

            return await RenderAsync(AuditRunDocuments.Server(report, triage), format, threshold, sarifAnchor ?? policy.Policy, format == "table" ? runner.PolicyNote : null);
        }, cancellationToken);

    private async Task<int> FleetAsync(Inventory inventory, Shard? shard, ServerPolicyFlags policy, string format, Core.Audit.Severity? threshold, int? parallel, bool probe, TimeSpan probeTimeout, string? sarifAnchor, IReadOnlyList<Core.Audit.EgressNeed> egress, bool benchmark, CancellationToken cancellationToken, FindingTriage? triage = null)
    {
        var given = policy.Given;
        var audit = new InventoryAudit(context.Environment, context.Providers)
        {
            Policy = file => file is null ? policy.Build() : (policy with { Policy = file }).Build(),
            Remembered = (facts, label) => RememberedPolicy.Choose(given, facts, label),
            FactsSeen = context.FleetFactsHook,
            Benchmark = benchmark,
        };
        var jobs = audit.Jobs(inventory, shard, parallel);
        FleetResult? result = null;
        if (context.Interactive && format == "table")
        {
            // On a terminal only (never into a pipe or a file): done, failed, remaining and the rate, as servers finish.
            await context.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async display =>
                {
                    var task = display.AddTask(FleetProgressLine.Describe(new FleetProgress(0, 0, jobs.Count, TimeSpan.Zero)), maxValue: jobs.Count);
                    result = await audit.RunAsync(jobs, parallel, probe, probeTimeout, egress, now =>
                    {
                        task.Value = now.Done;
                        task.Description = FleetProgressLine.Describe(now);
                    }, cancellationToken);
                });
        }
        else
        {
            result = await audit.RunAsync(jobs, parallel, probe, probeTimeout, egress, null, cancellationToken);
        }

        foreach (var (host, note) in result!.Notes)
        {
            await context.Error.WriteLineAsync($"{host}: {note}");
        }

        return await RenderAsync(AuditRunDocuments.Fleet([.. inventory.Servers.Select(s => s.Label)], shard, result, triage), format, threshold, sarifAnchor ?? policy.Policy, null);
    }

    /// <summary>Prints the documents in <paramref name="format"/>; the exit code: a layer failure when a server could not be audited, else by <c>--fail-on</c>.</summary>
    private async Task<int> RenderAsync(AuditRunDocuments run, string format, Core.Audit.Severity? threshold, string? anchor, string? note)
    {
        switch (format)
        {
            case "json":
                run.WriteJson(context.Output);
                break;
            case "html":
                await context.Output.WriteAsync(run.Html());
                break;
            case "sarif":
                Json.Write(context.Output, run.Sarif(anchor ?? "oec-cloudfw.yaml", CliApp.Version));
                break;
            default:
                var renderer = new HumanRenderer(context.Console);
                if (note is not null)
                {
                    renderer.Line(note);
                }

                renderer.Audit(run);
                if (FindingTriage.Summary(run.Documents) is { } summary)
                {
                    renderer.Line(summary);
                }

                break;
        }

        return run.Errors.Count > 0 ? ExitCodes.LayerFailure : FailOn.ExitCode(run.Documents.SelectMany(d => d.Findings), threshold);
    }
}
