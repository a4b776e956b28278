using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Azure;

/// <summary>
/// An Azure NSG as a cloud layer, named directly (<c>--nsg</c>) or through a VM (<c>--vm</c>: its NICs' and subnets'
/// NSGs are read and evaluated together; the NIC's NSG is the one changed unless an NSG is named). One read of the VM
/// and its NSGs; new rules <c>oecfw-…</c> at free priorities above any shadowing Deny; only the tool's own rules are
/// ever deleted; the exact <c>az</c> commands undo what was created.
/// </summary>
/// <param name="layer">The ARM calls.</param>
/// <param name="target">The NSG or the VM.</param>
/// <param name="nsgFlag">How the calling command spells the flag that names the NSG to change.</param>
/// <param name="cache">Where the reads go through (a fleet's audit reads each VM and NSG once); none by default.</param>
public sealed class NsgCloudLayer(NsgLayer layer, NsgTarget target, string nsgFlag = "--azure-nsg", ILayerReadCache? cache = null) : CloudLayer<NsgCloudLayer.Snapshot, NsgCloudLayer.Native>
{
    /// <summary>The NSG the plan changes (the NIC's, or the one named).</summary>
    public static string ChangedNsg(CloudLayerPlan plan) => NativeOf(plan).Native.Nsg.Name;

    /// <summary>The rules the plan creates (names, priorities), as written once <see cref="OpenAsync"/> wrote them (a priority taken meanwhile moves).</summary>
    public static IReadOnlyList<NewSecurityRule> NewRules(CloudLayerPlan plan, CloudApplyResult? opened) =>
        opened is CloudApplyResult<IReadOnlyList<NewSecurityRule>> written ? written.Written : NativeOf(plan).Native.NewRules;

    /// <summary>The names of the tool's own rules the plan deletes.</summary>
    public static IReadOnlyList<string> ToDelete(CloudLayerPlan plan) => NativeOf(plan).Native.ToDelete;

    /// <summary>The names of the tool's own rules a close narrows (the closed ports or sources taken out).</summary>
    public static IReadOnlyList<string> Narrowed(CloudLayerPlan plan) => [.. NativeOf(plan).Native.Narrowed.Select(r => r.Name)];

    private ILayerReadCache Reads => cache ?? ILayerReadCache.None;

    public override string Target => target.Vm is null
        ? $"azure nsg {target.Nsg} (rg {target.ResourceGroup})"
        : $"azure vm {target.Vm} (rg {target.ResourceGroup}){(target.Nsg is null ? string.Empty : $", nsg {target.Nsg}")}";

