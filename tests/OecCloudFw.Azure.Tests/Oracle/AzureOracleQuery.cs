namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// A compiled (case, protocol, port, family): per NIC its reachability facts and its NSG "gates" (subnet NSG, then
/// NIC NSG), each the inbound rules that match protocol, port and destination (or whose destination is unknown), in
/// priority order. <see cref="Decide"/> resolves each rule's source for the address (true / false / unknown bit),
/// then enumerates every assignment of the unknown bits the address touches.
/// </summary>
internal sealed class AzureOracleQuery
{
    private static readonly OracleAddress LoadBalancer = OracleAddress.Parse("168.63.129.16");

    private readonly bool v6;
    private readonly bool nsgMode;
    private readonly Dictionary<string, int> keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<NicPlan> nics = [];
    private readonly Gate? alone;

    public AzureOracleQuery(AzureCase c, string protocol, int port, bool ipv6)
    {
        if (protocol is not ("tcp" or "udp" or "icmp"))
        {
            throw new ArgumentException($"protocol {protocol}", nameof(protocol));
        }
        v6 = ipv6;
        nsgMode = c.NsgMode;
        if (c.NsgUnderTest is { } under)
        {
            alone = BuildGate(c.Nsg(under), protocol, port, null);
            return;
        }
        foreach (var nic in c.Nics)
        {
            var subnet = c.Subnet(nic.Subnet);
            var gates = new List<Gate>();
            if (subnet.Nsg is { } sn)
            {
                gates.Add(BuildGate(c.Nsg(sn), protocol, port, nic));
            }
            if (nic.Nsg is { } nn)
            {
                gates.Add(BuildGate(c.Nsg(nn), protocol, port, nic));
            }
            nics.Add(new NicPlan(nic.PublicIp, nic.HasIpv6, [.. gates]));
        }
    }

    public IReadOnlyCollection<string> UnknownKeys => keys.Keys;

    public OracleDecision Decide(OracleAddress s)
    {
        if (s.V6 != v6)
        {
            throw new ArgumentException($"{s} is not of the query's family");
        }
        var isPrivate = s.IsPrivate;
        ulong relevant = 0;
        var gates = alone is null ? nics.SelectMany(n => n.Gates) : [alone];
        foreach (var g in gates)
        {
            foreach (var r in g.Rules)
            {
                r.Resolve(s, isPrivate);
                relevant |= r.SrcMask | r.DstMask;
            }
        }
        // Per NIC, what holds regardless of any unknown: 1 reachability, 2 secure by default.
        var fixedOutcome = new bool?[nics.Count];
        for (var i = 0; i < nics.Count; i++)
        {
            var n = nics[i];
            var reachable = isPrivate || (v6 ? n.HasIpv6 : n.PublicIp != PublicIpSku.None);
            if (!reachable)
            {
                fixedOutcome[i] = false;
            }
            else if (n.Gates.Length == 0)
            {
                // No NSG on subnet or NIC: a Standard public IP is closed to inbound; Basic and private are open.
                fixedOutcome[i] = isPrivate || (!v6 && n.PublicIp == PublicIpSku.Basic);
            }
        }
        bool? seen = null;
        var a = relevant;
        while (true)
        {
            var admitted = alone is not null ? alone.Passes(a) : VmAdmits(fixedOutcome, a);
            if (seen is null)
            {
                seen = admitted;
            }
            else if (seen != admitted)
            {
                return OracleDecision.Indeterminate;
            }
            if (a == 0)
            {
                break;
            }
            a = (a - 1) & relevant;
        }
        return seen == true ? OracleDecision.Admitted : OracleDecision.Refused;
    }

    private bool VmAdmits(bool?[] fixedOutcome, ulong assignment)
    {
        for (var i = 0; i < nics.Count; i++)
        {
            if (fixedOutcome[i] is { } f ? f : nics[i].Gates.All(g => g.Passes(assignment)))
            {
                return true;
            }
        }
        return false;
    }

    private int Key(string key)
    {
        if (!keys.TryGetValue(key, out var bit))
        {
            bit = keys.Count;
            if (bit >= 64)
            {
                throw new InvalidOperationException("more than 64 unknowns in one query");
            }
            keys[key] = bit;
        }
        return bit;
    }

    private Gate BuildGate(AzureNsg nsg, string protocol, int port, AzureNic? nic)
    {
        var rules = new List<(int Priority, Rule Rule)>();
        foreach (var r in nsg.Rules.Concat(nsg.DefaultRules))
        {
            if (!r.Inbound || !ProtocolMatches(r.Protocol, protocol)
                || (protocol != "icmp" && !r.DestinationPorts.Any(p => PortMatches(p, port))))
            {
                continue;
            }
            var (dstTrue, dstMask) = Destination(r, nic);
            if (!dstTrue && dstMask == 0)
            {
                continue;
            }
            var sources = r.SourcePrefixes.Select(SourceEntry).Concat(r.SourceAsgs.Select(g =>
                new Source(SourceKind.Asg, default, Key("src-asg:" + g)))).ToArray();
            rules.Add((r.Priority, new Rule(r.Allow, sources, dstTrue, dstMask)));
        }
        return new Gate([.. rules.OrderBy(x => x.Priority).Select(x => x.Rule)]);
    }

