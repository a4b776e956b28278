using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Output;
using OecCloudFw.Cli.Output.Documents;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>merge FILE…</c>: the shards of a fleet audit combined into what one unsharded run would have printed, with its exit code.</summary>
internal sealed class MergeCommand(CliContext context)
{
    [Command("merge", Description = "Combine the outputs of a sharded fleet audit (audit --inventory … --shard i/n, JSON or SARIF) into one, checked complete, with the exit code one unsharded run would have had.")]
    public Task<int> Merge(
        [Argument(Description = "Every shard's output: fleet JSON documents (--output json) or SARIF logs (--output sarif), not a mix.")] string[] files,
        [Option("output", Description = "json (the default for JSON shards), sarif (the default for SARIF shards: one run), table or html.")] string? output = null,
        [Option("fail-on", Description = "Exit 1 when a merged finding is at least this severe: critical (default), warning, info, never.")] string failOn = "critical",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var threshold = FailOn.Parse(failOn);
            var format = output?.Trim().ToLowerInvariant() switch
            {
                null or "json" or "sarif" or "table" or "html" => output?.Trim().ToLowerInvariant(),
                _ => throw new InvalidInputException($"--output '{output}' is not a format: use json, sarif, table or html"),
            };

            var texts = new List<(string, string)>();
            foreach (var file in files)
            {
                texts.Add((file, await ReadAsync(file, cancellationToken)));
            }

            var inputs = ShardMerge.Read(texts);
            if (inputs.Sarif.Count > 0)
            {
                if (format is not (null or "sarif"))
                {
                    throw new InvalidInputException($"--output {format}: SARIF shards merge to SARIF only; audit the shards with --output json for json or table");
                }

                var log = ShardMerge.Sarif(inputs.Sarif);
                Json.Write(context.Output, log);
                return log.Runs[0].Properties!.Errors.Count > 0 ? ExitCodes.LayerFailure
                    : threshold is { } t && log.Runs[0].Results.Any(r => Severity(r.Level) >= t) ? ExitCodes.Findings : ExitCodes.Ok;
            }

            var fleet = ShardMerge.Fleet(inputs.Fleets);
            switch (format)
            {
                case "sarif":
                    throw new InvalidInputException("--output sarif: merge the shards' SARIF logs (audit --inventory … --output sarif) for SARIF");
                case "table":
                    new HumanRenderer(context.Console).Fleet(fleet);
                    break;
                case "html":
                    await context.Output.WriteAsync(Output.Html.HtmlReport.Render(fleet));
                    break;
                default:
                    Json.Write(context.Output, fleet);
                    break;
            }

            return fleet.Errors.Count > 0 ? ExitCodes.LayerFailure
                : threshold is { } limit && fleet.Servers.SelectMany(s => s.Findings).Any(f => f.Severity >= limit) ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    private static Severity Severity(string level) => level switch
    {
        "error" => Core.Audit.Severity.Critical,
        "warning" => Core.Audit.Severity.Warning,
        _ => Core.Audit.Severity.Info,
    };

    private static async Task<string> ReadAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{file}: cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)})");
        }
    }
}
