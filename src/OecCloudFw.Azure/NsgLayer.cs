using System.Globalization;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

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

    /// <summary>The NSGs of a VM: each NIC's, and each NIC subnet's.</summary>
    public async Task<VmNetwork> ReadVmAsync(NsgTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var vm = await Call(() => api.GetAsync(target.VmId, cancellationToken), $"virtual machine {target.Vm}", "Microsoft.Compute/virtualMachines/read");
        var nicIds = (vm["properties"]?["networkProfile"]?["networkInterfaces"] as JsonArray ?? []).Select(n => n?["id"]?.GetValue<string>()).OfType<string>().ToList();
        var nicNsgs = new List<string>();
        var subnetIds = new List<string>();
        var addresses = new List<Cidr>();
        var asgs = new List<string>();
        foreach (var nicId in nicIds)
        {
            var nic = await Call(() => api.GetAsync(nicId, cancellationToken), $"network interface {Name(nicId)}", "Microsoft.Network/networkInterfaces/read");
            if (nic["properties"]?["networkSecurityGroup"]?["id"]?.GetValue<string>() is { } nsg)
            {
                nicNsgs.Add(nsg);
            }

            var configurations = (nic["properties"]?["ipConfigurations"] as JsonArray ?? []).Select(c => c?["properties"]).OfType<JsonNode>().ToList();
            subnetIds.AddRange(configurations.Select(c => c["subnet"]?["id"]?.GetValue<string>()).OfType<string>());
            addresses.AddRange(configurations.Select(c => c["privateIPAddress"]?.GetValue<string>()).Select(a => Cidr.TryParse(a, out var cidr) ? cidr : null).OfType<Cidr>());
            asgs.AddRange(configurations.SelectMany(c => c["applicationSecurityGroups"] as JsonArray ?? []).Select(a => a?["id"]?.GetValue<string>()).OfType<string>());
        }

        var subnetNsgs = new List<string>();
        foreach (var subnetId in subnetIds.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var subnet = await Call(() => api.GetAsync(subnetId, cancellationToken), $"subnet {Name(subnetId)}", "Microsoft.Network/virtualNetworks/subnets/read");
            if (subnet["properties"]?["networkSecurityGroup"]?["id"]?.GetValue<string>() is { } nsg)
            {
                subnetNsgs.Add(nsg);
            }
        }

        var nics = new List<NsgSnapshot>();
        foreach (var id in nicNsgs.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            nics.Add(await ReadAsync(id, cancellationToken));
        }

        var subnets = new List<NsgSnapshot>();
        foreach (var id in subnetNsgs.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            subnets.Add(nics.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.OrdinalIgnoreCase)) ?? await ReadAsync(id, cancellationToken));
        }

        return new VmNetwork(nics, subnets) { Addresses = addresses, ApplicationSecurityGroups = asgs };
    }

    /// <summary>
    /// The plan for one NSG (pure): add what the NSG does not admit yet (evaluated in priority order, defaults
    /// included), keep what it admits, report other allows as extra; with <paramref name="prune"/>, delete the tool's
    /// own extras. Returns the rules it would create (names, priorities) and the names it would delete.
    /// </summary>
    public static (Plan Plan, IReadOnlyList<NewSecurityRule> NewRules, IReadOnlyList<string> ToDelete) PlanOpen(NsgSnapshot nsg, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(policy);
        var rules = nsg.ToRuleSet();
        var desired = policy.DesiredRules();
        bool Admitted(Rule r) => rules.Evaluate(r.Protocol, r.Ports.From, r.Source).Admitted && rules.Evaluate(r.Protocol, r.Ports.To, r.Source).Admitted;
        var changes = desired.Select(r => Admitted(r)
            ? new Change(ChangeKind.Keep, r, rules.Evaluate(r.Protocol, r.Ports.From, r.Source).DecidedBy)
            : new Change(ChangeKind.Add, r)).ToList();
        var deciding = changes.Where(c => c.CoveredBy?.Id is not null).Select(c => c.CoveredBy!.Id).ToHashSet(StringComparer.Ordinal);
        var toDelete = new List<string>();
        foreach (var rule in nsg.Inbound.Where(r => !r.IsDefault && r.Access == "Allow"))
        {
            // A rule that decides a wanted port stays; any other is extra, and removed only if it is ours and --prune.
            var core = rule.ToCoreRules().ToList();
            if (core.Count == 0 || core.Any(c => deciding.Contains(c.Id!)))
            {
                continue;
            }

            var remove = prune && rule.IsOwn;
            if (remove)
            {
                toDelete.Add(rule.Name);
            }

            changes.Add(new Change(remove ? ChangeKind.Remove : ChangeKind.Extra, core[0]));
        }

        var plan = new Plan(changes);
        return (plan, Layout(nsg, plan.ToAdd.ToList()), toDelete);
    }

    /// <summary>
    /// Creates these rules (a priority taken meanwhile moves to the next free one). If one fails, the ones it created
    /// are deleted again before the failure is reported: the NSG is never left half-changed.
    /// </summary>
    public async Task<IReadOnlyList<NewSecurityRule>> WriteAsync(NsgSnapshot nsg, IReadOnlyList<NewSecurityRule> rules, CancellationToken cancellationToken = default)
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
    public async Task DeleteAsync(NsgSnapshot nsg, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nsg);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            await Call(() => Unit(api.DeleteSecurityRuleAsync($"{nsg.Id}/securityRules/{name}", cancellationToken)), $"security rule {name}", "Microsoft.Network/networkSecurityGroups/securityRules/delete");
        }
    }

    /// <summary>Writes these rules of the tool's own again as they are given (a close took ports or sources out of them).</summary>
    public async Task NarrowAsync(NsgSnapshot nsg, IReadOnlyList<NsgRule> rules, CancellationToken cancellationToken = default)
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
