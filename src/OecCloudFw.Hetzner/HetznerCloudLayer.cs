using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Hetzner;

/// <summary>
/// A Hetzner Cloud server's firewalls (or one firewall) as one cloud layer. Every firewall applied to the server (directly
/// or by label selector, up to 5) is read and combined; the view is the server's public path through them, evaluated by
/// the one engine. <c>set_rules</c> replaces a firewall's whole rule set, so a write reads the firewall again, changes
/// only the tool's own rules (description starting "oec-cloudfw:"), writes everyone else's back exactly as read, follows
/// the returned actions to the end and reads again to catch a concurrent writer. Holds no state between calls.
/// </summary>
internal sealed class HetznerCloudLayer(HcloudClient client, HetznerTarget target, ILayerReadCache? cache = null) : CloudLayer<HetznerSnapshot, HetznerNative>, IDisposable
{
    public override string Target => target.ToString();

    public void Dispose() => client.Dispose();

    public override async Task<CloudLayerState<HetznerSnapshot>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var reads = cache ?? ILayerReadCache.None;
        var key = $"{client.Endpoint.AbsoluteUri}|{client.Account}";
        var server = target.Server is { } s ? await reads.ReadAsync($"hetzner|{key}|server|{s}", () => client.ServerAsync(s, cancellationToken)) : null;
        var all = await reads.ReadAsync($"hetzner|{key}|firewalls", () => client.FirewallsAsync(cancellationToken));
        var read = Resolve(server, all);
        var lines = new List<string>();
        if (server is not null)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"server {server.Id} {server.Name} ipv4={server.PublicNet?.Ipv4?.Ip ?? "none"} ipv6={server.PublicNet?.Ipv6?.Ip ?? "none"} smtp-unblocked={(read.SmtpUnblocked ? "true" : "false")}"));
        }

        foreach (var applied in read.Firewalls)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"firewall {applied.Firewall.Id} {applied.Firewall.Name}: applied {applied.How}"));
            lines.AddRange(applied.Firewall.Rules.Select(r => HetznerRules.Line(applied.Firewall, r)));
        }

        lines.Sort(StringComparer.Ordinal);
        return new CloudLayerState<HetznerSnapshot>(Target, lines, View(read), read);
    }

    /// <summary>Which firewalls filter the server (or the firewall named), and where the tool writes.</summary>
    private HetznerSnapshot Resolve(HcloudServer? server, IReadOnlyList<HcloudFirewall> all)
    {
        HcloudFirewall? named = null;
        if (target.Firewall is { } f)
        {
            var matches = all.Where(x => HcloudClient.IsId(f) ? x.Id.ToString(CultureInfo.InvariantCulture) == f : x.Name == f).ToList();
            named = matches.Count == 1 ? matches[0] : null;
            if (named is null && (server is null || HcloudClient.IsId(f)))
            {
                throw new LayerFailureException($"hetzner: no firewall {(HcloudClient.IsId(f) ? "with id" : "named")} '{f}' in the project of HCLOUD_TOKEN ({target.FirewallFlag})");
            }
        }

        if (server is null)
        {
            return new HetznerSnapshot(null, [new AppliedFirewall(named!, "as named (no server)")], named!.Id, null, null, target.SmtpUnblocked);
        }

        var ids = (server.PublicNet?.Firewalls ?? []).Select(x => x.Id).ToHashSet();
        var applied = all.Where(x => ids.Contains(x.Id))
            .Select(x => new AppliedFirewall(x, Direct(x, server.Id) ? "directly" : "by label selector " + string.Join(", ", (x.AppliedTo ?? []).Where(a => a.Type == "label_selector").Select(a => a.LabelSelector?.Selector))))
            .ToList();
        if (named is not null)
        {
            if (!ids.Contains(named.Id))
            {
                throw new InvalidInputException($"{target.FirewallFlag} {target.Firewall}: firewall '{named.Name}' is not applied to the server {server.Name} ({target.ServerFlag} {target.Server}); apply it first (hcloud firewall apply-to-resource {HetznerFixes.Quote(named.Name)} --type server --server {server.Id.ToString(CultureInfo.InvariantCulture)}) or name a firewall applied to it");
            }

            return new HetznerSnapshot(server, applied, named.Id, null, null, target.SmtpUnblocked);
        }

        if (target.Firewall is { } create)
        {
            // A name no firewall has: created (and applied) only for a server with none; else it names the wrong thing.
            return applied.Count == 0
                ? new HetznerSnapshot(server, applied, null, create, null, target.SmtpUnblocked)
                : throw new InvalidInputException($"{target.FirewallFlag} {create}: no firewall of that name is applied to the server {server.Name} ({target.ServerFlag} {target.Server}); it has {string.Join(", ", applied.Select(a => a.Firewall.Name))}");
        }

        var direct = applied.Where(a => a.How == "directly").ToList();
        string? why = direct.Count switch
        {
            1 => null,
            0 when applied.Count == 0 => $"no firewall is applied to the server {server.Name} (nothing is filtered): give {target.FirewallFlag} NAME to create one and apply it — which closes every other inbound port",
            0 => $"the firewalls of the server {server.Name} apply by label selector only ({string.Join(", ", applied.Select(a => a.Firewall.Name))}): give {target.FirewallFlag} to say which one the tool changes",
            _ => $"{direct.Count} firewalls are applied to the server {server.Name} directly ({string.Join(", ", direct.Select(a => a.Firewall.Name))}): give {target.FirewallFlag} to say which one the tool changes",
        };
        return new HetznerSnapshot(server, applied, why is null ? direct[0].Firewall.Id : null, null, why, target.SmtpUnblocked);
    }

    private static bool Direct(HcloudFirewall firewall, long server) =>
        (firewall.AppliedTo ?? []).Any(a => a.Type == "server" && a.Server?.Id == server);

    private static PathView View(HetznerSnapshot read) =>
        new($"hetzner {(read.Server is { } s ? $"server {s.Name}" : $"firewall {read.Firewalls[0].Firewall.Name}")}", HetznerPaths.Build(read));

    private static IReadOnlyList<Rule> CoreRules(HetznerSnapshot read) => [.. read.Firewalls.SelectMany(f => HetznerRules.ToCore(f.Firewall))];

    public override CloudLayerPlan<HetznerNative> Plan(CloudLayerState<HetznerSnapshot> state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        var read = state.Snapshot;
        var plan = Planner.Build(policy.DesiredRules(), CoreRules(read), prune);
        var adds = plan.ToAdd.Select(HetznerRules.ToHcloud).ToList();
        if (adds.Count > 0)
        {
            if (read.WriteName is null)
            {
                throw new InvalidInputException($"{target.FirewallFlag}: {read.NoWriteWhy}");
            }

            IReadOnlyList<HcloudRule> kept = read.WriteTo is { } id ? Without(read.Firewall(id)!, plan.ToRemove) : [];
            EnsureWithinLimits(read.WriteName, [.. kept, .. adds]);
        }

        var writes = adds.Select(r => read.CreateName is { } name
                ? $"create firewall {name} applied to server {read.Server!.Name} with {HetznerRules.Describe(new HcloudFirewall(0, name, null, [], null), r)} (every other inbound port of the server becomes closed: a firewall denies what no rule allows)"
                : $"add {HetznerRules.Describe(read.Firewall(read.WriteTo!.Value)!, r)} (set_rules: everyone else's rules written back as read)")
            .Concat(plan.ToRemove.Select(r => $"remove {r.Id} (the tool's own; set_rules)"))
            .ToList();
        return new CloudLayerPlan<HetznerNative>(Target, state.Digest, plan, writes, new HetznerNative(policy, prune, read));
    }

    public override CloudLayerPlan<HetznerNative> PlanClose(CloudLayerState<HetznerSnapshot> state, CloseSelection selection)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(selection);
        var read = state.Snapshot;
        var plan = new Plan(CoreRules(read)
            .Where(r => selection.MatchesExactly(r) || selection.Overlaps(r))
            .Select(r => new Change(selection.Removes(r, r.Id ?? string.Empty) ? ChangeKind.Remove : ChangeKind.Extra, r)));
        var writes = plan.ToRemove.Select(r => $"remove {r.Id} (the tool's own; set_rules: everyone else's rules written back as read)").ToList();
        return new CloudLayerPlan<HetznerNative>(Target, state.Digest, plan, writes, new HetznerNative(new FirewallPolicy([], false), false, read));
    }

    public override ILayerView PlannedView(CloudLayerState<HetznerSnapshot> state, CloudLayerPlan<HetznerNative> plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(plan);
        var read = state.Snapshot;
        var adds = plan.Changes.ToAdd.Select(HetznerRules.ToHcloud).ToList();
        var firewalls = read.Firewalls
            .Select(f => f with { Firewall = f.Firewall with { Rules = [.. Without(f.Firewall, plan.Changes.ToRemove), .. f.Firewall.Id == read.WriteTo ? adds : []] } })
            .ToList();
        if (read.CreateName is { } name && adds.Count > 0)
        {
            firewalls.Add(new AppliedFirewall(new HcloudFirewall(0, name, null, adds, null), "directly (to be created)"));
        }

        return View(read with { Firewalls = firewalls });
    }

    /// <summary>
    /// How the operator removes a rule the tool leaves (not its own): <c>hcloud firewall delete-rule</c>, which removes
    /// the whole rule described — so named only where that rule holds this one source (else the others would go too).
    /// </summary>
    protected override string? RemoveCommand(CloudLayerState<HetznerSnapshot> state, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Id is not { } id || !id.StartsWith("firewall ", StringComparison.Ordinal) || state.Snapshot.Firewall(HetznerRules.FirewallOf(id)) is not { } firewall)
        {
            return null;
        }

        return firewall.Rules.FirstOrDefault(r => r.SourceIps is { Count: 1 } && HetznerRules.ToCore(firewall with { Rules = [r] }).Any(c => c.Id == id)) is { } native
            ? HetznerFixes.Delete(firewall, native)
            : null;
    }

    public override IReadOnlyList<Finding> Findings(CloudLayerState<HetznerSnapshot> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var read = state.Snapshot;
        var everyPort = read.Firewalls.SelectMany(f => f.Firewall.Rules
            .Where(r => r.Direction == "in" && r.Protocol == "tcp" && HetznerRules.TryPorts(r.Port, out var range) && range.IsAll && (r.SourceIps ?? []).Any(s => Cidr.TryParse(s, out var c) && c.IsInternet))
            .Select(r => (
                Title: $"every TCP port is open to the internet ({string.Join(", ", r.SourceIps ?? [])}), the database included",
                Rule: HetznerRules.Describe(f.Firewall, r),
                // The guide's ports re-added as exact rules first: the broad rule may be what admits 22, 80 and 443 today.
                Fixes: (IReadOnlyList<Fix>)
                [
                    new Fix(FixKind.CloudClose, "cloud", 0, [],
                    [
                        $"oec-cloudfw hetzner open --firewall {HetznerFixes.Quote(f.Firewall.Name)}",
                        HetznerRules.IsOwn(r)
                            ? $"oec-cloudfw hetzner close --firewall {HetznerFixes.Quote(f.Firewall.Name)} --port {r.Port}{string.Concat((r.SourceIps ?? []).Select(x => $" --source {x}"))} --force"
                            : HetznerFixes.Delete(f.Firewall, r),
                    ])
                    {
                        Resource = f.Firewall.Name,
                        Removes = HetznerRules.Describe(f.Firewall, r),
                    },
                ])));
        var findings = ExposureCheck.Check(state.View, everyPort, port => HetznerFixes.RemoveInternet(read, port.Port, [], restrict: port.Port == PortCatalog.Ssh)).ToList();
        if (read.Server is { } server && read.Firewalls.Count == 0)
        {
            findings.Add(new Finding("hetzner-no-firewall", Severity.Info,
                $"no Hetzner firewall is applied to the server {server.Name}: nothing is filtered in the cloud layer (the server's own firewall is all there is)",
                "public_net.firewalls is empty",
                [new Fix(FixKind.CloudOpen, "cloud", 0, [], [$"oec-cloudfw hetzner open --server {HetznerFixes.Quote(server.Name)} --firewall {HetznerFixes.Quote(server.Name + "-firewall")} (creates the firewall with the policy's ports and applies it: every other inbound port becomes closed)"])
                {
                    Resource = server.Name,
                }])
            {
                Subject = new(null, null, null, "cloud", server.Name),
            });
        }

        return findings;
    }

    public override IReadOnlyList<Fix> Fixes(CloudLayerState<HetznerSnapshot> state, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(state);
        return HetznerFixes.For(state.Snapshot, kind, port, sources);
    }

    public override async Task<CloudApplyResult> OpenAsync(CloudLayerPlan<HetznerNative> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var read = plan.Native.Read;
        if (!plan.Changes.ToAdd.Any())
        {
            return new CloudApplyResult(Target, [], []);
        }

        if (read.WriteName is null)
        {
            throw new InvalidInputException($"{target.FirewallFlag}: {read.NoWriteWhy}");
        }

        if (read.CreateName is { } name)
        {
            return await CreateAsync(plan, read, name, cancellationToken);
        }

        var id = read.WriteTo!.Value;
        var fresh = await client.FirewallAsync(id, cancellationToken);
        var changes = plan.Changes;
        Plan? carried = null;
        if (!HetznerRules.SameRules(fresh.Rules, read.Firewall(id)!.Rules))
        {
            // Someone changed the firewall since it was read: plan again from what it holds now (theirs kept as it is now).
            var others = read.Firewalls.Where(f => f.Firewall.Id != id).SelectMany(f => HetznerRules.ToCore(f.Firewall));
            carried = Planner.Build(plan.Native.Policy.DesiredRules(), [.. others, .. HetznerRules.ToCore(fresh)], plan.Native.Prune);
            changes = carried;
        }

        var adds = changes.ToAdd.Select(HetznerRules.ToHcloud)
            .Where(a => !fresh.Rules.Any(r => HetznerRules.SameRules([r], [a])))
            .ToList();
        if (adds.Count == 0)
        {
            return new CloudApplyResult(Target, [], []) { Carried = carried };
        }

        IReadOnlyList<HcloudRule> next = [.. fresh.Rules, .. adds];
        EnsureWithinLimits(fresh.Name, next);
        await WriteAsync(fresh, next, "added", adds, cancellationToken);
        var created = changes.ToAdd.Select(r => HetznerRules.Id(fresh, r)).ToList();
        return new CloudApplyResult<HetznerWritten>(Target, created, [], new HetznerWritten(fresh.Id, fresh.Name, false, read.Server?.Id, adds)) { Carried = carried };
    }

    /// <summary>A server with no firewall: the firewall is created with the tool's rules and applied to it (one call), unless someone created it meanwhile.</summary>
    private async Task<CloudApplyResult> CreateAsync(CloudLayerPlan<HetznerNative> plan, HetznerSnapshot read, string name, CancellationToken cancellationToken)
    {
        var server = read.Server!;
        var now = await client.FirewallsAsync(cancellationToken);
        if (now.FirstOrDefault(f => f.Name == name) is { } taken)
        {
            throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture, $"hetzner: a firewall named '{name}' (id {taken.Id}) was created by someone else since the read; nothing was written: run the command again to use it"));
        }

        var fresh = await client.ServerAsync(server.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (fresh.PublicNet?.Firewalls is { Count: > 0 } meanwhile)
        {
            throw new LayerFailureException($"hetzner: {meanwhile.Count} firewall(s) were applied to the server {server.Name} since the read; nothing was written: run the command again");
        }

        var adds = plan.Changes.ToAdd.Select(HetznerRules.ToHcloud).ToList();
        EnsureWithinLimits(name, adds);
        var created = await client.CreateFirewallAsync(name, adds, server.Id, cancellationToken);
        var ids = plan.Changes.ToAdd.Select(r => HetznerRules.Id(created, r)).ToList();
        var after = await client.FirewallAsync(created.Id, cancellationToken);
        if (!HetznerRules.SameRules(after.Rules, adds))
        {
            throw new LayerFailureException($"hetzner: firewall '{name}' was created (id {created.Id.ToString(CultureInfo.InvariantCulture)}) and applied to {server.Name}, but someone changed its rules right after: it now holds {after.Rules.Count} rules, not the {adds.Count} written; check it with 'hcloud firewall describe {HetznerFixes.Quote(name)}'");
        }

        return new CloudApplyResult<HetznerWritten>(Target, [$"firewall {created.Id.ToString(CultureInfo.InvariantCulture)} ({name}) created and applied to server {server.Name}", .. ids], [], new HetznerWritten(created.Id, name, true, server.Id, adds));
    }

    public override async Task<CloudApplyResult> CloseAsync(CloudLayerPlan<HetznerNative> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var removed = new List<string>();
        foreach (var byFirewall in plan.Changes.ToRemove.Where(r => r.Origin == RuleOrigin.Tool).GroupBy(r => HetznerRules.FirewallOf(r.Id!)))
        {
            try
            {
                var fresh = await client.FirewallAsync(byFirewall.Key, cancellationToken);
                var next = Without(fresh, byFirewall);
                if (next.Count == fresh.Rules.Count && HetznerRules.SameRules(next, fresh.Rules))
                {
                    continue; // already gone: nothing to write
                }

                await WriteAsync(fresh, next, "removed", [], cancellationToken);
                removed.AddRange(byFirewall.Where(r => !HetznerRules.ToCore(fresh with { Rules = next }).Any(n => n.Id == r.Id && n.Origin == RuleOrigin.Tool)).Select(r => r.Id!));
            }
            catch (LayerFailureException ex) when (removed.Count > 0)
            {
                throw new LayerFailureException($"{ex.Message}; already done before that: removed {string.Join(", ", removed)}", ex);
            }
        }

        return new CloudApplyResult(Target, [], removed);
    }

    /// <summary>The firewall's rules without the tool's own rules' sources the removals name (a rule left with no source goes); everyone else's as they are.</summary>
    private static List<HcloudRule> Without(HcloudFirewall firewall, IEnumerable<Rule> removals)
    {
        var gone = removals.Where(r => r.Origin == RuleOrigin.Tool && r.Id is not null && HetznerRules.FirewallOf(r.Id) == firewall.Id).ToList();
        var result = new List<HcloudRule>();
        foreach (var rule in firewall.Rules)
        {
            if (!HetznerRules.IsOwn(rule) || rule.Direction != "in")
            {
                result.Add(rule);
                continue;
            }

            var probe = firewall with { Rules = [rule] };
            var dropped = HetznerRules.ToCore(probe).Where(c => gone.Any(g => g.SameMatch(c))).Select(c => c.Source.ToString()).ToHashSet(StringComparer.Ordinal);
            if (dropped.Count == 0)
            {
                result.Add(rule);
                continue;
            }

            var left = (rule.SourceIps ?? []).Where(s => !(Cidr.TryParse(s, out var c) && dropped.Contains(c.ToString()))).ToList();
            if (left.Count > 0)
            {
                result.Add(rule with { SourceIps = left });
            }
        }

        return result;
    }

    /// <summary>set_rules with the whole set, its actions followed, then a read to see that what is there is what was written.</summary>
    private async Task WriteAsync(HcloudFirewall fresh, IReadOnlyList<HcloudRule> next, string verb, List<HcloudRule> adds, CancellationToken cancellationToken)
    {
        await client.SetRulesAsync(fresh.Id, next, cancellationToken);
        var after = await client.FirewallAsync(fresh.Id, cancellationToken);
        if (!HetznerRules.SameRules(after.Rules, next))
        {
            var what = adds.Count > 0 ? $"{verb} {string.Join(", ", adds.Select(a => HetznerRules.Describe(fresh, a)))}" : $"{verb} the tool's rules";
            throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                $"hetzner: firewall '{fresh.Name}' (id {fresh.Id}) was changed by someone else while the tool wrote it: the tool {what} (set_rules with {next.Count} rules), and a read right after holds {after.Rules.Count} rules that differ; whichever write came last won: check it with 'hcloud firewall describe {HetznerFixes.Quote(fresh.Name)}' and run the command again"));
        }
    }

    /// <summary>The documented limits, before anything is written.</summary>
    private static void EnsureWithinLimits(string firewall, IReadOnlyList<HcloudRule> rules)
    {
        if (rules.Count > HetznerRules.MaxRulesPerFirewall)
        {
            throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                $"hetzner: firewall '{firewall}' would hold {rules.Count} rules; Hetzner allows {HetznerRules.MaxRulesPerFirewall} rules per firewall (set_rules): nothing was written; remove rules or use another firewall (--firewall)"));
        }

        if (rules.FirstOrDefault(r => ((r.Direction == "in" ? r.SourceIps : r.DestinationIps) ?? []).Count > HetznerRules.MaxCidrsPerRule) is { } wide)
        {
            throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                $"hetzner: a rule of firewall '{firewall}' holds more than {HetznerRules.MaxCidrsPerRule} CIDRs, Hetzner's limit per rule: {wide.Description ?? wide.Protocol}; nothing was written"));
        }

        var effective = rules.Sum(r => Math.Max(1, ((r.Direction == "in" ? r.SourceIps : r.DestinationIps) ?? []).Count));
        if (effective > HetznerRules.MaxEffectiveRules)
        {
            throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                $"hetzner: firewall '{firewall}' would hold {effective} effective rules (one per CIDR); Hetzner allows {HetznerRules.MaxEffectiveRules}: nothing was written"));
        }
    }

    public override IReadOnlyList<string> UndoCommands(CloudLayerPlan<HetznerNative> plan, CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        if (opened is not CloudApplyResult<HetznerWritten> { Written: var written })
        {
            return [];
        }

        var firewall = new HcloudFirewall(written.FirewallId, written.FirewallName, null, written.Added, null);
        if (written.CreatedFirewall)
        {
            return
            [
                string.Create(CultureInfo.InvariantCulture, $"hcloud firewall remove-from-resource {HetznerFixes.Quote(written.FirewallName)} --type server --server {written.ServerId}"),
                $"hcloud firewall delete {HetznerFixes.Quote(written.FirewallName)}",
            ];
        }

        return [.. written.Added.Select(r => HetznerFixes.Delete(firewall, r))];
    }
}
