using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Azure;

/// <summary>
/// One NSG's rules in one direction compiled to the one engine: a chain rule per security rule in priority order
/// (default rules included; first match decides), Allow accepts, Deny drops, the rule's text as evidence, and a final
/// explicit rule for what no rule matched. The VM's side of each rule is decided for <paramref name="nic"/> (unknown
/// when no VM was read).
/// </summary>
/// <param name="label">How the NSG is named in evidence: "NIC NSG web-nsg", "subnet NSG subnet-nsg".</param>
/// <param name="nsg">The NSG as read.</param>
/// <param name="inbound">Inbound or outbound rules.</param>
/// <param name="nic">The NIC it filters, or null (an NSG named alone).</param>
internal sealed class NsgChain(string label, NsgSnapshot nsg, bool inbound, VmNic? nic)
{
    public string Label => label;

    public NsgSnapshot Nsg => nsg;

    public bool Inbound => inbound;

    public VmNic? Nic => nic;

    /// <summary>The same NSG's rules the other way.</summary>
    public NsgChain Reversed() => new(label, nsg, !inbound, nic);

    private Chain? _chain;
    private Dictionary<string, NsgRule>? _byText;

    public Chain Chain => _chain ??= Compile();

    /// <summary>The security rule whose text is this evidence (or ends it), if any.</summary>
    public NsgRule? RuleOf(string evidence)
    {
        _ = Chain;
        return _byText!.TryGetValue(evidence, out var rule) ? rule : _byText.FirstOrDefault(kv => evidence.Contains(kv.Key, StringComparison.Ordinal)).Value;
    }

    /// <summary>The security rules of this NSG named in this evidence (a path's evidence names one rule per NSG on it).</summary>
    public IReadOnlyList<NsgRule> RulesIn(string evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        _ = Chain;
        return _byText!.Where(kv => evidence.Contains(kv.Key, StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
    }

    /// <summary>What this NSG does with a new packet from (inbound) or to (outbound) each part of <paramref name="peers"/>.</summary>
    public IReadOnlyList<VerdictPiece> Evaluate(Protocol protocol, int port, AddressSet peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return new ChainRuleSet(new Dictionary<string, Chain>(StringComparer.Ordinal) { [Chain.Name] = Chain }, [Chain.Name])
            .EvaluatePieces(PacketContext.For(protocol, port, peers.Family), peers);
    }

    /// <summary>The evidence text of a rule: "subnet NSG subnet-nsg: DenyAllInBound (priority 65500, Deny */* from *)".</summary>
    public string Text(NsgRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var remote = Inbound ? rule.SourcePrefixes.Concat(rule.SourceAsgs.Select(NsgAddresses.Last)) : rule.DestinationPrefixes.Concat(rule.DestinationAsgs.Select(NsgAddresses.Last));
        return $"{Label}: {rule.Name} (priority {rule.Priority.ToString(CultureInfo.InvariantCulture)}, {rule.Access} {rule.Protocol}/{string.Join(",", rule.PortRanges)} {(Inbound ? "from" : "to")} {string.Join(",", remote)})";
    }

    private Chain Compile()
    {
        var rules = new List<ChainRule>();
        var byText = new Dictionary<string, NsgRule>(StringComparer.Ordinal);
        foreach (var rule in (Inbound ? Nsg.Inbound : Nsg.Outbound).ToList())
        {
            var matches = new List<RuleMatch>();
            var protocol = rule.Protocol.ToLowerInvariant();
            switch (protocol)
            {
                case "*" or "any":
                    break;
                case "icmp":
                    matches.Add(new ProtocolMatch(["icmp", "icmpv6"], false));
                    break;
                default:
                    matches.Add(new ProtocolMatch([protocol], false));
                    break;
            }

            // ICMP has no ports: an ICMP rule, or an any-protocol rule for an ICMP packet, holds whatever its ports say.
            if (protocol != "icmp" && !rule.PortRanges.Contains("*") && rule.PortRanges.Count > 0)
            {
                var ranges = rule.PortRanges.Select(NsgRule.ParsePorts).ToList();
                matches.Add(protocol is "tcp" or "udp" ? new PortMatch(ranges, false) : new NsgPortMatch(ranges));
            }

            var local = Inbound ? NsgAddresses.Local(rule.DestinationPrefixes, rule.DestinationAsgs, Nic) : NsgAddresses.Local(rule.SourcePrefixes, rule.SourceAsgs, Nic);
            if (local is not null)
            {
                matches.Add(local);
            }

            var remote = Inbound ? NsgAddresses.Remote(rule.SourcePrefixes, rule.SourceAsgs) : NsgAddresses.Remote(rule.DestinationPrefixes, rule.DestinationAsgs);
            if (remote is not null)
            {
                matches.Add(remote);
            }

            var text = Text(rule);
            byText.TryAdd(text, rule);
            rules.Add(new ChainRule
            {
                Matches = matches,
                Target = string.Equals(rule.Access, "Deny", StringComparison.OrdinalIgnoreCase) ? ChainTarget.Drop : ChainTarget.Accept,
                Text = text,
            });
        }

        // ARM always returns the default rules (DenyAllInBound ends every NSG); this says so when a payload lacks them.
        rules.Add(new ChainRule { Target = ChainTarget.Drop, Text = $"{Label}: no rule matches" });
        _byText = byText;
        return new Chain($"{Label} {(Inbound ? "inbound" : "outbound")}", ChainTarget.Drop, rules);
    }
}
