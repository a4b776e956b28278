using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Azure;

/// <summary>One NSG as read in one GET: its rules (defaults included) and what it is attached to.</summary>
public sealed record NsgSnapshot(string Id, string Name, IReadOnlyList<NsgRule> Rules, IReadOnlyList<string> NetworkInterfaces, IReadOnlyList<string> Subnets)
{
    public IEnumerable<NsgRule> Inbound => Rules.Where(r => r.Inbound).OrderBy(r => r.Priority);

    public IEnumerable<NsgRule> Outbound => Rules.Where(r => !r.Inbound).OrderBy(r => r.Priority);

    /// <summary>Inbound rules in priority order over the default rules; first match decides (DenyAllInBound ends it). For planning.</summary>
    public RuleSet ToRuleSet() => new(Inbound.SelectMany(r => r.ToCoreRules()), RuleAction.Deny);

    /// <summary>
    /// The custom inbound allows that actually decide for what they match: one shadowed by a Deny (or another rule) at
    /// a higher priority never admits anything, so it is no exposure.
    /// </summary>
    public IReadOnlyList<Rule> EffectiveAllows()
    {
        var set = ToRuleSet();
        return set.Rules.Where(r => r.Action == RuleAction.Allow && r.Origin != RuleOrigin.Default &&
                                    ReferenceEquals(set.Evaluate(r.Protocol == Protocol.All ? Protocol.Tcp : r.Protocol, r.Ports.From, r.Source).DecidedBy, r)).ToList();
    }

    /// <summary>
    /// What the NSG does with a new connection: inbound from <paramref name="peer"/>, or outbound to it. Rules in
    /// priority order, first match decides. A rule whose VM-side prefix is a specific address or whose either side is an
    /// application security group may or may not be this VM's: it is followed both ways, and only a rule that would
    /// change the answer makes it indeterminate (named).
    /// </summary>
    /// <param name="inbound">Inbound from, or outbound to, <paramref name="peer"/>.</param>
    /// <param name="protocol">The packet's protocol.</param>
    /// <param name="port">The destination port.</param>
    /// <param name="peer">The remote end.</param>
    /// <param name="vmAddresses">The VM's private addresses, when its NIC was read: a rule for another address is not its.</param>
    /// <param name="vmAsgs">The application security groups of the VM's NIC, when read.</param>
    public (Decision Decision, string Evidence) Decide(bool inbound, Protocol protocol, int port, Cidr peer, IReadOnlyList<Cidr>? vmAddresses = null, IReadOnlyList<string>? vmAsgs = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var rules = (inbound ? Inbound : Outbound).ToList();
        return Decide(rules, 0, protocol, port, peer, inbound, vmAddresses, vmAsgs);
    }

    private (Decision Decision, string Evidence) Decide(List<NsgRule> rules, int start, Protocol protocol, int port, Cidr peer, bool inbound, IReadOnlyList<Cidr>? vmAddresses, IReadOnlyList<string>? vmAsgs)
    {
        for (var i = start; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!rule.CoversProtocol(protocol) || !rule.PortRanges.Select(NsgRule.ParsePorts).Any(r => r.Contains(port)))
            {
                continue;
            }

            var remote = inbound ? rule.SourcePrefixes : rule.DestinationPrefixes;
            var remoteAsgs = inbound ? rule.SourceAsgs : rule.DestinationAsgs;
            var local = inbound ? rule.DestinationPrefixes : rule.SourcePrefixes;
            var localAsgs = inbound ? rule.DestinationAsgs : rule.SourceAsgs;
            // An ASG's members are VMs in the virtual network: a private peer may be one, the internet never.
            var remoteMatch = remote.SelectMany(NsgRule.ToCidrs).Any(c => c.Contains(peer)) ? true
                : remoteAsgs.Count > 0 && peer.IsPrivate ? (bool?)null : false;
            if (remoteMatch == false)
            {
                continue;
            }

            // The VM's own side: *, Any and VirtualNetwork hold it; a specific prefix holds it when it covers one of
            // the VM's addresses, an ASG when the VM's NIC is in it; unknown when the NIC was not read.
            bool? localMatch;
            if (localAsgs.Count > 0)
            {
                localMatch = vmAsgs is null ? null : localAsgs.Any(a => vmAsgs.Contains(a, StringComparer.OrdinalIgnoreCase));
            }
            else if (local.Any(l => l is "*" or "Any" or "VirtualNetwork"))
            {
                localMatch = true;
            }
            else
            {
                var cidrs = local.Select(l => Cidr.TryParse(l, out var c) ? c : null).ToList();
                localMatch = cidrs.Any(c => c is null) || vmAddresses is null ? null : cidrs.Any(c => vmAddresses.Any(a => c!.Overlaps(a)));
            }

            if (localMatch == false)
            {
                continue;
            }

            var allow = string.Equals(rule.Access, "Allow", StringComparison.OrdinalIgnoreCase);
            var text = $"{Name}: {rule.Name} (priority {rule.Priority.ToString(CultureInfo.InvariantCulture)}, {rule.Access} {rule.Protocol}/{string.Join(",", rule.PortRanges)} {(inbound ? "from" : "to")} {string.Join(",", remote.Concat(remoteAsgs.Select(Last)))})";
            if (remoteMatch == true && localMatch == true)
            {
                return (allow ? Decision.Admitted : Decision.Refused, text);
            }

            var otherwise = Decide(rules, i + 1, protocol, port, peer, inbound, vmAddresses, vmAsgs);
            if (otherwise.Decision == (allow ? Decision.Admitted : Decision.Refused))
            {
                return otherwise;
            }

            var unknown = remoteMatch is null ? $"whether {peer} is in {string.Join(", ", remoteAsgs.Select(Last))}" : $"whether this VM is {string.Join(", ", local.Concat(localAsgs.Select(Last)))}";
            return (Decision.Indeterminate, $"{text}: {unknown} is not known");
        }

        return (Decision.Refused, $"{Name}: no rule matches");
    }

    private static string Last(string id) => id[(id.LastIndexOf('/') + 1)..];
}
