using OecCloudFw.Application.Providers;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Cli.Commands;

/// <summary>
/// <c>&lt;provider&gt; open | close | show</c>, written once over the provider seam: the flags are the provider's own
/// settings, the work is <see cref="CloudOpen"/>, <see cref="CloudClose"/> and the layer's findings, the documents are
/// the cloud-open/close/show schemas with the provider's name.
/// </summary>
internal sealed class ProviderCommands(CliContext context, ICloudProvider provider)
{
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
            var stillClosed = result.StillClosed.Select(s => s.ToString()).Distinct().ToList();
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new CloudOpenDocument(provider.Name, layer.Layer.Target, dryRun, result.Plan.IsNoOp, result.Applied,
                    result.Changes.Changes.Select(ChangeView.From).ToList(), result.Plan.Writes, result.Created, result.Removed, stillClosed, undo));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Plan(layer.Layer.Target, result.Changes, dryRun, result.Applied);
                foreach (var write in result.Plan.Writes)
                {
                    renderer.Line($"{(result.Applied ? "wrote" : dryRun ? "would write" : "nothing to write")}: {write}");
                }

                foreach (var command in undo)
                {
                    renderer.Line($"to undo: {command}");
                }

                renderer.StillClosed(result.StillClosed);
            }

            return stillClosed.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
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
            var evidence = result.StillAdmitted.Select(v => v.Evidence).ToList();
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new CloudCloseDocument(provider.Name, layer.Layer.Target, dryRun,
                    result.Removed.Select(RuleView.From).ToList(), result.LeftForeign.Select(RuleView.From).ToList(),
                    result.StillAdmittedBy.Select(RuleView.From).ToList(), result.StillOpen, evidence));
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

                foreach (var rule in result.LeftForeign)
                {
                    renderer.Line($"left {rule}: not created by oec-cloudfw, so it is never removed by it.");
                }

                foreach (var line in evidence)
                {
                    renderer.Line($"still admitted: {line}");
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
            using var layer = await CreateAsync(target, cancellationToken);
            var state = await layer.Layer.ReadAsync(cancellationToken);
            var findings = layer.Layer.Findings(state);
            var ports = PortCatalog.All.Select(port =>
            {
                var (v4, v6) = (state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4), state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv6));
                return new CloudPortView(port.Port, port.Purpose, Verdict(v4), Verdict(v6), v4.Evidence == v6.Evidence ? v4.Evidence : $"IPv4: {v4.Evidence}; IPv6: {v6.Evidence}");
            }).ToList();
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new CloudShowDocument(provider.Name, layer.Layer.Target, state.Lines, ports, findings.Select(FindingView.From).ToList(), state.View.Assumptions));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Line($"{layer.Layer.Target}:");
                foreach (var line in state.Lines)
                {
                    renderer.Line($"  {line}");
                }

                if (state.Lines.Count == 0)
                {
                    renderer.Line("  (no rules)");
                }

                renderer.Line("From the internet: " + string.Join(", ", ports.Select(p => p.Ipv4 == p.Ipv6 ? $"{p.Port} {p.Ipv4}" : $"{p.Port} {p.Ipv4} (IPv6 {p.Ipv6})")));
                foreach (var assumption in state.View.Assumptions)
                {
                    renderer.Line($"assumed (not read): {assumption}");
                }

                renderer.Findings(findings.OrderByDescending(f => f.Severity).ToList());
            }

            return FailOn.ExitCode(findings, threshold);
        }, cancellationToken);

    private static string Verdict(Core.Audit.LayerVerdict verdict) => verdict.Decision.ToString().ToLowerInvariant();

    private async Task<CloudLayerHandle> CreateAsync(ProviderSettings target, CancellationToken cancellationToken)
    {
        provider.Validate(target, context.Environment);
        if (!provider.IsNamed(target))
        {
            throw new InvalidInputException($"name the target: {string.Join(" or ", provider.Settings.Where(s => s.NamesLayer).Select(s => target.Flag(s.Name) + " NAME|ID"))}");
        }

        return new CloudLayerHandle(await provider.CreateAsync(target, new ProviderContext(context.Environment, TimeProvider.System, ILayerReadCache.None), cancellationToken));
    }
}
