using Cocona;
using OecCloudFw.Aws;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>aws open | close | show</c>: the AWS EC2 security-group layer.</summary>
public sealed class AwsCommands(CliContext context)
{
    [Command("open", Description = "Bring a security group's ingress to the policy: one read, at most one authorize. Additive; never removes rules it did not create.")]
    public Task<int> Open(
        AwsTarget target,
        PolicyFlags policy,
        [Option("prune", Description = "Also revoke rules this tool created that the policy no longer wants.")] bool prune = false,
        [Option("dry-run", Description = "Show the plan, change nothing.")] bool dryRun = false,
        [Option("rules-quota", Description = "Inbound rules per family the account allows (EC2 default 60).")] int rulesQuota = SecurityGroupLayer.DefaultRulesQuota,
        [Option("output", Description = "table or json.")] string output = "table") =>
        CommandRunner.RunAsync(context, async () =>
        {
            var group = SecurityGroupId.Parse(target.Group);
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            if (rulesQuota is < 1 or > 1000)
            {
                throw new InvalidInputException($"--rules-quota {rulesQuota} is out of range: use 1-1000");
            }

            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var result = await new SecurityGroupLayer(ec2, region, rulesQuota).OpenAsync(group, wanted, prune, dryRun);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsOpenDocument(group.Value, region, dryRun, result.Plan.IsNoOp, result.Applied,
                    result.Plan.Changes.Select(ChangeView.From).ToList(),
                    result.CreatedRuleIds, result.RevokedRuleIds));
            }
            else
            {
                new HumanRenderer(context.Console).Plan($"{group} ({region})", result.Plan, dryRun, result.Applied);
            }

            return ExitCodes.Ok;
        });

    [Command("close", Description = "Revoke this tool's rules for a port (by rule id). Refuses the SSH port without --force.")]
    public Task<int> Close(
        AwsTarget target,
        CloseFlags close,
        [Option("dry-run", Description = "Show what would be revoked, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table") =>
        CommandRunner.RunAsync(context, async () =>
        {
            var group = SecurityGroupId.Parse(target.Group);
            var format = OutputFormats.Parse(output);
            var (ports, sources, proto) = close.Parse();

            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var result = await new SecurityGroupLayer(ec2, region).CloseAsync(group, ports, sources, proto, dryRun);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsCloseDocument(group.Value, region, dryRun,
                    result.Revoked.Select(RuleView.From).ToList(), result.LeftForeign.Select(RuleView.From).ToList(),
                    result.StillAdmittedBy.Select(RuleView.From).ToList()));
            }
            else
            {
                RenderClose(group, region, result, dryRun);
            }

            return result.StillAdmittedBy.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        });

    [Command("show", Description = "List a security group's ingress rules with their purpose; flag internet-open ones.")]
    public Task<int> Show(
        AwsTarget target,
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table") =>
        CommandRunner.RunAsync(context, async () =>
        {
            var group = SecurityGroupId.Parse(target.Group);
            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var snapshot = await new SecurityGroupLayer(ec2, region).ReadAsync(group);
            var findings = ExposureCheck.Check(snapshot.Rules, (rule, port) => Fixes(group, region, rule, port));
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsShowDocument(group.Value, region, snapshot.Rules.Select(RuleView.From).ToList(),
                    snapshot.ReferenceRules, findings.Select(FindingView.From).ToList()));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Rules($"{group} ({region})", snapshot.Rules, snapshot.ReferenceRules);
                renderer.Findings(findings);
            }

            return FailOn.ExitCode(findings, threshold);
        });

    private static IReadOnlyList<string> Fixes(SecurityGroupId group, string region, Rule rule, CatalogPort? port) =>
        SecurityGroupFixes.ForRule(group, region, rule, port?.Port == PortCatalog.Ssh ? PortCatalog.Ssh : null, []);

    private void RenderClose(SecurityGroupId group, string region, CloseResult result, bool dryRun)
    {
        var renderer = new HumanRenderer(context.Console);
        var verb = dryRun ? "would revoke" : "revoked";
        renderer.Line(result.Revoked.Count == 0
            ? $"{group} ({region}): no rule of this tool matches; nothing was revoked."
            : $"{group} ({region}): {verb} {string.Join(", ", result.Revoked.Select(r => $"{r.Id} ({r})"))}.");
        foreach (var rule in result.LeftForeign)
        {
            renderer.Line($"left {rule.Id} ({rule}): not created by oec-cloudfw, so it is never revoked by it. To remove it yourself: " +
                          $"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {rule.Id}");
        }

        foreach (var rule in result.StillAdmittedBy.Except(result.LeftForeign))
        {
            renderer.Line($"the port is still admitted by {rule.Id} ({rule}), which covers more than what was closed.");
        }
    }
}