    public override async Task<CloudLayerState<Snapshot>> ReadAsync(CancellationToken cancellationToken = default)
    {
        VmNetwork network;
        NsgSnapshot? changed;
        if (target.Vm is null)
        {
            changed = await Reads.ReadAsync(target.NsgId(target.Nsg!), () => layer.ReadAsync(target.NsgId(target.Nsg!), cancellationToken));
            network = VmNetwork.Alone(changed);
        }
        else
        {
            // A VM whose NIC has no NSG can be shown and audited; only a change needs an NSG to write to.
            network = await Reads.ReadAsync(target.VmId, () => layer.ReadVmAsync(target, cancellationToken));
            var id = target.Nsg is null && network.NicNsgs.Count == 0 ? null : target.NsgToChange(network, nsgFlag);
            changed = id is null ? null : network.Find(id) ?? await Reads.ReadAsync(id, () => layer.ReadAsync(id, cancellationToken));
        }

        var lines = network.NicNsgs.Concat(network.SubnetNsgs).Concat(changed is null ? [] : [changed]).DistinctBy(n => n.Id, StringComparer.OrdinalIgnoreCase)
            .SelectMany(n => n.Rules.Where(r => !r.IsDefault).Select(r =>
                $"{n.Name} {r.Name} {(r.Inbound ? "in" : "out")} {r.Priority} {r.Access} {r.Protocol} from {string.Join(",", r.SourcePrefixes)} to ports {string.Join(",", r.PortRanges)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var name = target.Vm is null ? $"azure nsg {changed!.Name}" : $"azure vm {target.Vm} (NIC and subnet NSGs)";
        return new CloudLayerState<Snapshot>(Target, lines, View(network, name), new Snapshot(network, changed,
            $"VM {target.Vm} has no NSG on its network interface: pass {nsgFlag} NAME to change another one (e.g. the subnet's)"));
    }

    public override CloudLayerPlan<Native> Plan(CloudLayerState<Snapshot> state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        var snapshot = state.Snapshot;
        var open = NsgLayer.PlanOpen(snapshot.Changed, policy, prune, snapshot.Network.NicOf(snapshot.Changed));
        // The new rules are created first, then the tool's own rules narrowed or deleted: nothing wanted closes meanwhile.
        var writes = open.NewRules.Select(r => $"create {r.Name} in {snapshot.Changed.Name}: priority {r.Priority}, {r.Protocol} {string.Join(",", r.Ports)} from {string.Join(",", r.Sources)}")
            .Concat(open.Narrowed.Select(r => $"narrow {r.Name} in {snapshot.Changed.Name}: ports {string.Join(",", r.PortRanges)} from {string.Join(",", r.SourcePrefixes)}"))
            .Concat(open.ToDelete.Select(n => $"delete {n} from {snapshot.Changed.Name}"))
            .ToList();
        return new CloudLayerPlan<Native>(Target, state.Digest, open.Plan, writes, new Native(snapshot.Changed, open.NewRules, open.ToDelete) { Narrowed = open.Narrowed });
    }

    public override CloudLayerPlan<Native> PlanClose(CloudLayerState<Snapshot> state, CloseSelection selection)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(selection);
        var nsg = state.Snapshot.Changed;
        var portTexts = selection.Ports.Select(p => p.IsSingle ? p.From.ToString(CultureInfo.InvariantCulture) : $"{p.From}-{p.To}").ToHashSet(StringComparer.Ordinal);
        var sourceTexts = selection.Sources.Select(NsgLayer.PrefixText).ToHashSet(StringComparer.Ordinal);
        var protocol = selection.Protocol.ToName();
        var allows = nsg.Inbound.Where(r => !r.IsDefault && string.Equals(r.Access, "Allow", StringComparison.OrdinalIgnoreCase)).ToList();
        // The tool's own rules that name a closed port (and source) are taken apart: the closed ports (or sources) come
        // out, the rule is deleted when nothing remains, else written again with the rest (one rule holds 22, 80, 443).
        bool Matches(NsgRule r) => string.Equals(r.Protocol, protocol, StringComparison.OrdinalIgnoreCase) && r.PortRanges.Any(portTexts.Contains) &&
                                   (selection.Sources.Count == 0 || r.SourcePrefixes.Any(sourceTexts.Contains));
        var own = allows.Where(r => r.IsOwn && Matches(r) && (selection.Only is null || selection.Only.Contains(r.Name))).ToList();
        var deleted = new List<string>();
        var narrowed = new List<NsgRule>();
        foreach (var rule in own)
        {
            var ports = selection.Sources.Count == 0 ? rule.PortRanges.Where(p => !portTexts.Contains(p)).ToList() : [.. rule.PortRanges];
            var sources = selection.Sources.Count == 0 ? [.. rule.SourcePrefixes] : rule.SourcePrefixes.Where(p => !sourceTexts.Contains(p)).ToList();
            if (ports.Count == 0 || sources.Count == 0)
            {
                deleted.Add(rule.Name);
            }
            else
            {
                narrowed.Add(rule with { PortRanges = ports, SourcePrefixes = sources });
            }
        }

        // Anyone else's rule that admits some of it (protocol *, a range, a wider source) is named, never touched.
        var changes = own.SelectMany(r => r.ToCoreRules().Where(selection.MatchesExactly).Select(c => new Change(ChangeKind.Remove, c)))
            .Concat(allows.Where(r => !own.Contains(r) && (!r.IsOwn || Matches(r)))
                .SelectMany(r => r.ToCoreRules().Where(c => selection.MatchesExactly(c) || selection.Overlaps(c)).Select(c => new Change(ChangeKind.Extra, c))))
            .ToList();
        var writes = deleted.Select(n => $"delete {n} from {nsg.Name}")
            .Concat(narrowed.Select(r => $"narrow {r.Name} in {nsg.Name}: ports {string.Join(",", r.PortRanges)} from {string.Join(",", r.SourcePrefixes)}"))
            .ToList();
        return new CloudLayerPlan<Native>(Target, state.Digest, new Plan(changes), writes, new Native(nsg, [], deleted) { Narrowed = narrowed });
    }

    public override ILayerView PlannedView(CloudLayerState<Snapshot> state, CloudLayerPlan<Native> plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var snapshot = state.Snapshot;
        var native = plan.Native;
        var nsg = snapshot.Changed;
        // The rules the plan deletes go, the ones it narrows come back narrowed, the ones it creates come in at their
        // priorities; the NSG is then evaluated with the others on the path, as ARM does.
        var replaced = native.Narrowed.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var kept = nsg.Rules.Where(r => !native.ToDelete.Contains(r.Name) && !replaced.Contains(r.Name)).Concat(native.Narrowed);
        var created = native.NewRules.Select(r => new NsgRule(r.Name, r.Priority, "Inbound", "Allow", r.Protocol, r.Sources, r.Ports, r.Description, false));
        var planned = nsg with { Rules = [.. kept, .. created] };
        // An NSG named next to a VM but not on its path changes nothing the VM sees.
        var network = snapshot.Network.With(planned);
        // What the plan changes is the filters: judged as if the internet reached every NIC (whether it does, its public
        // IPs, is what show and the audit say; no open or close changes it).
        var paths = NsgPaths.Compile(network).Paths;
        return new PathView(state.View.Name + " (planned)", new PathSet([.. paths.Paths.Select(p => p with { Reach = null })]));
    }

    public override IReadOnlyList<Finding> Findings(CloudLayerState<Snapshot> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var network = state.Snapshot.Network;
        // The verdicts of the ports table and the audit: a rule counts only where it decides for this VM's path.
        var (paths, chains) = NsgPaths.Compile(network);
        return NsgExposure.Check(paths, chains, (nsg, rule, port) => NsgFixes.ForRule(target, nsg.Name, rule, port));
    }

    /// <summary>The NSGs as read, each with where it is attached (as named, NIC, subnet): what <c>azure show</c> lists.</summary>
    public IReadOnlyList<(NsgSnapshot Nsg, string Attachment)> Nsgs(CloudLayerState state)
    {
        var network = SnapshotOf(state).Snapshot.Network;
        return target.Vm is null
            ? [(network.NicNsgs[0], "as named")]
            : [.. network.NicNsgs.Select(n => (n, "NIC")), .. network.SubnetNsgs.Select(n => (n, "subnet"))];
    }

    public override IReadOnlyList<Fix> Fixes(CloudLayerState<Snapshot> state, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(state);
        return NsgFixes.For(target, state.Snapshot.Network, kind, port, sources);
    }

    public override async Task<CloudApplyResult> OpenAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        var written = await layer.WriteAsync(native.Nsg, native.NewRules, cancellationToken);
        return new CloudApplyResult<IReadOnlyList<NewSecurityRule>>(Target, written.Select(r => r.Name).ToList(), [], written);
    }

