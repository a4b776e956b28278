using OecCloudFw.Cli.Output;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>policy show | catalog</c>: what the tool would open, before touching anything.</summary>
public sealed class PolicyCommands(CliContext context)
{
    [Command("show", Description = "Print the effective policy (defaults, policy file, flags) and flag risky choices. Reads nothing remote.")]
    public Task<int> Show(
        PolicyFlags policy,
        [Option("fail-on", Description = "Exit 1 when the policy itself has a finding this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, () =>
        {
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var effective = policy.Build();
            var findings = ExposureCheck.Check(effective.DesiredRules(), (rule, _) => [$"narrow the sources of {rule.Protocol.ToString().ToLowerInvariant()}/{rule.Ports} in the policy file or with --source/--ssh-source"]);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new PolicyDocument(
                    effective.Ipv6,
                    effective.Requirements.Select(r => new PolicyPortView(
                        r.Ports.ToString(), r.Protocol.ToString().ToLowerInvariant(), r.Sources.Select(s => s.ToString()).ToList(),
                        r.Description, r.IsSsh, r.Ports.IsSingle ? PortCatalog.Find(r.Ports.From)?.Purpose : null)).ToList(),
                    findings.Select(FindingView.From).ToList()));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Policy(effective);
                renderer.Findings(findings);
            }

            return Task.FromResult(FailOn.ExitCode(findings, threshold));
        }, cancellationToken);

    [Command("catalog", Description = "List the guide's port catalog: required and optional ports, purpose, when needed.")]
    public Task<int> Catalog(CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, () =>
        {
            new HumanRenderer(context.Console).Catalog();
            return Task.FromResult(ExitCodes.Ok);
        }, cancellationToken);
}
