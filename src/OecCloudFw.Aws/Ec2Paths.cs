using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Aws;

/// <summary>
/// An instance's ways in, compiled to the one engine: per ENI, whether the internet can address it (its public IPv4
/// or Elastic IP, its IPv6 addresses), its subnet's network ACL (rule-number order, stateless: the replies too) and its
/// own security groups (a union of allows, stateful). Without an instance: the groups (and the named subnets' ACLs)
/// with the address taken as reachable, which is said.
/// </summary>
internal static class Ec2Paths
{
    private static readonly string[] Common =
    [
        "the route from the subnet to an internet gateway is not read: a public address is taken as reachable",
        "a load balancer or NAT in front of the instance is not read",
        "sources in private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are taken to come from inside the VPC (the same VPC, peering, a VPN): no public address is needed",
        "members of a referenced security group are taken to have private addresses only",
        "clients connect from ports 1024-65535: a network ACL must let the replies back to all of them",
    ];

    public static PathSet Build(Ec2InstanceNetwork? network, IReadOnlyList<SecurityGroupSnapshot> groups, IReadOnlyList<NetworkAclSnapshot> acls)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(acls);
        if (network is { Interfaces.Count: > 0 })
        {
            return new PathSet([.. network.Interfaces.Select(eni =>
            {
                var own = groups.Where(g => eni.Groups.Contains(g.GroupId)).ToList();
                var acl = acls.FirstOrDefault(a => a.SubnetId == eni.SubnetId);
                var stages = new List<PathStage>();
                if (acl is not null)
                {
                    stages.Add(acl.Stage);
                }

                stages.Add(GroupStage(own));
                var assumptions = acl is null && eni.SubnetId is not null
                    ? [.. Common, $"the network ACL of {eni.SubnetId} was not read"]
                    : Common;
                return new PacketPath($"{eni.Id}{(eni.SubnetId is null ? string.Empty : $" ({eni.SubnetId})")}", Reach(eni), stages, assumptions);
            })]);
        }

        IReadOnlyList<string> unknown = [.. Common.Skip(1), "no instance was named: whether it has a public address is not known, so it is taken as reachable from the internet"];
        if (acls.Count == 0)
        {
            return new PathSet([new PacketPath("security groups", null, [GroupStage(groups)], unknown)]);
        }

        return new PathSet([.. acls.DistinctBy(a => a.SubnetId).Select(acl =>
            new PacketPath(acl.SubnetId, null, groups.Count == 0 ? [acl.Stage] : [acl.Stage, GroupStage(groups)], unknown))]);
    }

    /// <summary>The groups of one ENI as one stateful stage: a union of allows over "nothing else admits it".</summary>
    public static PathStage GroupStage(IReadOnlyList<SecurityGroupSnapshot> groups)
    {
        var ids = string.Join(", ", groups.Select(g => g.GroupId.Value));
        var name = $"security groups {ids}";
        var inbound = new Chain(name, ChainTarget.Drop,
            [.. groups.SelectMany(g => g.IngressRules).Select(r => r.Rule), Ec2RuleCompiler.Otherwise(false, $"no rule of {ids} admits it")]);
        var outbound = new Chain(name + " (egress)", ChainTarget.Drop,
            [.. groups.SelectMany(g => g.EgressRules).Select(r => r.Rule), Ec2RuleCompiler.Otherwise(false, $"no egress rule of {ids} allows it (the default 'all traffic to 0.0.0.0/0' egress rule is gone)")]);
        return new PathStage(name, inbound, outbound, Stateless: false);
    }

    /// <summary>Who can address the ENI: private sources from inside the VPC; the internet only through its public addresses.</summary>
    private static Chain Reach(Ec2Interface eni)
    {
        var rules = new List<ChainRule>
        {
            new() { Matches = [SourceMatch.Of(Cidr.Private, false)], Target = ChainTarget.Accept, Text = "from a private address (inside the VPC: no public address needed)" },
            new()
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv4], false)],
                Target = eni.PublicIpv4 is null ? ChainTarget.Drop : ChainTarget.Accept,
                Text = eni.PublicIpv4 is { } ip
                    ? $"public IPv4 {ip} ({(eni.ElasticIp ? "Elastic IP" : "auto-assigned public IP")})"
                    : $"{eni.Id} has no public IPv4 address (no public IP, no Elastic IP): not reachable from the internet",
            },
            new()
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv6], false)],
                Target = eni.Ipv6Addresses.Count == 0 ? ChainTarget.Drop : ChainTarget.Accept,
                Text = eni.Ipv6Addresses.Count == 0
                    ? $"{eni.Id} has no IPv6 address: not reachable from the internet over IPv6"
                    : $"IPv6 {string.Join(", ", eni.Ipv6Addresses)}",
            },
        };
        return new Chain($"reach {eni.Id}", ChainTarget.Drop, rules);
    }
}
