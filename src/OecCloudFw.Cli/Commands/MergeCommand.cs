using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Reports;
using OecCloudFw.Reports.Audit;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>merge FILE…</c>: the shards of a fleet audit combined into what one unsharded run would have printed, with its exit code.</summary>
internal sealed class MergeCommand(CliContext context)
{
    [Command("merge", Description = "Combine the outputs of a sharded fleet audit (audit --inventory … --shard i/n, JSON or SARIF) into one, checked complete, with the exit code one unsharded run would have had.")]
    public Task<int> Merge(
        [Argument(Description = "Every shard's output: fleet JSON documents (--output json) or SARIF logs (--output sarif), not a mix.")] string[] files,
        [Option("output", Description = "json (the default for JSON shards), sarif (the default for SARIF shards: one run), table or html.")] string? output = null,
        [Option("fail-on", Description = "Exit 1 when a merged finding is at least this severe: critical (default), warning, info, never.")] string failOn = "critical",
        [Option("baseline", Description = "JSON shards: a previous audit's JSON (one server or a fleet, also merged): each merged finding is new or unchanged since, the baseline's findings not found now are fixed, and --fail-on counts only new ones.")] string? baseline = null,
        [Option("suppressions", Description = "JSON shards: a suppressions file (YAML, schema suppressions/v1): the findings it names are suppressed and never fail --fail-on, until each expires.")] string? suppressions = null,
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var threshold = FailOn.Parse(failOn);
            var format = output?.Trim().ToLowerInvariant() switch
            {
                null or "json" or "sarif" or "table" or "html" => output?.Trim().ToLowerInvariant(),
                _ => throw new InvalidInputException($"--output '{output}' is not a format: use json, sarif, table or html"),
            };

            var inputs = await ShardMerge.ReadFilesAsync(files, cancellationToken);
            var triage = TriageFiles.Load(baseline, suppressions, context.Time);
            if (inputs.Sarif.Count > 0)
            {
                if (triage is not null)
                {
                    throw new InvalidInputException($"--{(baseline is not null ? "baseline" : "suppressions")} applies to JSON shards: give it to each shard's audit --output sarif instead (merge keeps their baselineState and suppressions), or merge JSON shards");
                }

                if (format is not (null or "sarif"))
                {
                    throw new InvalidInputException($"--output {format}: SARIF shards merge to SARIF only; audit the shards with --output json for json or table");
                }

                var log = ShardMerge.Sarif(inputs.Sarif);
                Json.Write(context.Output, log);
                return log.Runs[0].Properties!.Errors.Count > 0 ? ExitCodes.LayerFailure
                    : threshold is { } t && log.Runs[0].Results.Any(r => SarifLog.SeverityOf(r.Level) >= t && r.BaselineState is null or "new" && r.Suppressions is null or []) ? ExitCodes.Findings : ExitCodes.Ok;
            }

            var fleet = ShardMerge.Fleet(inputs.Fleets);
            if (triage is not null)
            {
                // Judged afresh from the flags given here: the shards' own statuses, fixed lists and expired suppressions are replaced.
                fleet = fleet with { Servers = [.. fleet.Servers.Select(triage.Apply)] };
            }

            switch (format)
            {
                case "sarif":
                    throw new InvalidInputException("--output sarif: merge the shards' SARIF logs (audit --inventory … --output sarif) for SARIF");
                case "table":
                    var renderer = new HumanRenderer(context.Console);
                    renderer.Fleet(fleet);
                    if (FindingTriage.Summary(fleet.Servers) is { } summary)
                    {
                        renderer.Line(summary);
                    }

                    break;
                case "html":
                    await context.Output.WriteAsync(Reports.Html.HtmlReport.Render(fleet));
                    break;
                default:
                    Json.Write(context.Output, fleet);
                    break;
            }

            return fleet.Errors.Count > 0 ? ExitCodes.LayerFailure
                : FailOn.ExitCode(fleet.Servers.SelectMany(s => s.Findings), threshold);
        }, cancellationToken);
}
