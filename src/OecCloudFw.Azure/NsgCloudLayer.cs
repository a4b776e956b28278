using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Azure;

/// <summary>
/// An Azure NSG as a cloud layer, named directly (<c>--nsg</c>) or through a VM (<c>--vm</c>: its NICs' and subnets'
/// NSGs are read and evaluated together; the NIC's NSG is the one changed unless an NSG is named). One read of the VM
/// and its NSGs; new rules <c>oecfw-…</c> at free priorities above any shadowing Deny; only the tool's own rules are
/// ever deleted; the exact <c>az</c> commands undo what was created.
/// </summary>
public sealed class NsgCloudLayer(NsgLayer layer, NsgTarget target) : ICloudLayer
{
    private string? _changed;
    private IReadOnlyList<NewSecurityRule>? _written;

    /// <summary>The NSG the plan changes (the NIC's, or the one named).</summary>
    public static string ChangedNsg(CloudLayerPlan plan) => Native.Of(plan).Nsg.Name;

    /// <summary>The rules the plan creates (names, priorities), as written once <see cref="OpenAsync"/> wrote them (a priority taken meanwhile moves).</summary>
    public IReadOnlyList<NewSecurityRule> NewRules(CloudLayerPlan plan) => _written ?? Native.Of(plan).NewRules;

    /// <summary>The names of the tool's own rules the plan deletes.</summary>
    public static IReadOnlyList<string> ToDelete(CloudLayerPlan plan) => Native.Of(plan).ToDelete;

    public string Target => target.Vm is null
        ? $"azure nsg {target.Nsg} (rg {target.ResourceGroup})"
        : $"azure vm {target.Vm} (rg {target.ResourceGroup}){(target.Nsg is null ? string.Empty : $", nsg {target.Nsg}")}";

