using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>
/// An instance's security groups (or the groups named) as one cloud layer. EC2 admits what ANY of an ENI's groups
/// admits, so every group is read (one read each, side by side, and the subnets' network ACLs when the instance is
/// known) and the verdict is their union, filtered by the ACLs; the plan counts a port admitted by any group as kept.
/// Exactly one group is written: <paramref name="writeTo"/> gets one authorize for what opens; what closes is revoked
/// by rule id in the group that holds it (only the tool's own). Undoing an authorize is the exact AWS CLI command.
/// </summary>
/// <param name="layer">The EC2 calls.</param>
/// <param name="groups">Every group the layer is made of (the write group among them).</param>
/// <param name="writeTo">The group the tool adds its rules to.</param>
/// <param name="subnets">The subnets whose network ACLs filter the traffic first (an instance's ENIs' subnets), or none.</param>
/// <param name="cache">Where the reads go through (a fleet's audit reads each group once); none by default.</param>
/// <param name="network">The instance's ENIs (each its own path: its subnet's ACL, its groups, its public addresses), when an instance was named.</param>
public sealed class SecurityGroupCloudLayer(SecurityGroupLayer layer, IReadOnlyList<SecurityGroupId> groups, SecurityGroupId? writeTo, IReadOnlyList<string> subnets, ILayerReadCache? cache = null, Ec2InstanceNetwork? network = null) : CloudLayer<SecurityGroupCloudLayer.Snapshots, SecurityGroupCloudLayer.Native>
{
    /// <summary>One group, written and read.</summary>
    public SecurityGroupCloudLayer(SecurityGroupLayer layer, SecurityGroupId group)
        : this(layer, [group], group, [])
    {
    }

    private readonly IReadOnlyList<SecurityGroupId> _groups = writeTo is null || groups.Contains(writeTo) ? groups : throw new ArgumentException($"{writeTo} is not one of the layer's groups", nameof(writeTo));

    /// <summary>The group the tool's rules go to; a layer of subnets only (shown, never changed) has none.</summary>
    private SecurityGroupId WriteTo => writeTo ?? throw new InvalidOperationException("a layer of network ACLs only is read, never changed");

    public override string Target => _groups.Count switch
    {
        0 => $"aws {string.Join('+', subnets)} ({layer.Region})",
        1 => $"aws {_groups[0]} ({layer.Region})",
        _ => $"aws {string.Join('+', _groups)} ({layer.Region}; rules added to {writeTo})",
    };

    /// <summary>The region of the groups.</summary>
    public string Region => layer.Region;

    /// <summary>The group the tool's rules go to; null for a layer of network ACLs only (shown, never changed).</summary>
    public SecurityGroupId? WriteGroup => writeTo;

    /// <summary>The groups and network ACLs as read: what <c>aws show</c> lists.</summary>
    public static (IReadOnlyList<SecurityGroupSnapshot> Groups, IReadOnlyList<NetworkAclSnapshot> Acls) Read(CloudLayerState state)
    {
        var read = SnapshotOf(state).Snapshot;
        return (read.Groups, read.Acls);
    }