    public override async Task<CloudApplyResult> CloseAsync(CloudLayerPlan<Native> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        var own = native.ToDelete.Where(n => n.StartsWith(NsgRule.OwnPrefix, StringComparison.Ordinal)).ToList();
        var narrowed = native.Narrowed.Where(r => r.IsOwn).ToList();
        // A refusal here after the open half created rules is said with what was created and its undo (CloudOpen).
        await layer.NarrowAsync(native.Nsg, narrowed, cancellationToken);
        await layer.DeleteAsync(native.Nsg, own, cancellationToken);
        return new CloudApplyResult(Target, [], [.. own, .. narrowed.Select(r => r.Name)]);
    }

    /// <summary>The rules as written (a priority taken meanwhile moves): name, priority, protocol, ports, sources.</summary>
    public override IReadOnlyList<string> Written(CloudApplyResult opened) => opened is CloudApplyResult<IReadOnlyList<NewSecurityRule>> written
        ? [.. written.Written.Select(r => $"{r.Name}: priority {r.Priority}, {r.Protocol} {string.Join(",", r.Ports)} from {string.Join(",", r.Sources)}")]
        : base.Written(opened);

    protected override string? RemoveCommand(CloudLayerState<Snapshot> state, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rule);
        var name = rule.Id?.Split(' ')[0];
        var network = state.Snapshot.Network;
        var nsg = network.NicNsgs.Concat(network.SubnetNsgs).Append(state.Snapshot.ToChange).OfType<NsgSnapshot>().FirstOrDefault(n => n.Rules.Any(r => r.Name == name && !r.IsDefault));
        return name is null || nsg is null ? null : $"az network nsg rule delete --subscription {target.SubscriptionId} -g {target.ResourceGroup} --nsg-name {nsg.Name} -n {name}";
    }

    public override IReadOnlyList<string> UndoCommands(CloudLayerPlan<Native> plan, CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(opened);
        var nsg = plan.Native.Nsg.Name;
        return opened.Created.Select(name => $"az network nsg rule delete --subscription {target.SubscriptionId} -g {target.ResourceGroup} --nsg-name {nsg} -n {name}").ToList();
    }

    /// <summary>
    /// The target's compiled paths through the real read path (<see cref="ReadAsync"/>): a VM's (<c>target.Vm</c> set:
    /// its NICs, public IPs, subnet and NIC NSGs) or one NSG's read alone. For the differential test against an
    /// independent evaluator.
    /// </summary>
    internal static async Task<PathView> ReadViewAsync(INetworkApi api, NsgTarget target, CancellationToken cancellationToken = default) =>
        (PathView)(await new NsgCloudLayer(new NsgLayer(api), target).ReadAsync(cancellationToken)).View;

    /// <summary>The NSGs on the target's paths, compiled to the one engine.</summary>
    internal static PathView View(VmNetwork network, string name) => new(name, NsgPaths.Compile(network).Paths);

    public sealed record Snapshot(VmNetwork Network, NsgSnapshot? ToChange, string Missing)
    {
        /// <summary>The NSG a change writes to; a VM whose NIC has none needs one named.</summary>
        public NsgSnapshot Changed => ToChange ?? throw new LayerFailureException(Missing);
    }

    public sealed record Native(NsgSnapshot Nsg, IReadOnlyList<NewSecurityRule> NewRules, IReadOnlyList<string> ToDelete)
    {
        /// <summary>The tool's rules a close narrows, as they are written again (<see cref="PlanClose"/>).</summary>
        public IReadOnlyList<NsgRule> Narrowed { get; init; } = [];
    }
}
