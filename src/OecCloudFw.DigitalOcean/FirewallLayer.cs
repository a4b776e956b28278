using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// DigitalOcean Cloud Firewalls in front of one droplet (every firewall applied to it, by id or by one of its tags,
/// combined) or one firewall, as one cloud layer. Rules have no id nor description, so the tool knows its own by the
/// firewall they are in: only rules of a firewall named <c>oecfw-…</c> are ever removed; adds go to the droplet's
/// <c>oecfw-&lt;droplet id&gt;</c> firewall, created and applied to the droplet by id when missing. Writes add or remove
/// rules (POST/DELETE /v2/firewalls/{id}/rules), never replace a firewall. No state is kept between calls.
/// </summary>
internal sealed class FirewallLayer(DigitalOceanClient client, LayerTarget target, TimeProvider time, bool smtpBlocked = true, ILayerReadCache? cache = null)
    : CloudLayer<Snapshot, PlanNative>, IDisposable
{
    /// <summary>How often and how long a change's status is polled until it leaves "waiting".</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    public const int PollTimes = 60;

    public override string Target => target.ToString();

    public void Dispose() => client.Dispose();

    public override async Task<CloudLayerState<Snapshot>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = await (cache ?? ILayerReadCache.None).ReadAsync($"digitalocean|{client.Endpoint}|{target}", () => ReadSnapshotAsync(cancellationToken));
        return State(read);
    }

    private CloudLayerState<Snapshot> State(Snapshot read)
    {
        var lines = read.Firewalls.SelectMany(f => f.Rules.Select(r => $"{f.Name} ({f.Id}) {r}")
                .Append($"{f.Name} ({f.Id}) applies to droplets {string.Join(",", f.DropletIds.Order())} tags {string.Join(",", f.Tags.Order(StringComparer.Ordinal))}"))
            .Concat(read.Droplet is { } d ? [Line(d)] : [])
            .Concat(Referenced(read).Select(Line).Select(l => $"named by a rule: {l}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new CloudLayerState<Snapshot>(Target, lines, View(read), read);
    }

    private static string Line(Droplet d) =>
        $"{d.Label} public {string.Join(",", d.PublicIPv4)} private {string.Join(",", d.PrivateIPv4)} ipv6 {string.Join(",", d.IPv6)} tags {string.Join(",", d.Tags.Order(StringComparer.Ordinal))}";

    /// <summary>The droplets a rule stands for (by id or tag): their addresses decide verdicts, so they are in the digest.</summary>
    private static IEnumerable<Droplet> Referenced(Snapshot read)
    {
        var targets = read.Firewalls.SelectMany(f => f.Rules).Select(r => r.Target).ToList();
        return read.Droplets.Where(d => targets.Any(t => (t.DropletIds ?? []).Contains(d.Id) || d.Tags.Any(tag => (t.Tags ?? []).Contains(tag, StringComparer.Ordinal))));
    }

    private PathView View(Snapshot read) => new(Target, FirewallPaths.Build(read, smtpBlocked));

    private async Task<Snapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        var all = (await client.ListDropletsAsync(null, cancellationToken)).Select(Droplet.From).ToList();
        if (target.Droplet is { } name)
        {
            var droplet = await FindDropletAsync(name, cancellationToken);
            var applied = (await client.ListDropletFirewallsAsync(droplet.Id, cancellationToken)).Select(Firewall.From).ToList();
            var own = applied.FirstOrDefault(f => f.Name == Firewall.OwnNameFor(droplet.Id))
                      ?? applied.FirstOrDefault(f => f.IsOwn && f.DropletIds.Contains(droplet.Id));
            return new Snapshot(droplet, applied, all, own);
        }

        var firewall = await FindFirewallAsync(target.Firewall!, cancellationToken);
        return new Snapshot(null, [firewall], all, firewall.IsOwn ? firewall : null);
    }

    private async Task<Droplet> FindDropletAsync(string name, CancellationToken cancellationToken)
    {
        if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Droplet.From(await client.GetDropletAsync(id, cancellationToken));
        }

        var named = await client.ListDropletsAsync(name, cancellationToken);
        return named.Count switch
        {
            0 => throw new LayerFailureException($"no droplet is named {name} in this DigitalOcean account: check --droplet (a name or an id)"),
            1 => Droplet.From(named[0]),
            _ => throw new InvalidInputException($"{named.Count} droplets are named {name} (ids {string.Join(", ", named.Select(d => d.Id.ToString(CultureInfo.InvariantCulture)))}): give --droplet ID"),
        };
    }

    private async Task<Firewall> FindFirewallAsync(string name, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(name, out _))
        {
            return Firewall.From(await client.GetFirewallAsync(name, cancellationToken));
        }

        var named = (await client.ListFirewallsAsync(cancellationToken)).Where(f => f.Name == name).ToList();
        return named.Count switch
        {
            0 => throw new LayerFailureException($"no firewall is named {name} in this DigitalOcean account: check --firewall (a name or an id)"),
            1 => Firewall.From(named[0]),
            _ => throw new InvalidInputException($"{named.Count} firewalls are named {name} (ids {string.Join(", ", named.Select(f => f.Id))}): give --firewall ID"),
        };
    }

    /// <summary>
    /// How the operator removes a rule the tool leaves (not its own): <c>doctl compute firewall remove-rules</c> with
    /// the rule as it is — so named only where that rule holds this one address and no droplet, tag or load balancer
    /// (else those would go too).
    /// </summary>
    protected override string? RemoveCommand(CloudLayerState<Snapshot> state, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rule);
        var (_, firewall, source) = state.Snapshot.CoreRules.FirstOrDefault(c => rule.Id is not null && c.Rule.Id == rule.Id);
        return source is { Target: { Addresses.Count: 1, DropletIds: null or [], Tags: null or [], LoadBalancerUids: null or [], KubernetesIds: null or [] } }
            ? $"doctl compute firewall remove-rules {firewall.Id} --inbound-rules \"{source.Doctl()}\""
            : null;
    }

    public override CloudLayerPlan<PlanNative> Plan(CloudLayerState<Snapshot> state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var read = state.Snapshot;
        var changes = Planner.Build(policy.DesiredRules(), read.Rules, prune);
        return Make(state, changes, policy, prune);
    }

    public override CloudLayerPlan<PlanNative> PlanClose(CloudLayerState<Snapshot> state, CloseSelection selection)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(selection);
        var changes = new Plan(state.Snapshot.Rules
            .Where(r => r.Action == RuleAction.Allow && (selection.MatchesExactly(r) || selection.Overlaps(r)))
            .Select(r => new Change(selection.Removes(r, r.Id ?? string.Empty) ? ChangeKind.Remove : ChangeKind.Extra, r)));
        return Make(state, changes, null, false);
    }

    private CloudLayerPlan<PlanNative> Make(CloudLayerState<Snapshot> state, Plan changes, FirewallPolicy? policy, bool prune)
    {
        var read = state.Snapshot;
        var adds = changes.ToAdd.SelectMany(r => FirewallRule.For(r)).ToList();
        var removes = Removals(read, changes.ToRemove.ToList());
        var creates = adds.Count > 0 && read.WriteTo is null;
        if (adds.Count > 0 && read.WriteTo is null && read.Droplet is null)
        {
            throw new InvalidInputException($"{read.Firewalls[0].Label} was not created by oec-cloudfw (its name does not start with {Firewall.OwnPrefix}): the tool adds rules only to its own firewall, so that it can tell them apart later; give --droplet NAME|ID (the tool then creates {Firewall.OwnPrefix}<droplet id>) or name a firewall called {Firewall.OwnPrefix}…");
        }

        var outboundOpen = creates && read.Unfiltered;
        CheckLimits(read, adds, removes, creates, outboundOpen);
        var name = read.WriteName ?? "?";
        var writes = new List<string>();
        if (creates)
        {
            writes.Add(read.Unfiltered
                ? $"create firewall {name} applied to {read.Droplet!.Label}: no cloud firewall applies to it now, so every inbound port the policy does not name becomes CLOSED at DigitalOcean (outbound stays open: allow-all outbound rules are added)"
                : $"create firewall {name} applied to {read.Droplet!.Label} (its other firewalls stay; rules combine)");
        }

        writes.AddRange(adds.Select(r => $"add {r} to {name}"));
        writes.AddRange(removes.Select(r => r.Remainder is null
            ? $"remove {r.Rule} from {r.Firewall.Label}"
            : $"remove {r.Rule} from {r.Firewall.Label}, then add back {r.Remainder}"));
        return new CloudLayerPlan<PlanNative>(Target, state.Digest, changes, writes, new PlanNative(read, policy, prune, adds, removes, creates, outboundOpen));
    }

    /// <summary>The DigitalOcean rules the Core removals come from: whole when every address goes, else with the rest added back.</summary>
    private static List<Removal> Removals(Snapshot read, IReadOnlyList<Rule> remove)
    {
        var ids = remove.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var result = new List<Removal>();
        foreach (var group in read.CoreRules.Where(c => ids.Contains(c.Rule.Id)).GroupBy(c => (c.Firewall, c.Source)))
        {
            var (firewall, rule) = group.Key;
            if (!firewall.IsOwn)
            {
                continue; // never: only the tool's rules are removed (Planner and CloseSelection remove only origin Tool)
            }

            var gone = group.Select(c => c.Rule.Source.ToString()).ToHashSet(StringComparer.Ordinal);
            var left = (rule.Target.Addresses ?? []).Where(a => !(Cidr.TryParse(a, out var c) && gone.Contains(c.ToString()))).ToList();
            var rest = rule with { Target = rule.Target with { Addresses = left.Count == 0 ? null : left } };
            result.Add(new Removal(firewall, rule, rest.EntryCount == 0 ? null : rest));
        }

        return result;
    }

    private static void CheckLimits(Snapshot read, List<FirewallRule> adds, List<Removal> removes, bool creates, bool outboundOpen)
    {
        foreach (var firewall in read.Firewalls.Where(f => f.IsOwn))
        {
            var added = firewall == read.WriteTo ? adds.Count : 0;
            var count = firewall.Inbound.Count + firewall.Outbound.Count + added - removes.Count(r => r.Firewall == firewall && r.Remainder is null);
            if (added > 0 && count > Firewall.MaxRules)
            {
                throw new LayerFailureException($"{firewall.Label} would hold {count} rules: DigitalOcean allows at most {Firewall.MaxRules} inbound and outbound rules per firewall (docs.digitalocean.com/products/networking/firewalls/details/limits/); nothing was changed: fewer sources in the policy, or --prune to drop the tool's rules it no longer wants");
            }
        }

        var fresh = adds.Count + (outboundOpen ? 3 : 0);
        if (creates && fresh > Firewall.MaxRules)
        {
            throw new LayerFailureException($"firewall {read.WriteName} would hold {fresh} rules: DigitalOcean allows at most {Firewall.MaxRules} inbound and outbound rules per firewall (docs.digitalocean.com/products/networking/firewalls/details/limits/); nothing was changed: fewer sources in the policy");
        }
    }

    public override ILayerView PlannedView(CloudLayerState<Snapshot> state, CloudLayerPlan<PlanNative> plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        return View(Planned(state.Snapshot, plan.Native));
    }

    /// <summary>The read as the plan leaves it: the tool's rules removed (the rest added back), the adds in its firewall (created when missing).</summary>
    private static Snapshot Planned(Snapshot read, PlanNative native)
    {
        var firewalls = read.Firewalls.Select(f =>
        {
            var removed = native.Removes.Where(r => r.Firewall == f).ToList();
            if (removed.Count == 0 && f != read.WriteTo)
            {
                return f;
            }

            var keep = f.Rules.Where(r => !removed.Any(x => ReferenceEquals(x.Rule, r))).Concat(removed.Select(x => x.Remainder).OfType<FirewallRule>());
            if (f == read.WriteTo)
            {
                keep = keep.Concat(native.Adds);
            }

            var list = keep.ToList();
            return f with { Inbound = [.. list.Where(r => r.Inbound)], Outbound = [.. list.Where(r => !r.Inbound)] };
        }).ToList();
        if (native.CreatesFirewall && read.Droplet is { } droplet)
        {
            firewalls.Add(new Firewall("(to be created)", Firewall.OwnNameFor(droplet.Id), null, native.Adds, native.OutboundOpen ? OpenOutbound : [], [droplet.Id], []));
        }

        return read with { Firewalls = firewalls };
    }

    /// <summary>Every protocol to everywhere: what a droplet with no firewall could reach, kept when the tool's firewall is its first.</summary>
    private static readonly IReadOnlyList<FirewallRule> OpenOutbound =
    [
        new(false, "tcp", "all", new ApiTarget { Addresses = ["0.0.0.0/0", "::/0"] }),
        new(false, "udp", "all", new ApiTarget { Addresses = ["0.0.0.0/0", "::/0"] }),
        new(false, "icmp", null, new ApiTarget { Addresses = ["0.0.0.0/0", "::/0"] }),
    ];

    public override IReadOnlyList<Finding> Findings(CloudLayerState<Snapshot> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var read = state.Snapshot;
        var everyPort = read.Firewalls.SelectMany(f => f.Inbound
            .Where(r => r.Protocol == "tcp" && r.Range is { IsAll: true } && (r.Target.Addresses ?? []).Any(a => Cidr.TryParse(a, out var c) && c.IsInternet))
            .Select(r => (
                Title: $"every TCP port is open to the internet ({f.Label}: {r}), the database included",
                Rule: $"{f.Label}: {r}",
                Fixes: (IReadOnlyList<Fix>)[new Fix(FixKind.CloudClose, "cloud", 0, [], FirewallFixes.RemoveRule(f, r)) { Resource = f.Name, Removes = r.Doctl() }])));
        // SSH is restricted (to the management sources, a placeholder here), anything else closed to the internet.
        return ExposureCheck.Check(state.View, everyPort, port => FirewallFixes.For(read, port.Port == PortCatalog.Ssh ? FixKind.CloudRestrict : FixKind.CloudClose, port.Port, [], smtpBlocked));
    }

    public override IReadOnlyList<Fix> Fixes(CloudLayerState<Snapshot> state, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(state);
        return FirewallFixes.For(state.Snapshot, kind, port, sources, smtpBlocked);
    }

    public override async Task<CloudApplyResult> OpenAsync(CloudLayerPlan<PlanNative> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var native = plan.Native;
        // Someone may have written meanwhile: read again, plan the adds again, add only what is still missing.
        var now = await ReadSnapshotAsync(cancellationToken);
        var carried = native.Policy is { } policy ? Planner.Build(policy.DesiredRules(), now.Rules, native.Prune) : plan.Changes;
        var stillMissing = carried.ToAdd.ToList();
        var adds = native.Adds.Where(a => stillMissing.Any(m => FirewallRule.For(m).Any(a.SameAs))).ToList();
        if (adds.Count == 0)
        {
            return new CloudApplyResult(Target, [], []) { Carried = carried };
        }

        var created = new List<string>();
        string id;
        string name;
        var createdFirewall = false;
        if (now.WriteTo is { } own)
        {
            CheckLimits(now, adds, [], false, false);
            id = own.Id;
            name = own.Name;
            await client.AddRulesAsync(id, new ApiRulesBody { InboundRules = [.. adds.Select(a => a.ToApi())] }, cancellationToken);
        }
        else
        {
            var droplet = now.Droplet ?? throw new InvalidInputException($"{now.Firewalls[0].Label} is not the tool's: it adds rules only to a firewall named {Firewall.OwnPrefix}…");
            var outbound = now.Unfiltered ? OpenOutbound : [];
            var made = await client.CreateFirewallAsync(new ApiCreateFirewall
            {
                Name = Firewall.OwnNameFor(droplet.Id),
                InboundRules = [.. adds.Select(a => a.ToApi())],
                OutboundRules = outbound.Count == 0 ? null : [.. outbound.Select(a => a.ToApi())],
                DropletIds = [droplet.Id],
            }, cancellationToken);
            id = made.Id;
            name = made.Name;
            createdFirewall = true;
            created.Add($"firewall {name} ({id}) applied to {droplet.Label}{(now.Unfiltered ? " with allow-all outbound rules" : string.Empty)}");
        }

        created.AddRange(adds.Select(a => $"{a} in {name} ({id})"));
        var written = new Written(id, name, createdFirewall, adds);
        try
        {
            await SettleAsync(id, name, cancellationToken);
        }
        catch (LayerFailureException ex)
        {
            throw new LayerFailureException($"{ex.Message}; already written: {string.Join("; ", created)} (to undo: {string.Join("; ", Undo(written))})", ex);
        }

        return new CloudApplyResult<Written>(Target, created, [], written) { Carried = ReferenceEquals(carried, plan.Changes) || SameAdds(carried, plan.Changes) ? null : carried };
    }

    private static bool SameAdds(Plan a, Plan b) => a.ToAdd.Count() == b.ToAdd.Count() && a.ToAdd.All(x => b.ToAdd.Any(x.SameMatch)) && a.ToRemove.Count() == b.ToRemove.Count();

    public override async Task<CloudApplyResult> CloseAsync(CloudLayerPlan<PlanNative> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var removed = new List<string>();
        foreach (var byFirewall in plan.Native.Removes.GroupBy(r => r.Firewall.Id))
        {
            var firewall = plan.Native.Removes.First(r => r.Firewall.Id == byFirewall.Key).Firewall;
            if (!firewall.IsOwn)
            {
                continue;
            }

            // Only what is still there, exactly as it is there now (someone may have removed or changed it meanwhile).
            var now = Firewall.From(await client.GetFirewallAsync(firewall.Id, cancellationToken));
            var present = byFirewall.Select(r => (Removal: r, Now: now.Rules.FirstOrDefault(x => x.SameAs(r.Rule)))).Where(x => x.Now is not null).ToList();
            if (present.Count == 0)
            {
                continue;
            }

            try
            {
                await client.DeleteRulesAsync(firewall.Id, Body(present.Select(x => x.Now!)), cancellationToken);
                removed.AddRange(present.Select(x => $"{x.Now} in {firewall.Label}"));
                var back = present.Select(x => x.Removal.Remainder).OfType<FirewallRule>().ToList();
                if (back.Count > 0)
                {
                    await client.AddRulesAsync(firewall.Id, Body(back), cancellationToken);
                }

                await SettleAsync(firewall.Id, firewall.Name, cancellationToken);
            }
            catch (LayerFailureException ex) when (removed.Count > 0)
            {
                throw new LayerFailureException($"{ex.Message}; already removed: {string.Join("; ", removed)}", ex);
            }
        }

        return new CloudApplyResult(Target, [], removed);
    }

    private static ApiRulesBody Body(IEnumerable<FirewallRule> rules)
    {
        var list = rules.ToList();
        var inbound = list.Where(r => r.Inbound).Select(r => r.ToApi()).ToList();
        var outbound = list.Where(r => !r.Inbound).Select(r => r.ToApi()).ToList();
        return new ApiRulesBody { InboundRules = inbound.Count == 0 ? null : inbound, OutboundRules = outbound.Count == 0 ? null : outbound };
    }

    /// <summary>Polls the firewall until its status leaves "waiting" (on the injected clock); "failed" is a failure.</summary>
    private async Task SettleAsync(string id, string name, CancellationToken cancellationToken)
    {
        for (var i = 0; i < PollTimes; i++)
        {
            var firewall = await client.GetFirewallAsync(id, cancellationToken);
            switch (firewall.Status)
            {
                case "failed":
                    throw new LayerFailureException($"DigitalOcean reports the change to firewall {name} ({id}) as failed (status failed{Pending(firewall)}): check it in the control panel");
                case "waiting":
                    await Task.Delay(PollEvery, time, cancellationToken);
                    break;
                default:
                    return;
            }
        }

        throw new LayerFailureException($"firewall {name} ({id}) still shows status waiting after {(PollEvery * PollTimes).TotalSeconds:F0} s: the change was sent; check it in the control panel");
    }

    private static string Pending(ApiFirewall firewall) =>
        firewall.PendingChanges is { Count: > 0 } pending
            ? "; pending: " + string.Join(", ", pending.Select(p => $"droplet {p.DropletId.ToString(CultureInfo.InvariantCulture)} {p.Status}"))
            : string.Empty;

    public override IReadOnlyList<string> UndoCommands(CloudLayerPlan<PlanNative> plan, CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return opened is CloudApplyResult<Written> { Written: var written } ? Undo(written) : [];
    }

    private static IReadOnlyList<string> Undo(Written written) => written.CreatedFirewall
        ? [$"doctl compute firewall delete {written.FirewallId} --force"]
        : [$"doctl compute firewall remove-rules {written.FirewallId} --inbound-rules \"{string.Join(' ', written.Added.Select(a => a.Doctl()))}\""];
}