    public override async Task<CloudLayerState<Snapshots>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var reads = cache ?? ILayerReadCache.None;
        var groupReads = _groups.Select(g => reads.ReadAsync(g.Value, () => layer.ReadAsync(g, cancellationToken))).ToList();
        var acls = subnets.Count == 0 ? Task.FromResult<IReadOnlyList<NetworkAclSnapshot>>([]) : reads.ReadAsync($"acl|{string.Join(",", subnets)}", () => AclsOrUnreadAsync(cancellationToken));
        var snapshots = await Task.WhenAll(groupReads);
        var aclSnapshots = await acls;
        var prefix = _groups.Count == 1 ? (Func<SecurityGroupId, string>)(_ => string.Empty) : g => $"{g} ";
        var lines = snapshots.SelectMany(s => s.Rules.Select(r => $"{prefix(s.GroupId)}{r.Id} {r} origin={r.Origin.ToString().ToLowerInvariant()} \"{r.Description}\"")
                .Concat(s.Peers.Select(p => $"{prefix(s.GroupId)}{p.RuleId} {p}")))
            .Concat(aclSnapshots.SelectMany(a => a.Entries.Select(e => $"{a.AclId} {a.SubnetId} {e}")))
            .Order(StringComparer.Ordinal)
            .ToList();
        // Per ENI when the instance is known; no group named (subnets only): what the network ACLs alone let through.
        ILayerView view = new SecurityGroupsView(snapshots, aclSnapshots, network);
        return new CloudLayerState<Snapshots>(Target, lines, view, new Snapshots(snapshots, aclSnapshots));
    }

    /// <summary>The subnets' ACLs; where the identity may not read them, each subnet's ACL is unread (its verdicts indeterminate, the reason said).</summary>
    private async Task<IReadOnlyList<NetworkAclSnapshot>> AclsOrUnreadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await layer.ReadNetworkAclsAsync(subnets, cancellationToken);
        }
        catch (Core.LayerFailureException ex) when (ex.InnerException is Amazon.EC2.AmazonEC2Exception { ErrorCode: "UnauthorizedOperation" or "AccessDenied" } denied)
        {
            return [.. subnets.Select(s => NetworkAclSnapshot.Unreadable(s, $"DescribeNetworkAcls: {denied.ErrorCode}"))];
        }
    }

    public override CloudLayerPlan<Native> Plan(CloudLayerState<Snapshots> state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var snapshots = state.Snapshot;
        var plan = Planner.Build(policy.DesiredRules(), snapshots.AllRules, prune);
        layer.EnsureWithinQuota(snapshots.Of(WriteTo), plan);
        var writes = plan.ToAdd.Select(r => $"authorize {r.Protocol.ToName()}/{r.Ports} from {r.Source} in {WriteTo} (tagged oec-cloudfw)")
            .Concat(plan.ToRemove.Select(r => $"revoke {r.Id} ({r}) in {snapshots.Holding(r)}"))
            .ToList();
        return new CloudLayerPlan<Native>(Target, state.Digest, plan, writes, new Native(policy, prune, snapshots));
    }

    public override CloudLayerPlan<Native> PlanClose(CloudLayerState<Snapshots> state, CloseSelection selection)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(selection);
        var snapshots = state.Snapshot;
        var plan = new Plan(snapshots.AllRules
            .Where(r => r.Action == RuleAction.Allow && (selection.MatchesExactly(r) || selection.Overlaps(r)))
            .Select(r => new Change(selection.Removes(r, r.Id ?? string.Empty) ? ChangeKind.Remove : ChangeKind.Extra, r)));
        var writes = plan.ToRemove.Select(r => $"revoke {r.Id} ({r}) in {snapshots.Holding(r)}").ToList();
        return new CloudLayerPlan<Native>(Target, state.Digest, plan, writes, new Native(new FirewallPolicy([], false), false, snapshots));
    }

    protected override string? RemoveCommand(CloudLayerState<Snapshots> state, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Id is { } id && state.Snapshot.Groups.FirstOrDefault(g => g.Rules.Any(r => r.Id == id)) is { } group
            ? $"aws ec2 revoke-security-group-ingress --group-id {group.GroupId} --security-group-rule-ids {id} --region {layer.Region}"
            : null;
    }

    public override ILayerView PlannedView(CloudLayerState<Snapshots> state, CloudLayerPlan<Native> plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var read = state.Snapshot;
        var removed = plan.Changes.ToRemove.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var added = plan.Changes.ToAdd.Select((r, i) => r with { Origin = RuleOrigin.Tool, Id = $"planned-{i + 1}" }).ToList();
        var planned = read.Groups.Select(g => g with
        {
            Rules = [.. g.Rules.Where(r => !removed.Contains(r.Id)), .. g.GroupId == WriteTo ? added : []],
            Compiled = [.. g.IngressRules.Where(r => !removed.Contains(r.RuleId)), .. g.GroupId == WriteTo ? added.Select(r => Ec2RuleCompiler.Rule(r, g.GroupId)) : []],
        }).ToList();
        return new SecurityGroupsView(planned, read.Acls, network);
    }

    public override IReadOnlyList<Finding> Findings(CloudLayerState<Snapshots> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var read = state.Snapshot;
        // Exposure as EC2 evaluates it (every ENI's path, sources as sets): split prefixes that cover the internet are
        // open, a port no public address reaches is latent.
        var everyPort = read.Groups.SelectMany(g => g.Rules
            .Where(r => r.Source.IsInternet && (r.Protocol == Protocol.All || (r.Protocol == Protocol.Tcp && r.Ports.IsAll)))
            .Select(r => (
                Title: $"every {(r.Protocol == Protocol.All ? "port and protocol" : "TCP port")} is open to the internet ({r.Source}), the database included",
                Rule: r.ToString(),
                Fixes: (IReadOnlyList<Fix>)[SecurityGroupFixes.RemoveRule(g.GroupId, layer.Region, r)])));
        var findings = ExposureCheck.Check(state.View, everyPort, port =>
            SecurityGroupFixes.RemoveInternet(read.Groups, layer.Region, port.Port, [], restrict: port.Port == PortCatalog.Ssh)).ToList();
        // A required port the subnet's network ACL refuses from the internet, with the entry that opens it.
        foreach (var port in PortCatalog.All.Where(p => p.Required && read.Acls.Count > 0))
        {
            var verdict = state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4);
            if (verdict.Refused && read.Acls.Any(a => new SecurityGroupsView([], [a]).Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4).Refused))
            {
                findings.Add(new Finding(FindingIds.RequiredBlocked, Severity.Critical, $"{port.Name} ({port.Port}) is blocked by the subnet's network ACL", verdict.Evidence,
                    SecurityGroupFixes.Open(new SecurityGroupsView([], read.Acls), layer.Region, port.Port, [Cidr.AnyIPv4])));
            }
        }

        return findings;
    }

    public override IReadOnlyList<Fix> Fixes(CloudLayerState<Snapshots> state, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(state);
        var read = state.Snapshot;
        return SecurityGroupFixes.For(state.View as SecurityGroupsView ?? new SecurityGroupsView(read.Groups, read.Acls, network), layer.Region, kind, port, sources);
    }

    public override async Task<CloudApplyResult> OpenAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        // Someone may add a rule meanwhile: the write group is read again, the other groups are as they were read.
        var others = native.Read.Groups.Where(s => s.GroupId != WriteTo).SelectMany(s => s.Rules).ToList();
        var (created, carried) = await layer.AuthorizeAsync(WriteTo, plan.Changes, now => Planner.Build(native.Policy.DesiredRules(), [.. others, .. now.Rules], native.Prune), cancellationToken);
        return new CloudApplyResult(Target, created, []) { Carried = ReferenceEquals(carried, plan.Changes) ? null : carried };
    }

    public override async Task<CloudApplyResult> CloseAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        var removed = new List<string>();
        foreach (var byGroup in plan.Changes.ToRemove.GroupBy(native.Read.Holding))
        {
            removed.AddRange(await layer.RevokeOwnAsync(byGroup.Key, byGroup.ToList(), cancellationToken));
        }

        return new CloudApplyResult(Target, [], removed);
    }

    public override IReadOnlyList<string> UndoCommands(CloudLayerPlan<Native> plan, CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return opened.Created.Count == 0
            ? []
            : [string.Create(CultureInfo.InvariantCulture, $"aws ec2 revoke-security-group-ingress --group-id {WriteTo} --security-group-rule-ids {string.Join(' ', opened.Created)} --region {layer.Region}")];
    }

    /// <summary>Every group as read: which one holds a rule (rule ids are unique across groups).</summary>
    public sealed record Snapshots(IReadOnlyList<SecurityGroupSnapshot> Groups, IReadOnlyList<NetworkAclSnapshot> Acls)
    {
        public IReadOnlyList<Rule> AllRules { get; } = [.. Groups.SelectMany(g => g.Rules)];

        public SecurityGroupSnapshot Of(SecurityGroupId group) => Groups.First(g => g.GroupId == group);

        public SecurityGroupId Holding(Rule rule) => Groups.First(g => g.Rules.Any(r => r.Id == rule.Id)).GroupId;
    }

    /// <summary>What a concurrent add makes the authorize plan again from.</summary>
    public sealed record Native(FirewallPolicy Policy, bool Prune, Snapshots Read);
}
