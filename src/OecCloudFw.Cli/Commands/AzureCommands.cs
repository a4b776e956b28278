using OecCloudFw.Azure;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>azure open | close | show</c>: Azure network security groups, with the same policy and guarantees as <c>aws</c>.</summary>
internal sealed class AzureCommands(CliContext context)
{
    [Command("open", Description = "Bring an NSG's inbound rules to the policy: one read, one write per new rule (or fewer). Additive; never changes rules it did not create.")]
    public Task<int> Open(
        AzureTarget target,
        PolicyFlags policy,
        [Option("prune", Description = "Also delete rules this tool created (oecfw-…) that the policy no longer wants.")] bool prune = false,
        [Option("dry-run", Description = "Show the plan, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var resolved = target.Resolve(context.Environment);
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            var layer = new NsgCloudLayer(Layer(target, resolved), resolved, "--nsg");
            var result = await CloudOpen.RunAsync(layer, wanted, prune, dryRun, cancellationToken);
            var nsg = NsgCloudLayer.ChangedNsg(result.Plan);
            var newRules = NsgCloudLayer.NewRules(result.Plan, result.Opened);
            var blocked = result.StillClosed.Select(s => s.ToString()).Distinct().ToList();
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AzureOpenDocument(nsg, dryRun, result.Plan.IsNoOp, result.Applied,
                    result.Changes.Changes.Select(ChangeView.From).ToList(),
                    newRules.Select(r => new AzureNewRuleView(r.Name, r.Priority, r.Protocol, r.Sources, r.Ports, r.Description)).ToList(), NsgCloudLayer.ToDelete(result.Plan), blocked));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Plan($"{nsg} ({resolved.ResourceGroup})", result.Changes, dryRun, result.Applied);
                foreach (var rule in newRules)
                {
                    renderer.Line($"{(result.Applied ? "created" : "would create")} {rule.Name}: priority {rule.Priority}, {rule.Protocol} {string.Join(",", rule.Ports)} from {string.Join(",", rule.Sources)}");
                }

                renderer.StillClosed(result.StillClosed);
            }

            return blocked.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("close", Description = "Delete (or narrow) this tool's rules for a port. Refuses the SSH port without --force.")]
    public Task<int> Close(
        AzureTarget target,
        CloseFlags close,
        [Option("dry-run", Description = "Show what would change, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var resolved = target.Resolve(context.Environment);
            var format = OutputFormats.Parse(output);
            var (ports, sources, proto) = close.Parse();

            var result = await CloudClose.RunAsync(new NsgCloudLayer(Layer(target, resolved), resolved, "--nsg"), new CloseSelection(ports, sources, proto), dryRun, cancellationToken);
            var name = NsgCloudLayer.ChangedNsg(result.Plan);
            var (deleted, narrowed) = (NsgCloudLayer.ToDelete(result.Plan), NsgCloudLayer.Narrowed(result.Plan));
            var foreign = result.StillAdmittedBy.Where(r => r.Origin != RuleOrigin.Tool).Select(r => r.Id?.Split(' ')[0] ?? "?").Distinct().ToList();
            var evidence = string.Join("; ", result.StillAdmitted.Select(v => v.Evidence));
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AzureCloseDocument(name, dryRun, deleted, narrowed, foreign, result.StillOpen, evidence));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                var verb = dryRun ? "would" : "did";
                renderer.Line(deleted.Count + narrowed.Count == 0
                    ? $"{name}: no rule of this tool matches; nothing was changed."
                    : $"{name}: {verb} delete [{string.Join(", ", deleted)}], {verb} narrow [{string.Join(", ", narrowed)}].");
                foreach (var rule in foreign)
                {
                    renderer.Line($"left {rule}: not created by oec-cloudfw, so it is never changed by it. To remove it yourself: " +
                                  $"az network nsg rule delete -g {resolved.ResourceGroup} --nsg-name {name} -n {rule}");
                }

                if (result.StillOpen)
                {
                    renderer.Line($"the port is still admitted: {(evidence.Length > 0 ? evidence : string.Join("; ", result.StillAdmittedBy.Select(r => r.Id)))}");
                }
            }

            return result.StillOpen ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("show", Description = "List the NSG rules in priority order (defaults included) and flag what is open to the internet.")]
    public Task<int> Show(
        AzureTarget target,
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var resolved = target.Resolve(context.Environment);
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var layer = new NsgCloudLayer(Layer(target, resolved), resolved, "--nsg");
            var state = await layer.ReadAsync(cancellationToken);
            var nsgs = layer.Nsgs(state);
            var findings = layer.Findings(state);
            var ports = PortCatalog.All.Select(p =>
            {
                var verdict = state.View.Evaluate(Protocol.Tcp, p.Port, Cidr.AnyIPv4);
                return new AzurePortView(p.Port, p.Purpose, verdict.Indeterminate ? null : verdict.Admitted,
                    verdict.Admitted ? "open" : verdict.Indeterminate ? "indeterminate" : "closed", verdict.Indeterminate ? $"indeterminate: {verdict.Evidence}" : verdict.Evidence);
            }).ToList();
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AzureShowDocument(
                    nsgs.Select(n => new AzureNsgView(n.Nsg.Name, n.Attachment, n.Nsg.Inbound.Select(r => new AzureRuleView(r.Name, r.Priority, r.Access, r.Protocol, r.SourcePrefixes, r.PortRanges, r.Description, r.IsDefault, r.IsOwn)).ToList())).ToList(),
                    ports, findings.Select(FindingView.From).ToList(), state.View.Assumptions));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                foreach (var (nsg, attachment) in nsgs)
                {
                    renderer.NsgRules($"{nsg.Name} ({attachment})", nsg.Inbound);
                }

                renderer.Line("From the internet: " + string.Join(", ", ports.Select(p => $"{p.Port} {p.Verdict}")));
                foreach (var assumption in state.View.Assumptions)
                {
                    renderer.Line($"assumed: {assumption}");
                }

                renderer.Findings(findings);
            }

            return FailOn.ExitCode(findings, threshold);
        }, cancellationToken);

    private NsgLayer Layer(AzureTarget target, NsgTarget resolved) =>
        new(context.Azure.Connect(target.Endpoint, resolved.SubscriptionId, TimeProvider.System));
}