    public async Task<CloudLayerState> ReadAsync(CancellationToken cancellationToken = default)
    {
        VmNetwork network;
        NsgSnapshot changed;
        if (target.Vm is null)
        {
            changed = await layer.ReadAsync(target.NsgId(target.Nsg!), cancellationToken);
            network = new VmNetwork([changed], []);
        }
        else
        {
            network = await layer.ReadVmAsync(target, cancellationToken);
            var id = target.NsgToChange(network, "--azure-nsg");
            changed = network.Find(id) ?? await layer.ReadAsync(id, cancellationToken);
        }

        var lines = network.NicNsgs.Concat(network.SubnetNsgs).Append(changed).DistinctBy(n => n.Id, StringComparer.OrdinalIgnoreCase)
            .SelectMany(n => n.Rules.Where(r => !r.IsDefault).Select(r =>
                $"{n.Name} {r.Name} {(r.Inbound ? "in" : "out")} {r.Priority} {r.Access} {r.Protocol} from {string.Join(",", r.SourcePrefixes)} to ports {string.Join(",", r.PortRanges)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var name = target.Vm is null ? $"azure nsg {changed.Name}" : $"azure vm {target.Vm} (NIC and subnet NSGs)";
        return new CloudLayerState(Target, lines, new NsgNetworkView(network, name), new Snapshot(network, changed));
    }

    public CloudLayerPlan Plan(CloudLayerState state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        var snapshot = (Snapshot)state.Snapshot;
        var (plan, newRules, toDelete) = NsgLayer.PlanOpen(snapshot.Changed, policy, prune);
        var writes = newRules.Select(r => $"create {r.Name} in {snapshot.Changed.Name}: priority {r.Priority}, {r.Protocol} {string.Join(",", r.Ports)} from {string.Join(",", r.Sources)}")
            .Concat(toDelete.Select(n => $"delete {n} from {snapshot.Changed.Name}"))
            .ToList();
        return new CloudLayerPlan(Target, state.Digest, plan, writes, new Native(snapshot.Changed, newRules, toDelete));
    }

    public CloudLayerPlan PlanClose(CloudLayerState state, int port, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var snapshot = (Snapshot)state.Snapshot;
        var nsg = snapshot.Changed;
        var text = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The tool's own TCP rules that name the port: deleted when it is their only port, narrowed (the port taken out,
        // the rule written again) when they carry others (one rule holds 22, 80 and 443).
        bool Own(NsgRule r) => r.IsOwn && (only is null || only.Contains(r.Name)) && r.Protocol.Equals("Tcp", StringComparison.OrdinalIgnoreCase) && r.PortRanges.Contains(text);
        var admitting = nsg.Inbound.Where(r => !r.IsDefault && string.Equals(r.Access, "Allow", StringComparison.OrdinalIgnoreCase))
            .Select(r => (Rule: r, Core: r.ToCoreRules().Where(c => c.Protocol.Covers(Protocol.Tcp) && c.Ports.Contains(port)).ToList()))
            .Where(x => x.Core.Count > 0)
            .ToList();
        var plan = new Plan(admitting.SelectMany(x => x.Core.Select(c => new Change(Own(x.Rule) && c.Ports == PortRange.Single(port) ? ChangeKind.Remove : ChangeKind.Extra, c))));
        var own = admitting.Where(x => Own(x.Rule)).Select(x => x.Rule).ToList();
        var writes = own.Select(r => r.PortRanges.Count == 1 ? $"delete {r.Name} from {nsg.Name}" : $"narrow {r.Name} in {nsg.Name}: ports {string.Join(",", r.PortRanges.Where(p => p != text))}").ToList();
        return new CloudLayerPlan(Target, state.Digest, plan, writes, new Native(nsg, [], own.Select(r => r.Name).ToList()) { ClosePort = port });
    }

    public ILayerView PlannedView(CloudLayerState state, CloudLayerPlan plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var snapshot = (Snapshot)state.Snapshot;
        var native = (Native)plan.Native;
        var nsg = snapshot.Changed;
        var text = native.ClosePort?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The rules the plan deletes go (or lose the one port a close narrows them by); the ones it creates come in at
        // their priorities; the NSG is then evaluated with the others on the path, as ARM does.
        var kept = nsg.Rules.Select(r => !native.ToDelete.Contains(r.Name) ? r
                : text is null ? null
                : r with { PortRanges = [.. r.PortRanges.Where(p => p != text)] })
            .Where(r => r is not null && r.PortRanges.Count > 0)
            .Select(r => r!);
        var created = native.NewRules.Select(r => new NsgRule(r.Name, r.Priority, "Inbound", "Allow", r.Protocol, r.Sources, r.Ports, r.Description, false));
        var planned = nsg with { Rules = [.. kept, .. created] };
        // An NSG named next to a VM but not on its path changes nothing the VM sees.
        var network = snapshot.Network.With(planned);
        return new NsgNetworkView(network, state.View.Name + " (planned)");
    }

    public async Task<CloudApplyResult> OpenAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = (Native)plan.Native;
        _changed = native.Nsg.Name;
        var written = await layer.WriteAsync(native.Nsg, native.NewRules, cancellationToken);
        _written = written;
        return new CloudApplyResult(Target, written.Select(r => r.Name).ToList(), []);
    }

    public async Task<CloudApplyResult> CloseAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = (Native)plan.Native;
        var own = native.ToDelete.Where(n => n.StartsWith(NsgRule.OwnPrefix, StringComparison.Ordinal)).ToList();
        if (native.ClosePort is { } port)
        {
            // One port out of the named rules: each is deleted or narrowed as the plan read it.
            var closed = await layer.CloseAsync(native.Nsg, own, PortRange.Single(port), cancellationToken);
            return new CloudApplyResult(Target, [], closed);
        }

        await layer.DeleteAsync(native.Nsg, own, cancellationToken);
        return new CloudApplyResult(Target, [], own);
    }

    public IReadOnlyList<string> UndoCommands(CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        var nsg = _changed ?? target.Nsg;
        return opened.Created.Select(name => $"az network nsg rule delete --subscription {target.SubscriptionId} -g {target.ResourceGroup} --nsg-name {nsg} -n {name}").ToList();
    }

    private sealed record Snapshot(VmNetwork Network, NsgSnapshot Changed);

    private sealed record Native(NsgSnapshot Nsg, IReadOnlyList<NewSecurityRule> NewRules, IReadOnlyList<string> ToDelete)
    {
        /// <summary>Set for a plan that takes one port out of <see cref="ToDelete"/>'s rules (<see cref="PlanClose"/>).</summary>
        public int? ClosePort { get; init; }

        public static Native Of(CloudLayerPlan plan)
        {
            ArgumentNullException.ThrowIfNull(plan);
            return (Native)plan.Native;
        }
    }
}
