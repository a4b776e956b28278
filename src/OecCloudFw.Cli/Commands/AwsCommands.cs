using OecCloudFw.Aws;
using OecCloudFw.Cli.Output;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Cli.Commands;

/// <summary><c>aws open | close | show</c>: the AWS EC2 security-group layer.</summary>
internal sealed class AwsCommands(CliContext context)
{
    [Command("open", Description = "Bring a security group's ingress to the policy: one read, at most one authorize. Additive; never removes rules it did not create.")]
    public Task<int> Open(
        AwsTarget target,
        PolicyFlags policy,
        [Option("prune", Description = "Also revoke rules this tool created that the policy no longer wants.")] bool prune = false,
        [Option("dry-run", Description = "Show the plan, change nothing.")] bool dryRun = false,
        [Option("rules-quota", Description = "Inbound rules per family the account allows (EC2 default 60).")] int rulesQuota = SecurityGroupLayer.DefaultRulesQuota,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var group = target.RequiredGroup();
            var format = OutputFormats.Parse(output);
            var wanted = policy.Build();
            if (rulesQuota is < 1 or > 1000)
            {
                throw new InvalidInputException($"--rules-quota {rulesQuota} is out of range: use 1-1000");
            }

            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var result = await CloudOpen.RunAsync(new SecurityGroupCloudLayer(new SecurityGroupLayer(ec2, region, rulesQuota), group), wanted, prune, dryRun, cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsOpenDocument(group.Value, region, dryRun, result.Plan.IsNoOp, result.Applied,
                    result.Changes.Changes.Select(ChangeView.From).ToList(), result.Created, result.Removed));
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                renderer.Plan($"{group} ({region})", result.Changes, dryRun, result.Applied);
                renderer.StillClosed(result.StillClosed);
            }

            return result.StillClosed.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("close", Description = "Revoke this tool's rules for a port (by rule id). Refuses the SSH port without --force.")]
    public Task<int> Close(
        AwsTarget target,
        CloseFlags close,
        [Option("dry-run", Description = "Show what would be revoked, change nothing.")] bool dryRun = false,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var group = target.RequiredGroup();
            var format = OutputFormats.Parse(output);
            var (ports, sources, proto) = close.Parse();

            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var result = await CloudClose.RunAsync(new SecurityGroupCloudLayer(new SecurityGroupLayer(ec2, region), group), new CloseSelection(ports, sources, proto), dryRun, cancellationToken);
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsCloseDocument(group.Value, region, dryRun,
                    result.Removed.Select(RuleView.From).ToList(), result.LeftForeign.Select(RuleView.From).ToList(),
                    result.StillAdmittedBy.Select(RuleView.From).ToList()));
            }
            else
            {
                RenderClose(group, region, result, dryRun);
            }

            return result.StillOpen ? ExitCodes.Findings : ExitCodes.Ok;
        }, cancellationToken);

    [Command("show", Description = "List a security group's ingress rules with their purpose; flag internet-open ones. With --instance or --subnet, the subnet's network ACL too.")]
    public Task<int> Show(
        AwsTarget target,
        [Option("instance", Description = "An EC2 instance: every group on its ENIs, and its subnets' network ACLs.")] string? instance = null,
        [Option("subnet", Description = "A subnet (subnet-…): its network ACL (repeatable).")] string[]? subnet = null,
        [Option("fail-on", Description = "Exit 1 when a finding is at least this severe: critical, warning, info, never.")] string? failOn = null,
        [Option("output", Description = "table or json.")] string output = "table",
        CancellationToken cancellationToken = default) =>
        CommandRunner.RunAsync(context, async () =>
        {
            var groups = target.Group is null ? [] : new List<SecurityGroupId> { SecurityGroupId.Parse(target.Group) };
            var subnets = PolicyFlags.Split(subnet).ToList();
            if (instance is not null)
            {
                AwsIds.Instance(instance, "--instance");
            }

            subnets.ForEach(s => AwsIds.Subnet(s, "--subnet"));

            if (groups.Count == 0 && instance is null && subnets.Count == 0)
            {
                throw new InvalidInputException("name what to show: --group sg-…, --instance i-… or --subnet subnet-…");
            }

            var format = OutputFormats.Parse(output);
            var threshold = FailOn.Parse(failOn);
            var (client, region) = new Ec2ClientFactory(context.Environment).Create(target.ToOptions());
            using var ec2 = client;
            var sgLayer = new SecurityGroupLayer(ec2, region);
            Ec2InstanceNetwork? network = null;
            if (instance is not null)
            {
                network = await sgLayer.InstanceNetworkAsync(instance, cancellationToken);
                groups.AddRange(network.Groups.Where(g => !groups.Contains(g)));
                subnets.AddRange(network.Subnets.Where(s => !subnets.Contains(s)));
            }

            var layer = new SecurityGroupCloudLayer(sgLayer, groups, groups.FirstOrDefault(), subnets, network: network);
            var state = await layer.ReadAsync(cancellationToken);
            var (snapshots, acls) = SecurityGroupCloudLayer.Read(state);
            var findings = layer.Findings(state);
            // Through each ENI's path (its public address, its subnet's ACL, its groups): what the internet reaches of the guide's ports.
            var ports = PortCatalog.All.Select(port =>
            {
                var verdict = state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4);
                return new AwsPortView(port.Port, port.Purpose, verdict.Decision.ToString().ToLowerInvariant(), verdict.Evidence);
            }).ToList();

            var title = string.Join("+", groups.Select(g => g.Value));
            if (format == OutputFormat.Json)
            {
                Json.Write(context.Output, new AwsShowDocument(title, region, snapshots.SelectMany(s => s.Rules).Select(RuleView.From).ToList(),
                    snapshots.SelectMany(s => s.ReferenceRules).ToList(), findings.Select(FindingView.From).ToList())
                {
                    NetworkAcls = acls.Select(a => new AwsNetworkAclView(a.AclId, a.SubnetId, a.EntryLines)).ToList(),
                    Ports = ports,
                });
            }
            else
            {
                var renderer = new HumanRenderer(context.Console);
                foreach (var snapshot in snapshots)
                {
                    renderer.Rules($"{snapshot.GroupId} ({region})", snapshot.Rules, snapshot.ReferenceRules);
                }

                foreach (var acl in acls)
                {
                    renderer.Line($"network ACL {acl.AclId} ({acl.SubnetId}):");
                    foreach (var entry in acl.EntryLines)
                    {
                        renderer.Line($"  {entry}");
                    }
                }

                if (ports.Count > 0)
                {
                    renderer.Line("From the internet: " + string.Join(", ", ports.Select(p => $"{p.Port} {p.Verdict}")));
                }

                foreach (var assumption in state.View.Assumptions)
                {
                    renderer.Line($"assumed (not read): {assumption}");
                }

                renderer.Findings(findings.OrderByDescending(f => f.Severity).ToList());
            }

            return FailOn.ExitCode(findings, threshold);
        }, cancellationToken);

    private void RenderClose(SecurityGroupId group, string region, CloudCloseResult result, bool dryRun)
    {
        var renderer = new HumanRenderer(context.Console);
        var verb = dryRun ? "would revoke" : "revoked";
        renderer.Line(result.Removed.Count == 0
            ? $"{group} ({region}): no rule of this tool matches; nothing was revoked."
            : $"{group} ({region}): {verb} {string.Join(", ", result.Removed.Select(r => $"{r.Id} ({r})"))}.");
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
