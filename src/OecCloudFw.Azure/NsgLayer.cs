using System.Globalization;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Azure;

/// <summary>
/// Azure NSGs as a layer: one GET per NSG; new rules named <c>oecfw-…</c> at free priorities placed above any Deny that
/// would shadow them, one rule with plural prefixes and ports where the semantics allow; only its own rules changed.
/// </summary>
public sealed class NsgLayer(INetworkApi api)
{
    private const int MinPriority = 100;
    private const int MaxPriority = 4096;
    private const int ConflictRetries = 5;

    public async Task<NsgSnapshot> ReadAsync(string nsgId, CancellationToken cancellationToken = default)
    {
        var json = await Call(() => api.GetAsync(nsgId, cancellationToken), $"network security group {Name(nsgId)}", "Microsoft.Network/networkSecurityGroups/read");
        var p = json["properties"];
        var rules = (p?["securityRules"] as JsonArray ?? []).Select(r => NsgRule.Parse(r!, false))
            .Concat((p?["defaultSecurityRules"] as JsonArray ?? []).Select(r => NsgRule.Parse(r!, true)))
            .ToList();
        static List<string> Ids(JsonNode? array) => (array as JsonArray ?? []).Select(x => x?["id"]?.GetValue<string>()).OfType<string>().ToList();
        return new NsgSnapshot(json["id"]?.GetValue<string>() ?? nsgId, json["name"]?.GetValue<string>() ?? Name(nsgId), rules, Ids(p?["networkInterfaces"]), Ids(p?["subnets"]));
    }

