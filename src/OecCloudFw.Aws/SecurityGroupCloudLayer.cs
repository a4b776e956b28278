using System.Globalization;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Aws;

/// <summary>
/// One EC2 security group as a cloud layer: one read (its rules, prefix lists expanded), the Planner's plan, one
/// authorize for what opens, revokes by rule id for what closes (only the tool's own), and the exact AWS CLI command
/// that undoes an authorize.
/// </summary>
public sealed class SecurityGroupCloudLayer(SecurityGroupLayer layer, SecurityGroupId group) : ICloudLayer
{
    public string Target => $"aws {group} ({layer.Region})";

    public async Task<CloudLayerState> ReadAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await layer.ReadAsync(group, cancellationToken);
        var lines = snapshot.Rules.Select(r => $"{r.Id} {r} origin={r.Origin.ToString().ToLowerInvariant()} \"{r.Description}\"")
            .Concat(snapshot.Peers.Select(p => $"{p.RuleId} {p}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new CloudLayerState(Target, lines, new SecurityGroupsView([snapshot]), snapshot);
    }

    public CloudLayerPlan Plan(CloudLayerState state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var snapshot = (SecurityGroupSnapshot)state.Snapshot;
        var plan = Planner.Build(policy.DesiredRules(), snapshot.Rules, prune);
        layer.EnsureWithinQuota(snapshot, plan);
        var writes = plan.ToAdd.Select(r => $"authorize {r.Protocol.ToName()}/{r.Ports} from {r.Source} (tagged oec-cloudfw)")
            .Concat(plan.ToRemove.Select(r => $"revoke {r.Id} ({r})"))
            .ToList();
        return new CloudLayerPlan(Target, state.Digest, plan, writes, new Native(policy, prune));
    }

    public CloudLayerPlan PlanClose(CloudLayerState state, int port, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var snapshot = (SecurityGroupSnapshot)state.Snapshot;
        var admitting = snapshot.Rules.Where(r => r.Action == Core.Rules.RuleAction.Allow && r.Protocol.Covers(Protocol.Tcp) && r.Ports.Contains(port)).ToList();
        var plan = new Plan(admitting.Select(r => new Change(
            r.Origin == Core.Rules.RuleOrigin.Tool && r.Ports == PortRange.Single(port) && r.Protocol == Protocol.Tcp && (only is null || only.Contains(r.Id ?? string.Empty))
                ? ChangeKind.Remove
                : ChangeKind.Extra,
            r)));
        var writes = plan.ToRemove.Select(r => $"revoke {r.Id} ({r})").ToList();
        return new CloudLayerPlan(Target, state.Digest, plan, writes, new Native(new FirewallPolicy([], false), false));
    }

    public async Task<CloudApplyResult> OpenAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = (Native)plan.Native;
        var (created, _) = await layer.AuthorizeAsync(group, plan.Changes, now => Planner.Build(native.Policy.DesiredRules(), now.Rules, native.Prune), cancellationToken);
        return new CloudApplyResult(Target, created, []);
    }

    public async Task<CloudApplyResult> CloseAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var removed = await layer.RevokeOwnAsync(group, plan.Changes.ToRemove.ToList(), cancellationToken);
        return new CloudApplyResult(Target, [], removed);
    }

    public IReadOnlyList<string> UndoCommands(CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return opened.Created.Count == 0
            ? []
            : [string.Create(CultureInfo.InvariantCulture, $"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {string.Join(' ', opened.Created)} --region {layer.Region}")];
    }

    /// <summary>What a concurrent add makes the authorize plan again from.</summary>
    private sealed record Native(FirewallPolicy Policy, bool Prune);
}
