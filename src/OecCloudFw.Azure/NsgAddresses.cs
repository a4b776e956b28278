using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Azure;

/// <summary>
/// What an NSG rule's address side means, as address sets: CIDRs exactly, <c>*</c>/<c>Any</c> everything,
/// <c>Internet</c> every public address, <c>AzureLoadBalancer</c> the platform's probe address, <c>VirtualNetwork</c>
/// and application security groups perhaps any private address (never a public one), any other service tag perhaps any
/// public address (other Azure tenants, never a private one).
/// </summary>
internal static class NsgAddresses
{
    /// <summary>The private ranges (RFC 1918, shared address space, unique local): arrive inside the virtual network (Cidr.IsPrivate's list).</summary>
    public static readonly IReadOnlyList<Cidr> PrivateRanges =
        [Cidr.Parse("10.0.0.0/8"), Cidr.Parse("172.16.0.0/12"), Cidr.Parse("192.168.0.0/16"), Cidr.Parse("100.64.0.0/10"), Cidr.Parse("fc00::/7")];

    /// <summary>The address Azure's load balancer probes and platform services come from.</summary>
    public static readonly Cidr AzureLoadBalancer = Cidr.Parse("168.63.129.16/32");

    public static AddressSet Private(IpFamily family) => AddressSet.Of(family, PrivateRanges);

    public static AddressSet Public(IpFamily family) => AddressSet.All(family).Except(Private(family));

    /// <summary>Whether the tag is one of the service tags for other Azure tenants' addresses (AzureCloud, Storage.WestEurope, Sql…).</summary>
    public static bool IsOtherTenantsTag(string prefix) =>
        !Cidr.TryParse(prefix, out _) && prefix is not ("*" or "Any" or "Internet" or "VirtualNetwork" or "AzureLoadBalancer") &&
        !prefix.Equals("internet", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The remote side of a rule (the source of an inbound rule, the destination of an outbound one) as a source match;
    /// null when it holds for every address.
    /// </summary>
    public static RuleMatch? Remote(IReadOnlyList<string> prefixes, IReadOnlyList<string> asgs)
    {
        var yes = new List<Cidr>();
        var maybe = new List<Cidr>();
        var why = new List<string>();
        foreach (var prefix in prefixes)
        {
            switch (prefix)
            {
                case "*" or "Any":
                    yes.Add(Cidr.AnyIPv4);
                    yes.Add(Cidr.AnyIPv6);
                    break;
                case "Internet" or "internet":
                    yes.AddRange(Public(IpFamily.IPv4).ToCidrs());
                    yes.AddRange(Public(IpFamily.IPv6).ToCidrs());
                    break;
                case "AzureLoadBalancer":
                    yes.Add(AzureLoadBalancer);
                    break;
                case "VirtualNetwork":
                    maybe.AddRange(PrivateRanges);
                    why.Add("VirtualNetwork is taken as any private address");
                    break;
                case var _ when Cidr.TryParse(prefix, out var cidr):
                    yes.Add(cidr);
                    break;
                default:
                    maybe.AddRange(Public(IpFamily.IPv4).ToCidrs());
                    maybe.AddRange(Public(IpFamily.IPv6).ToCidrs());
                    why.Add($"service tag {prefix} is other Azure tenants' addresses (its ranges are not read)");
                    break;
            }
        }

        if (asgs.Count > 0)
        {
            maybe.AddRange(PrivateRanges);
            why.Add($"the members of {string.Join(", ", asgs.Select(Last))} are not read");
        }

        if (maybe.Count == 0)
        {
            var v4 = AddressSet.Of(IpFamily.IPv4, yes);
            var v6 = AddressSet.Of(IpFamily.IPv6, yes);
            return v4.IsAll && v6.IsAll ? null : new SourceMatch(v4, v6, false);
        }

        return SourceMatch.Partly(yes, maybe, string.Join("; ", why));
    }

    /// <summary>
    /// The VM's side of a rule (the destination of an inbound rule, the source of an outbound one): null when it holds;
    /// <c>*</c>, <c>Any</c> and <c>VirtualNetwork</c> hold; a CIDR holds when it covers one of the NIC's addresses, an
    /// application security group when the NIC joins it; with no NIC read, which VMs it targets is not known.
    /// </summary>
    public static RuleMatch? Local(IReadOnlyList<string> prefixes, IReadOnlyList<string> asgs, VmNic? nic)
    {
        if (asgs.Count > 0)
        {
            return nic is null ? FixedMatch.Unknown($"which VMs it targets is not known (application security group {string.Join(", ", asgs.Select(Last))}, no VM read)")
                : asgs.Any(nic.InGroup) ? null : FixedMatch.No;
        }

        if (prefixes.Count == 0 || prefixes.Any(p => p is "*" or "Any" or "VirtualNetwork"))
        {
            return null;
        }

        if (nic is null)
        {
            return FixedMatch.Unknown($"which VMs it targets is not known ({string.Join(", ", prefixes)}, no VM read)");
        }

        // The packet goes to the NIC's private address of its own family: an IPv4 prefix never holds an IPv6 packet.
        var cidrs = prefixes.Select(p => Cidr.TryParse(p, out var c) ? c : null).OfType<Cidr>().ToList();
        bool Holds(IpFamily family) => cidrs.Any(c => c.Family == family && nic.Addresses.Any(a => a.Family == family && c.Overlaps(a)));
        var (v4, v6) = (Holds(IpFamily.IPv4), Holds(IpFamily.IPv6));
        return v4 && v6 ? null
            : !v4 && !v6 ? FixedMatch.No
            : new FamilyMatch(v4 ? Ternary.True : Ternary.False, v6 ? Ternary.True : Ternary.False);
    }

    public static string Last(string id) => id[(id.LastIndexOf('/') + 1)..];
}