    /// <summary>The NSGs of a VM and the rest of its NICs' paths: each NIC's NSG, its subnet's NSG, its addresses, application security groups and public IPs.</summary>
    internal async Task<VmNetwork> ReadVmAsync(NsgTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var vm = await Call(() => api.GetAsync(target.VmId, cancellationToken), $"virtual machine {target.Vm}", "Microsoft.Compute/virtualMachines/read");
        var nicIds = (vm["properties"]?["networkProfile"]?["networkInterfaces"] as JsonArray ?? []).Select(n => n?["id"]?.GetValue<string>()).OfType<string>().ToList();
        var nics = new List<VmNic>();
        var subnetNsgIds = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var nicId in nicIds)
        {
            var nic = await Call(() => api.GetAsync(nicId, cancellationToken), $"network interface {Name(nicId)}", "Microsoft.Network/networkInterfaces/read");
            var configurations = (nic["properties"]?["ipConfigurations"] as JsonArray ?? []).Select(c => c?["properties"]).OfType<JsonNode>().ToList();
            // Every IP configuration of a NIC is in one subnet.
            var subnetId = configurations.Select(c => c["subnet"]?["id"]?.GetValue<string>()).OfType<string>().FirstOrDefault();
            if (subnetId is not null && !subnetNsgIds.ContainsKey(subnetId))
            {
                var subnet = await Call(() => api.GetAsync(subnetId, cancellationToken), $"subnet {Name(subnetId)}", "Microsoft.Network/virtualNetworks/subnets/read");
                subnetNsgIds[subnetId] = subnet["properties"]?["networkSecurityGroup"]?["id"]?.GetValue<string>();
            }

            var publicIps = new List<PublicIp>();
            foreach (var ipId in configurations.Select(c => c["publicIPAddress"]?["id"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
            {
                publicIps.Add(await ReadPublicIpAsync(ipId, cancellationToken));
            }

            nics.Add(new VmNic(
                nic["name"]?.GetValue<string>() ?? Name(nicId),
                configurations.Select(c => c["privateIPAddress"]?.GetValue<string>()).Select(a => Cidr.TryParse(a, out var cidr) ? cidr : null).OfType<Cidr>().ToList(),
                configurations.SelectMany(c => c["applicationSecurityGroups"] as JsonArray ?? []).Select(a => a?["id"]?.GetValue<string>()).OfType<string>().ToList(),
                publicIps,
                nic["properties"]?["networkSecurityGroup"]?["id"]?.GetValue<string>(),
                subnetId is null ? null : subnetNsgIds[subnetId]));
        }

        var read = new List<NsgSnapshot>();
        async Task<NsgSnapshot> Once(string id)
        {
            if (read.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                return known;
            }

            var nsg = await ReadAsync(id, cancellationToken);
            read.Add(nsg);
            return nsg;
        }

        var nicNsgs = new List<NsgSnapshot>();
        foreach (var id in nics.Select(n => n.NsgId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            nicNsgs.Add(await Once(id));
        }

        var subnetNsgs = new List<NsgSnapshot>();
        foreach (var id in nics.Select(n => n.SubnetNsgId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            subnetNsgs.Add(await Once(id));
        }

        return new VmNetwork(nicNsgs, subnetNsgs) { Nics = nics };
    }

    /// <summary>A public IP address resource: its SKU, address and family; one that cannot be read (permissions) says why.</summary>
    private async Task<PublicIp> ReadPublicIpAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var ip = await Call(() => api.GetAsync(id, cancellationToken), $"public IP address {Name(id)}", "Microsoft.Network/publicIPAddresses/read");
            var version = ip["properties"]?["publicIPAddressVersion"]?.GetValue<string>();
            return new PublicIp(
                ip["name"]?.GetValue<string>() ?? Name(id),
                ip["sku"]?["name"]?.GetValue<string>() ?? "Standard",
                ip["properties"]?["ipAddress"]?.GetValue<string>(),
                string.Equals(version, "IPv6", StringComparison.OrdinalIgnoreCase) ? IpFamily.IPv6 : IpFamily.IPv4);
        }
        catch (LayerFailureException ex)
        {
            return new PublicIp(Name(id), "unknown", null, IpFamily.IPv4) { Unreadable = ex.Message };
        }
    }

    /// <summary>
    /// The plan for one NSG (pure): add what the NSG does not admit yet (its rules compiled to the one engine, defaults
    /// included, over the whole of each wanted source: two rules splitting a source admit it, split Denies refuse it),
    /// keep what it admits, report other allows as extra. With <paramref name="prune"/>, the tool's own rules are cut to
    /// what the policy wants: a rule that admits more (SSH from anywhere in the tool's combined 22/80/443 rule, when SSH
    /// is wanted only from a management address) is narrowed to the rest, or deleted when nothing wanted remains; what
    /// that takes away is added back in a rule of its own, created before anything is narrowed or deleted.
    /// </summary>
    /// <param name="nsg">The NSG as read.</param>
    /// <param name="policy">What should be admitted.</param>
    /// <param name="prune">Also cut the tool's own rules to the policy.</param>
    /// <param name="nic">The NIC the NSG filters (for rules aimed at an address or application security group); null when no VM was read.</param>
    internal static OpenPlan PlanOpen(NsgSnapshot nsg, FirewallPolicy policy, bool prune, VmNic? nic = null)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(policy);
        var desired = policy.DesiredRules();
        var toDelete = new List<string>();
        var narrowed = new List<NsgRule>();
        var changes = new List<Change>();
        if (prune)
        {
            foreach (var rule in nsg.Inbound.Where(r => r.IsOwn && string.Equals(r.Access, "Allow", StringComparison.OrdinalIgnoreCase)))
            {
                bool Wanted(string ports, string source) =>
                    NsgRule.ToCidrs(source).All(c => desired.Any(d => d.Action == RuleAction.Allow && Same(rule.Protocol, d.Protocol) && d.Ports.Contains(NsgRule.ParsePorts(ports)) && d.Source.Contains(c)))
                    && NsgRule.ToCidrs(source).Any();
                var keptPorts = rule.PortRanges.Where(p => rule.SourcePrefixes.All(s => Wanted(p, s))).ToList();
                var keptSources = rule.SourcePrefixes.Where(s => rule.PortRanges.All(p => Wanted(p, s))).ToList();
                if (keptPorts.Count == rule.PortRanges.Count)
                {
                    continue;
                }

                var cut = keptPorts.Count > 0 ? rule with { PortRanges = keptPorts } : keptSources.Count > 0 ? rule with { SourcePrefixes = keptSources } : null;
                if (cut is null)
                {
                    toDelete.Add(rule.Name);
                }
                else
                {
                    narrowed.Add(cut);
                }

                var kept = cut?.ToCoreRules().ToHashSet() ?? [];
                changes.AddRange(rule.ToCoreRules().Where(c => !kept.Contains(c)).Select(c => new Change(ChangeKind.Remove, c)));
            }
        }

        var replaced = narrowed.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var after = nsg with { Rules = [.. nsg.Rules.Where(r => !toDelete.Contains(r.Name) && !replaced.Contains(r.Name)), .. narrowed] };
        var chain = new NsgChain($"NSG {nsg.Name}", after, true, nic);
        var deciding = new HashSet<string>(StringComparer.Ordinal);
        foreach (var wanted in desired)
        {
            // "From anywhere" means from the internet: the public addresses (the Internet tag); the virtual network's own
            // sources are VirtualNetwork's (AllowVnetInBound), not the policy's concern.
            var sources = wanted.Source.IsInternet ? NsgAddresses.Public(wanted.Source.Family) : AddressSet.Of(wanted.Source);
            var pieces = new[] { wanted.Ports.From, wanted.Ports.To }.Distinct()
                .SelectMany(port => (wanted.Protocol == Protocol.All ? [Protocol.Tcp, Protocol.Udp] : new[] { wanted.Protocol }).SelectMany(p => chain.Evaluate(p, port, sources)))
                .ToList();
            var rules = pieces.Select(p => chain.RuleOf(p.Evidence)).ToList();
            if (pieces.All(p => p.Decision == Decision.Admitted))
            {
                deciding.UnionWith(rules.OfType<NsgRule>().Select(r => r.Name));
                changes.Add(new Change(ChangeKind.Keep, wanted, rules.OfType<NsgRule>().SelectMany(r => r.ToCoreRules()).FirstOrDefault()));
            }
            else
            {
                changes.Add(new Change(ChangeKind.Add, wanted));
            }
        }

        foreach (var rule in after.Inbound.Where(r => !r.IsDefault && string.Equals(r.Access, "Allow", StringComparison.OrdinalIgnoreCase) && !deciding.Contains(r.Name)))
        {
            // A rule that decides a wanted port stays; any other is extra, and removed only if it is ours and --prune
            // (which the cut above already did).
            if (rule.ToCoreRules().FirstOrDefault() is { } core)
            {
                changes.Add(new Change(ChangeKind.Extra, core));
            }
        }

        var plan = new Plan(changes);
        return new OpenPlan(plan, Layout(nsg, plan.ToAdd.ToList()), toDelete, narrowed);
    }

    private static bool Same(string nsgProtocol, Protocol protocol) => nsgProtocol.ToLowerInvariant() switch
    {
        "tcp" => protocol == Protocol.Tcp,
        "udp" => protocol == Protocol.Udp,
        "icmp" => protocol == Protocol.Icmp,
        "*" or "any" => protocol == Protocol.All,
        _ => false,
    };

    /// <summary>
    /// Creates these rules (a priority taken meanwhile moves to the next free one). If one fails, the ones it created
    /// are deleted again before the failure is reported: the NSG is never left half-changed.
    /// </summary>
    internal async Task<IReadOnlyList<NewSecurityRule>> WriteAsync(NsgSnapshot nsg, IReadOnlyList<NewSecurityRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(rules);
        var used = nsg.Inbound.Select(r => r.Priority).Concat(rules.Select(r => r.Priority)).ToHashSet();
        var written = new List<NewSecurityRule>();
        try
        {
            foreach (var rule in rules)
            {
                written.Add(await PutWithConflictRetryAsync(nsg, rule, used, cancellationToken));
            }
        }
        catch (LayerFailureException) when (written.Count > 0)
        {
            await DeleteAsync(nsg, written.Select(r => r.Name).ToList(), CancellationToken.None);
            throw;
        }

        return written;
    }

    /// <summary>Deletes these security rules of the NSG, by name.</summary>
    internal async Task DeleteAsync(NsgSnapshot nsg, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            await Call(() => Unit(api.DeleteSecurityRuleAsync($"{nsg.Id}/securityRules/{name}", cancellationToken)), $"security rule {name}", "Microsoft.Network/networkSecurityGroups/securityRules/delete");
        }
    }

