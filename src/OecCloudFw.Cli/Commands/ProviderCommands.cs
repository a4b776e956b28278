using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Reports.Verbs;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// <c>&lt;provider&gt; open | close | show</c>, written once over the provider seam: the flags are the provider's own
/// settings, the work is <see cref="CloudOpen"/>, <see cref="CloudClose"/> and <see cref="CloudShow"/>, the output for
/// people is the same for every provider, the documents are the provider's (<see cref="VerbDocuments"/>).
/// </summary>
internal sealed class ProviderCommands(CliContext context, ICloudProvider provider)
{
    private readonly IVerbDocuments _documents = VerbDocuments.For(provider);

    [Command("open", Description = "Bring the cloud firewall to the policy: one read, the missing rules added (idempotent, additive); never changes a rule the tool did not create.")]
    public Task<int> Open(
        ProviderSettings target,
        PolicyFlags policy,
        [Option("prune", Description = "Also remove rules this tool created that the policy no longer wants.")] bool prune = false,
        [Option("dry-run", Description = "Show the plan, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            using var layer = await CreateAsync(target, cancellationToken);
            var result = await CloudOpen.RunAsync(layer.Layer, wanted, prune, dryRun, cancellationToken);
            var undo = result.Opened is { Changed: true } opened ? layer.Layer.UndoCommands(result.Plan, opened) : [];
            if (format == OutputFormat.Json)
            {
                _documents.Open(context.Output, layer.Layer, result, dryRun, undo);
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Plan(layer.Layer.Target, result.Changes, dryRun, result.Applied);
                foreach (var write in result.Plan.Writes)
                {
                    renderer.Line($"{(result.Applied ? "wrote" : dryRun ? "would write" : "nothing to write")}: {write}");
                }

                foreach (var written in result.Opened is { } done ? layer.Layer.Written(done) : [])
                {
                    renderer.Line($"created {written}");
                }

                foreach (var command in undo)
                {
                    renderer.Line($"to undo: {command}");
                }

                renderer.StillClosed(result.StillClosed);
            }

            return result.StillClosed.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("close", Description = "Remove (or narrow) this tool's rules for a port; anyone else's are named, never touched. Refuses the SSH port without --force.")]
    public Task<int> Close(
        ProviderSettings target,
        CloseFlags close,
        [Option("dry-run", Description = "Show what would change, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var (ports, sources, protocol) = close.Parse();
            using var layer = await CreateAsync(target, cancellationToken);
            var result = await CloudClose.RunAsync(layer.Layer, new CloseSelection(ports, sources, protocol), dryRun, cancellationToken);
            if (format == OutputFormat.Json)
            {
                _documents.Close(context.Output, layer.Layer, result, dryRun);
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                var verb = dryRun ? "would remove" : "removed";
                renderer.Line(result.Removed.Count == 0
                    ? $"{layer.Layer.Target}: no rule of this tool matches; nothing was removed."
                    : $"{layer.Layer.Target}: {verb} {string.Join(", ", result.Removed)}.");
                foreach (var write in result.Plan.Writes)
                {
                    renderer.Line($"{(result.Applied ? "wrote" : "would write")}: {write}");
                }

                string Removal(Core.Rules.Rule rule) => layer.Layer.RemoveCommand(result.State, rule) is { } command ? $" To remove it yourself: {command}" : string.Empty;
                foreach (var rule in result.LeftForeign)
                {
                    renderer.Line($"left {rule}: not created by oec-cloudfw, so it is never removed by it.{Removal(rule)}");
                }

                foreach (var rule in result.StillAdmittedBy.Except(result.LeftForeign))
                {
                    renderer.Line($"still admitted by {rule}{(rule.Id is { } id ? $" ({id})" : string.Empty)}, which covers more than what was closed.{(rule.Origin == Core.Rules.RuleOrigin.Tool ? string.Empty : Removal(rule))}");
                }

                foreach (var verdict in result.StillAdmitted)
                {
                    renderer.Line($"still admitted: {verdict.Evidence}");
                }
            }

            return result.StillOpen ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("show", Description = "List the cloud firewall's rules, what the internet reaches of the guide's ports along the server's path, and findings with exact fixes.")]
    public Task<int> Show(
        ProviderSettings target,
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            using var layer = await CreateAsync(target.AsReadOnly(), cancellationToken);
            var result = await CloudShow.RunAsync(layer.Layer, cancellationToken);
            if (format == OutputFormat.Json)
            {
                _documents.Show(context.Output, layer.Layer, result);
            }
            else
            {
                new HumanRenderer(context.Console).CloudShow(layer.Layer.Target, result);
            }

            return FailOn.ExitCode(result.Findings, threshold);
        }, cancellationToken);

    private Task<CloudLayerHandle> CreateAsync(ProviderSettings target, CancellationToken cancellationToken) =>
        CloudLayers.CreateAsync(provider, target, context.Environment, cancellationToken);
}
