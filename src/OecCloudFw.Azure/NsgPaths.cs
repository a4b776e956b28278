using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Azure;

/// <summary>
/// A VM's ways in as Azure builds them, compiled to Core's <see cref="PathSet"/>: per NIC, the reachability gate (private
/// sources arrive inside the virtual network; public ones need a public IP of their family on that NIC), then the subnet's
/// NSG, then the NIC's (each must admit; outbound the same two). With no NSG on either, a Standard public IP is closed to
/// inbound and a Basic one open. An NSG named alone is one path with no gate, its rules' VM side unknown.
/// </summary>
internal static class NsgPaths
{
    /// <summary>What every VM path assumes without reading it.</summary>
    public static readonly IReadOnlyList<string> VmAssumptions =
    [
        "a public load balancer or NAT rule in front of the VM is not read (it may forward the internet to a NIC with no public IP)",
        "VirtualNetwork is taken as the private ranges (a user-defined route's or a peering's prefixes are not read)",
        "a service tag other than Internet, VirtualNetwork and AzureLoadBalancer is taken as perhaps any public address (other Azure tenants; its published ranges are not read)",
        "an application security group's members are taken as perhaps any private address",
    ];

    /// <summary>What an NSG read alone assumes.</summary>
    public static readonly IReadOnlyList<string> AloneAssumptions =
    [
        "no VM was read: whether the internet reaches it (a public IP) is not checked, and a rule whose destination is an address or an application security group is indeterminate",
        .. VmAssumptions.Skip(1),
    ];

    /// <summary>The network's paths and the NSG chains on them (for the rules behind a verdict).</summary>
    public static (PathSet Paths, IReadOnlyList<NsgChain> Chains) Compile(VmNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var chains = new List<NsgChain>();
        if (network.Nics is null)
        {
            var nsg = network.NicNsgs[0];
            var inbound = new NsgChain($"NSG {nsg.Name}", nsg, true, null);
            var outbound = inbound.Reversed();
            chains.Add(inbound);
            return (new PathSet([new PacketPath($"nsg {nsg.Name}", null, [new PathStage($"NSG {nsg.Name}", inbound.Chain, outbound.Chain, false)], AloneAssumptions)]), chains);
        }

        var paths = new List<PacketPath>();
        foreach (var nic in network.Nics)
        {
            var stages = new List<PathStage>();
            foreach (var (tier, nsg) in new[] { ("subnet", network.Find(nic.SubnetNsgId)), ("NIC", network.Find(nic.NsgId)) })
            {
                if (nsg is null)
                {
                    continue;
                }

                var inbound = new NsgChain($"{tier} NSG {nsg.Name}", nsg, true, nic);
                chains.Add(inbound);
                stages.Add(new PathStage(inbound.Label, inbound.Chain, inbound.Reversed().Chain, false));
            }

            if (stages.Count == 0)
            {
                stages.Add(Unfiltered(nic));
            }

            paths.Add(new PacketPath($"nic {nic.Name}", Gate(nic), stages, VmAssumptions));
        }

        return (new PathSet(paths), chains);
    }

    /// <summary>Private sources arrive inside the virtual network; public ones only through a public IP of their family on the NIC.</summary>
    private static Chain Gate(VmNic nic)
    {
        var rules = new List<ChainRule>
        {
            new() { Matches = [SourceMatch.Of(NsgAddresses.PrivateRanges, false)], Target = ChainTarget.Accept, Text = "a private source arrives inside the virtual network" },
        };
        foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
        {
            var publicSources = new SourceMatch(family == IpFamily.IPv4 ? NsgAddresses.Public(family) : AddressSet.Empty(IpFamily.IPv4), family == IpFamily.IPv6 ? NsgAddresses.Public(family) : AddressSet.Empty(IpFamily.IPv6), false);
            var ips = nic.PublicIps.Where(ip => ip.Unreadable is null && ip.Family == family).ToList();
            if (ips.Count > 0)
            {
                rules.Add(new ChainRule { Matches = [publicSources], Target = ChainTarget.Accept, Text = $"reached through public IP {string.Join(", ", ips)}" });
                continue;
            }

            foreach (var unreadable in nic.PublicIps.Where(ip => ip.Unreadable is not null))
            {
                rules.Add(new ChainRule { Matches = [FixedMatch.Unknown($"public IP {unreadable.Name} could not be read: {unreadable.Unreadable}"), publicSources], Target = ChainTarget.Accept, Text = $"public IP {unreadable.Name} (not read)" });
            }

            rules.Add(new ChainRule { Matches = [publicSources], Target = ChainTarget.Drop, Text = $"nic {nic.Name} has no public {family} address: not reachable from the internet" });
        }

        rules.Add(new ChainRule { Target = ChainTarget.Drop, Text = $"nic {nic.Name}: not reachable" });
        return new Chain($"reach {nic.Name}", ChainTarget.Drop, rules);
    }

    /// <summary>No NSG on the NIC nor its subnet: a Standard public IP is closed to inbound (secure by default), a Basic one open.</summary>
    private static PathStage Unfiltered(VmNic nic)
    {
        var none = $"no NSG on nic {nic.Name} nor its subnet";
        var rules = new List<ChainRule>
        {
            new() { Matches = [SourceMatch.Of(NsgAddresses.PrivateRanges, false)], Target = ChainTarget.Accept, Text = $"{none}: nothing filters a private source" },
        };
        foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
        {
            var publicSources = new SourceMatch(family == IpFamily.IPv4 ? NsgAddresses.Public(family) : AddressSet.Empty(IpFamily.IPv4), family == IpFamily.IPv6 ? NsgAddresses.Public(family) : AddressSet.Empty(IpFamily.IPv6), false);
            var ips = nic.PublicIps.Where(ip => ip.Family == family && ip.Unreadable is null).ToList();
            if (ips.FirstOrDefault(ip => ip.IsBasic) is { } basic)
            {
                rules.Add(new ChainRule { Matches = [publicSources], Target = ChainTarget.Accept, Text = $"{none}: Basic public IP {basic} is open to inbound unless an NSG refuses it" });
                continue;
            }

            foreach (var unreadable in nic.PublicIps.Where(ip => ip.Unreadable is not null))
            {
                rules.Add(new ChainRule { Matches = [FixedMatch.Unknown($"the SKU of public IP {unreadable.Name} is not known: {unreadable.Unreadable}"), publicSources], Target = ChainTarget.Accept, Text = $"{none}: public IP {unreadable.Name} (not read)" });
            }

            rules.Add(new ChainRule
            {
                Matches = [publicSources],
                Target = ChainTarget.Drop,
                Text = ips.Count > 0
                    ? $"{none}: Standard public IP {ips[0]} is closed to inbound unless an NSG admits it (secure by default)"
                    : $"{none}: a Standard public IP (the only SKU now) is closed to inbound unless an NSG admits it (secure by default)",
            });
        }

        rules.Add(new ChainRule { Target = ChainTarget.Drop, Text = $"{none}: refused" });
        var outbound = new Chain($"out {nic.Name}", ChainTarget.Accept, [new ChainRule { Target = ChainTarget.Accept, Text = $"{none}: nothing filters the way out" }]);
        return new PathStage(none, new Chain($"in {nic.Name}", ChainTarget.Drop, rules), outbound, false);
    }
}