    /// <summary>Writes these rules of the tool's own again as they are given (a close took ports or sources out of them).</summary>
    internal async Task NarrowAsync(NsgSnapshot nsg, IReadOnlyList<NsgRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var rule in rules)
        {
            var properties = Properties(new NewSecurityRule(rule.Name, rule.Priority, rule.Protocol, rule.SourcePrefixes, rule.PortRanges, rule.Description ?? string.Empty));
            await Call(() => Unit(api.PutSecurityRuleAsync($"{nsg.Id}/securityRules/{rule.Name}", properties, cancellationToken)), $"security rule {rule.Name}", "Microsoft.Network/networkSecurityGroups/securityRules/write");
        }
    }

    /// <summary>Groups the missing rules into as few NSG rules as the semantics allow, each at a free priority below any shadowing Deny.</summary>
    internal static List<NewSecurityRule> Layout(NsgSnapshot nsg, IReadOnlyList<Rule> missing)
    {
        var used = nsg.Inbound.Select(r => r.Priority).ToHashSet();
        var result = new List<NewSecurityRule>();
        var byPort = missing.GroupBy(r => (r.Protocol, r.Ports))
            .Select(g => (g.Key.Protocol, g.Key.Ports, Sources: Prefixes(g.Select(r => r.Source)), Descriptions: g.Select(r => r.Description ?? string.Empty).Distinct().ToList()))
            .ToList();
        foreach (var group in byPort.GroupBy(p => (p.Protocol, Key: string.Join(',', p.Sources))))
        {
            var ports = group.Select(g => g.Ports).OrderBy(p => p.From).ToList();
            var sources = group.First().Sources;
            var priority = FreePriority(nsg, used, group.Key.Protocol, ports, sources);
            used.Add(priority);
            var portTexts = ports.Select(p => p.IsSingle ? p.From.ToString(CultureInfo.InvariantCulture) : $"{p.From}-{p.To}").ToList();
            var name = $"{NsgRule.OwnPrefix}{group.Key.Protocol.ToName()}-{string.Join('_', portTexts)}-{priority.ToString(CultureInfo.InvariantCulture)}";
            var description = string.Join("; ", group.SelectMany(g => g.Descriptions).Where(d => d.Length > 0).Distinct());
            result.Add(new NewSecurityRule(name.Length > 80 ? name[..80] : name, priority, Capitalize(group.Key.Protocol), sources, portTexts, description));
        }

        return result;
    }

    private async Task<NewSecurityRule> PutWithConflictRetryAsync(NsgSnapshot nsg, NewSecurityRule rule, HashSet<int> used, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await api.PutSecurityRuleAsync($"{nsg.Id}/securityRules/{rule.Name}", Properties(rule), cancellationToken);
                return rule;
            }
            catch (ArmFailureException ex) when (ex.Code is "SecurityRuleConflict" or "SecurityRulesConflict" && attempt < ConflictRetries)
            {
                // Someone took this priority meanwhile: the next free slot that is still above any shadowing Deny.
                var ports = rule.Ports.Select(NsgRule.ParsePorts).ToList();
                var protocol = ProtocolNames.TryParse(rule.Protocol, out var p) ? p.Value : Protocol.All;
                used.Add(rule.Priority);
                var priority = FreePriority(nsg, used, protocol, ports, rule.Sources, above: rule.Priority);
                used.Add(priority);
                var name = rule.Name[..rule.Name.LastIndexOf('-')] + "-" + priority.ToString(CultureInfo.InvariantCulture);
                rule = rule with { Priority = priority, Name = name };
            }
            catch (ArmFailureException ex)
            {
                throw ex.ToLayerFailure($"security rule {rule.Name} in {nsg.Name}", "Microsoft.Network/networkSecurityGroups/securityRules/write");
            }
        }
    }

    private static int FreePriority(NsgSnapshot nsg, HashSet<int> used, Protocol protocol, IReadOnlyList<PortRange> ports, IReadOnlyList<string> sources, int above = MinPriority - 1)
    {
        var cidrs = sources.SelectMany(NsgRule.ToCidrs).ToList();
        var shadow = nsg.Inbound.Where(r => !r.IsDefault && r.Access == "Deny")
            .Where(r => r.ToCoreRules().Any(d => ports.Any(p => d.Protocol.Covers(protocol) && (d.Protocol == Protocol.All || d.Ports.Overlaps(p))) && cidrs.Any(c => d.Source.Overlaps(c))))
            .Select(r => r.Priority)
            .DefaultIfEmpty(MaxPriority + 1)
            .Min();
        for (var priority = Math.Max(MinPriority, above + 1); priority < shadow && priority <= MaxPriority; priority++)
        {
            if (!used.Contains(priority))
            {
                return priority;
            }
        }

        throw new LayerFailureException($"no free priority in {nsg.Name} between {MinPriority} and the Deny rule at {shadow} that would shadow the new rule: free one, or move the Deny down");
    }

    private static JsonObject Properties(NewSecurityRule rule)
    {
        var properties = new JsonObject
        {
            ["description"] = rule.Description,
            ["protocol"] = rule.Protocol,
            ["sourcePortRange"] = "*",
            ["destinationAddressPrefix"] = "*",
            ["access"] = "Allow",
            ["priority"] = rule.Priority,
            ["direction"] = "Inbound",
        };
        if (rule.Sources.Count == 1)
        {
            properties["sourceAddressPrefix"] = rule.Sources[0];
        }
        else
        {
            properties["sourceAddressPrefixes"] = new JsonArray([.. rule.Sources.Select(s => (JsonNode)s!)]);
        }

        if (rule.Ports.Count == 1)
        {
            properties["destinationPortRange"] = rule.Ports[0];
        }
        else
        {
            properties["destinationPortRanges"] = new JsonArray([.. rule.Ports.Select(s => (JsonNode)s!)]);
        }

        return properties;
    }

    /// <summary>Sources as NSG prefixes: both internets become "*", one stays a CIDR.</summary>
    private static List<string> Prefixes(IEnumerable<Cidr> sources)
    {
        var list = sources.Distinct().ToList();
        if (list.Contains(Cidr.AnyIPv4) && list.Contains(Cidr.AnyIPv6))
        {
            // "*" covers every other source, and ARM takes it only as the single prefix, never in a plural list.
            return ["*"];
        }

        return list.Select(PrefixText).Order(StringComparer.Ordinal).ToList();
    }

    internal static string PrefixText(Cidr cidr) => cidr.Equals(Cidr.AnyIPv6) ? "::/0" : cidr.ToString();

    private static string Capitalize(Protocol protocol) => protocol switch
    {
        Protocol.Tcp => "Tcp",
        Protocol.Udp => "Udp",
        Protocol.Icmp => "Icmp",
        _ => "*",
    };

    private static string Name(string id) => id[(id.LastIndexOf('/') + 1)..];

    private static async Task<bool> Unit(Task task)
    {
        await task;
        return true;
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, string what, string action)
    {
        try
        {
            return await call();
        }
        catch (ArmFailureException ex)
        {
            throw ex.ToLayerFailure(what, action);
        }
    }
}