    private Source SourceEntry(string prefix)
    {
        var p = prefix.Trim();
        if (p is "*" || p.Equals("Any", StringComparison.OrdinalIgnoreCase))
        {
            return new Source(SourceKind.Any, default, 0);
        }
        if (p.Equals("Internet", StringComparison.OrdinalIgnoreCase))
        {
            return new Source(SourceKind.Internet, default, 0);
        }
        if (p.Equals("VirtualNetwork", StringComparison.OrdinalIgnoreCase))
        {
            return new Source(SourceKind.VirtualNetwork, default, Key("tag:VirtualNetwork"));
        }
        if (p.Equals("AzureLoadBalancer", StringComparison.OrdinalIgnoreCase))
        {
            return new Source(SourceKind.LoadBalancer, default, 0);
        }
        if (OracleCidr.TryParse(p, out var cidr))
        {
            return new Source(SourceKind.Cidr, cidr, 0);
        }
        return new Source(SourceKind.OtherTag, default, Key("tag:" + p));
    }

    /// <summary>Whether the rule's destination side holds the target: known true, or unknown bits (mode NSG).</summary>
    private (bool True, ulong Mask) Destination(AzureRule r, AzureNic? nic)
    {
        if (nic is null)
        {
            ulong mask = 0;
            foreach (var d in r.DestinationPrefixes.Select(x => x.Trim()))
            {
                if (d is "*" || d.Equals("Any", StringComparison.OrdinalIgnoreCase)
                    || d.Equals("VirtualNetwork", StringComparison.OrdinalIgnoreCase))
                {
                    return (true, 0);
                }
                if (OracleCidr.TryParse(d, out var cidr) && cidr.V6 == v6)
                {
                    mask |= 1UL << Key("dst-cidr:" + cidr);
                }
                // Another family's CIDR, Internet or another service tag never holds a VM's private address.
            }
            foreach (var g in r.DestinationAsgs)
            {
                mask |= 1UL << Key("dst-asg:" + g);
            }
            return (false, mask);
        }
        var own = v6 ? nic.PrivateIpv6 : nic.PrivateIp;
        foreach (var d in r.DestinationPrefixes.Select(x => x.Trim()))
        {
            if (d is "*" || d.Equals("Any", StringComparison.OrdinalIgnoreCase)
                || d.Equals("VirtualNetwork", StringComparison.OrdinalIgnoreCase))
            {
                return (true, 0);
            }
            if (own is not null && OracleCidr.TryParse(d, out var cidr) && cidr.Contains(OracleAddress.Parse(own)))
            {
                return (true, 0);
            }
        }
        return (r.DestinationAsgs.Any(g => nic.Asgs.Contains(g, StringComparer.OrdinalIgnoreCase)), 0);
    }

    internal static bool ProtocolMatches(string ruleProtocol, string protocol) => ruleProtocol.Trim().ToLowerInvariant() switch
    {
        "*" or "any" => true,
        "tcp" => protocol == "tcp",
        "udp" => protocol == "udp",
        "icmp" => protocol == "icmp",
        "esp" or "ah" => false,
        _ => throw new ArgumentException($"unknown rule protocol {ruleProtocol}"),
    };

    internal static bool PortMatches(string entry, int port)
    {
        var e = entry.Trim();
        if (e == "*")
        {
            return true;
        }
        var dash = e.IndexOf('-', StringComparison.Ordinal);
        var lo = int.Parse(dash < 0 ? e : e[..dash], System.Globalization.CultureInfo.InvariantCulture);
        var hi = dash < 0 ? lo : int.Parse(e[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return port >= lo && port <= hi;
    }

    private enum SourceKind
    {
        Any,
        Cidr,
        Internet,
        VirtualNetwork,
        LoadBalancer,
        OtherTag,
        Asg,
    }

    private readonly record struct Source(SourceKind Kind, OracleCidr Cidr, int Bit);

    private sealed record NicPlan(PublicIpSku PublicIp, bool HasIpv6, Gate[] Gates);

    private sealed class Gate(Rule[] rules)
    {
        public Rule[] Rules { get; } = rules;

        /// <summary>First match in priority order decides; no match (no defaults read) refuses.</summary>
        public bool Passes(ulong assignment)
        {
            foreach (var r in Rules)
            {
                if ((r.SrcTrue || (r.SrcMask & assignment) != 0) && (r.DstTrue || (r.DstMask & assignment) != 0))
                {
                    return r.Allow;
                }
            }
            return false;
        }
    }

    private sealed class Rule(bool allow, Source[] sources, bool dstTrue, ulong dstMask)
    {
        public bool Allow { get; } = allow;

        public bool DstTrue { get; } = dstTrue;

        public ulong DstMask { get; } = dstMask;

        public bool SrcTrue { get; private set; }

        public ulong SrcMask { get; private set; }

        public void Resolve(OracleAddress s, bool isPrivate)
        {
            SrcTrue = false;
            SrcMask = 0;
            foreach (var e in sources)
            {
                switch (e.Kind)
                {
                    case SourceKind.Any:
                        SrcTrue = true;
                        break;
                    case SourceKind.Cidr:
                        SrcTrue |= e.Cidr.Contains(s);
                        break;
                    case SourceKind.Internet:
                        SrcTrue |= !isPrivate;
                        break;
                    case SourceKind.LoadBalancer:
                        SrcTrue |= s == LoadBalancer;
                        break;
                    case SourceKind.VirtualNetwork or SourceKind.Asg:
                        SrcMask |= isPrivate ? 1UL << e.Bit : 0;
                        break;
                    case SourceKind.OtherTag:
                        SrcMask |= isPrivate ? 0 : 1UL << e.Bit;
                        break;
                    default:
                        throw new InvalidOperationException(e.Kind.ToString());
                }
            }
            if (SrcTrue)
            {
                SrcMask = 0;
            }
        }
    }
}
