using Amazon.EC2;
using Amazon.EC2.Model;
using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using PortRange = OecCloudFw.Core.Net.PortRange;
using Protocol = OecCloudFw.Core.Net.Protocol;
using RuleAction = OecCloudFw.Core.Rules.RuleAction;

namespace OecCloudFw.Aws;

/// <summary>
/// Reads an EC2 security group's ingress into Core rules and applies plans to it: one read, then at most one
/// authorize carrying every missing permission (tagged as the tool's own), and revokes only by rule id.
/// </summary>
public sealed class SecurityGroupLayer(IAmazonEC2 ec2, string region, int rulesQuota = SecurityGroupLayer.DefaultRulesQuota)
{
    /// <summary>EC2's default "inbound rules per security group", enforced per address family.</summary>
    public const int DefaultRulesQuota = 60;

    private const int MaxDuplicateRounds = 3;

    private readonly Dictionary<string, PrefixListContents> _prefixLists = new(StringComparer.Ordinal);

    public string Region => region;

    /// <summary>Reads the group's ingress rules (DescribeSecurityGroupRules, every page through the SDK's paginator).</summary>
    public async Task<SecurityGroupSnapshot> ReadAsync(SecurityGroupId group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        var request = new DescribeSecurityGroupRulesRequest { Filters = [new Filter("group-id", [group.Value])] };
        var rules = await Ec2Errors.ReadAll("DescribeSecurityGroupRules", group.Value, region,
            ec2.Paginators.DescribeSecurityGroupRules(request).SecurityGroupRules, cancellationToken);

        if (rules.Count == 0)
        {
            // A filter never fails, and every existing group has at least its default egress rule unless someone
            // removed it: only then ask whether the group exists at all.
            await Ec2Errors.Call("DescribeSecurityGroups", group, region,
                () => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group.Value] }, cancellationToken));
        }

        var lists = await PrefixListsAsync(group, rules.Select(r => r.PrefixListId).OfType<string>(), cancellationToken);
        return Snapshot(group, region, rules, lists);
    }

    /// <summary>
    /// The group's rules as DescribeSecurityGroupRules returned them, normalized (pure): CIDR rules, the entries of
    /// readable prefix lists, group references and unread lists kept as peers, and every rule compiled for the engine.
    /// </summary>
    internal static SecurityGroupSnapshot Snapshot(SecurityGroupId group, string region, IReadOnlyList<SecurityGroupRule> rules, IReadOnlyDictionary<string, PrefixListContents> lists)
    {
        var ingress = rules.Where(r => r.IsEgress != true).ToList();
        var egress = new List<Rule>();
        var unreadEgress = new List<PeerRule>();
        foreach (var rule in rules.Where(r => r.IsEgress == true))
        {
            if (ToRule(rule) is { } converted)
            {
                egress.Add(converted);
            }
            else if (rule.PrefixListId is { } listId && lists.TryGetValue(listId, out var list) && ProtocolNames.TryParse(rule.IpProtocol, out var egressProtocol))
            {
                var ports = PortsOf(egressProtocol.Value, rule.FromPort, rule.ToPort);
                if (list.Entries is { } entries)
                {
                    egress.AddRange(entries.Select(e => new Rule(egressProtocol.Value, ports, e, RuleAction.Allow, $"via prefix list {listId} ({list.Name})", RuleOrigin.Foreign, rule.SecurityGroupRuleId)));
                }
                else
                {
                    unreadEgress.Add(new PeerRule(rule.SecurityGroupRuleId, egressProtocol.Value, ports, listId, PeerKind.UnreadPrefixList, list.Unread ?? "not read", list.MaxEntries, list.Family));
                }
            }
        }

        var normalized = new List<Rule>();
        var peers = new List<PeerRule>();
        foreach (var rule in ingress)
        {
            if (ToRule(rule) is { } converted)
            {
                normalized.Add(converted);
                continue;
            }

            if (!ProtocolNames.TryParse(rule.IpProtocol, out var protocol))
            {
                continue;
            }

            var ports = PortsOf(protocol.Value, rule.FromPort, rule.ToPort);
            if (rule.ReferencedGroupInfo?.GroupId is { } referenced)
            {
                peers.Add(new PeerRule(rule.SecurityGroupRuleId, protocol.Value, ports, referenced, PeerKind.SecurityGroup, "its members' private addresses", 1, null));
            }
            else if (rule.PrefixListId is { } listId && lists.TryGetValue(listId, out var list))
            {
                if (list.Entries is { } entries)
                {
                    peers.Add(new PeerRule(rule.SecurityGroupRuleId, protocol.Value, ports, listId, PeerKind.PrefixList,
                        $"{list.Name}, {entries.Count} entries, max {list.MaxEntries}", list.MaxEntries, list.Family));
                    normalized.AddRange(entries.Select(e => new Rule(protocol.Value, ports, e, RuleAction.Allow,
                        $"via prefix list {listId} ({list.Name})", RuleOrigin.Foreign, rule.SecurityGroupRuleId)));
                }
                else
                {
                    peers.Add(new PeerRule(rule.SecurityGroupRuleId, protocol.Value, ports, listId, PeerKind.UnreadPrefixList, list.Unread ?? "not read", list.MaxEntries, list.Family));
                }
            }
        }

        IReadOnlyList<Cidr>? Entries(string id) => lists.TryGetValue(id, out var list) ? list.Entries : null;
        string Unread(string id) => lists.TryGetValue(id, out var list) ? list.Unread ?? "not read" : "not read";
        return new SecurityGroupSnapshot(group, region, normalized, peers)
        {
            Egress = egress,
            UnreadEgress = unreadEgress,
            Compiled = [.. ingress.Select(r => Ec2RuleCompiler.Rule(r, group, Entries, Unread)).OfType<CompiledRule>()],
            CompiledEgress = [.. rules.Where(r => r.IsEgress == true).Select(r => Ec2RuleCompiler.Rule(r, group, Entries, Unread)).OfType<CompiledRule>()],
        };
    }

    /// <summary>The network ACLs of these subnets (DescribeNetworkAcls, one call, every page).</summary>
    internal async Task<IReadOnlyList<NetworkAclSnapshot>> ReadNetworkAclsAsync(IReadOnlyList<string> subnetIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subnetIds);
        if (subnetIds.Count == 0)
        {
            return [];
        }

        var request = new DescribeNetworkAclsRequest { Filters = [new Filter("association.subnet-id", subnetIds.ToList())] };
        var acls = await Ec2Errors.ReadAll("DescribeNetworkAcls", string.Join(",", subnetIds), region,
            ec2.Paginators.DescribeNetworkAcls(request).NetworkAcls, cancellationToken);
        return [.. AclSnapshots(acls, subnetIds)];
    }

    /// <summary>The ACLs as DescribeNetworkAcls returned them, one snapshot per associated subnet asked for (pure).</summary>
    internal static IEnumerable<NetworkAclSnapshot> AclSnapshots(IEnumerable<NetworkAcl> acls, IReadOnlyList<string> subnetIds)
    {
        foreach (var acl in acls)
        {
            var entries = (acl.Entries ?? []).Select(ToEntry).OfType<NetworkAclEntry>().ToList();
            foreach (var subnet in (acl.Associations ?? []).Select(a => a.SubnetId).Where(subnetIds.Contains))
            {
                yield return new NetworkAclSnapshot(acl.NetworkAclId, subnet, entries);
            }
        }
    }

    private static NetworkAclEntry? ToEntry(Amazon.EC2.Model.NetworkAclEntry entry)
    {
        var cidrText = entry.CidrBlock ?? entry.Ipv6CidrBlock;
        if (cidrText is null || !Cidr.TryParse(cidrText, out var peer))
        {
            return null;
        }

        Protocol? protocol = ProtocolNames.TryParse(entry.Protocol, out var known) ? known : null;
        // A range of no real port (0-0, or reversed) matches no connection: its compiled match is "no" (Ec2RuleCompiler).
        var noPort = protocol is Protocol.Tcp or Protocol.Udp && entry.PortRange is { From: { } f, To: { } t } &&
                     Math.Max(f, PortRange.MinPort) > Math.Min(t, PortRange.MaxPort);
        var ports = !noPort && protocol is Protocol.Tcp or Protocol.Udp && entry.PortRange is { From: { } from, To: { } to }
            ? new PortRange(Math.Max(from, PortRange.MinPort), Math.Min(to, PortRange.MaxPort))
            : PortRange.All;
        var icmp = entry.Protocol is "1" or "58";
        return new NetworkAclEntry(entry.RuleNumber ?? 32767, entry.Egress == true, protocol, ports, peer, entry.RuleAction == Amazon.EC2.RuleAction.Allow)
        {
            NoPort = noPort,
            RawProtocol = entry.Protocol ?? "-1",
            RawFrom = icmp ? entry.IcmpTypeCode?.Type : entry.PortRange?.From,
            RawTo = icmp ? entry.IcmpTypeCode?.Code : entry.PortRange?.To,
        };
    }

    /// <summary>
    /// The prefix lists' sizes (one DescribeManagedPrefixLists for every list not seen yet) and entries (one
    /// GetManagedPrefixListEntries per list, paged), cached for the layer's lifetime (one run). A list the identity
    /// may not read, or that is gone, is kept as unread with the reason: its rules are indeterminate, never guessed.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, PrefixListContents>> PrefixListsAsync(SecurityGroupId group, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Distinct(StringComparer.Ordinal).Where(id => !_prefixLists.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            var described = new Dictionary<string, ManagedPrefixList>(StringComparer.Ordinal);
            try
            {
                var request = new DescribeManagedPrefixListsRequest { PrefixListIds = missing };
                foreach (var list in await Ec2Errors.ReadAll("DescribeManagedPrefixLists", group.Value, region,
                             ec2.Paginators.DescribeManagedPrefixLists(request).PrefixLists, cancellationToken))
                {
                    described[list.PrefixListId] = list;
                }
            }
            catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "UnauthorizedOperation" or "InvalidPrefixListID.NotFound" or "InvalidPrefixListId.NotFound" } inner)
            {
                foreach (var id in missing)
                {
                    _prefixLists[id] = new PrefixListContents(id, null, 1, null, $"DescribeManagedPrefixLists: {inner.ErrorCode}");
                }

                return _prefixLists;
            }

            foreach (var id in missing)
            {
                if (!described.TryGetValue(id, out var list))
                {
                    _prefixLists[id] = new PrefixListContents(id, null, 1, null, "not returned by DescribeManagedPrefixLists");
                    continue;
                }

                var family = string.Equals(list.AddressFamily, "IPv6", StringComparison.OrdinalIgnoreCase) ? IpFamily.IPv6 : IpFamily.IPv4;
                var maxEntries = list.MaxEntries ?? 1;
                try
                {
                    var request = new GetManagedPrefixListEntriesRequest { PrefixListId = id };
                    var read = await Ec2Errors.ReadAll("GetManagedPrefixListEntries", id, region,
                        ec2.Paginators.GetManagedPrefixListEntries(request).Entries, cancellationToken);
                    var entries = new List<Cidr>(read.Count);
                    foreach (var entry in read)
                    {
                        if (!Cidr.TryParse(entry.Cidr, out var cidr))
                        {
                            throw new LayerFailureException($"prefix list {id} holds '{entry.Cidr}', which is not a CIDR");
                        }

                        entries.Add(cidr);
                    }

                    _prefixLists[id] = new PrefixListContents(list.PrefixListName ?? id, family, maxEntries, entries, null);
                }
                catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "UnauthorizedOperation" or "InvalidPrefixListID.NotFound" or "InvalidPrefixListId.NotFound" } inner)
                {
                    _prefixLists[id] = new PrefixListContents(list.PrefixListName ?? id, family, maxEntries, null, $"GetManagedPrefixListEntries: {inner.ErrorCode}");
                }
            }
        }

        return _prefixLists;
    }

    /// <summary>An instance's ENIs: each one's subnet, security groups and public addresses (DescribeInstances, one call).</summary>
    public async Task<Ec2InstanceNetwork> InstanceNetworkAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        AwsIds.Instance(instanceId, "instance");

        DescribeInstancesResponse response;
        try
        {
            response = await Ec2Errors.Call("DescribeInstances", instanceId, region,
                () => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken));
        }
        catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed" } inner)
        {
            throw new LayerFailureException($"instance {instanceId} not found in {region} ({inner.ErrorCode}): check --aws-region and the instance id", inner);
        }

        var instance = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault()
                       ?? throw new LayerFailureException($"instance {instanceId} not found in {region}: check --aws-region and the instance id");
        return Ec2InstanceNetwork.From(instance);
    }

    /// <summary>
    /// Adds what the plan adds in one authorize call (every missing permission, tagged as the tool's own). When someone
    /// added one of these rules meanwhile, EC2 rejects the whole call: the group is read again and
    /// <paramref name="replan"/> says what is still missing; the returned plan then reports those rules as kept.
    /// </summary>
    internal async Task<(IReadOnlyList<string> Created, Plan Plan)> AuthorizeAsync(SecurityGroupId group, Plan plan, Func<SecurityGroupSnapshot, Plan> replan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(replan);
        var created = new List<string>();
        var toAdd = plan.ToAdd.ToList();
        for (var round = 1; toAdd.Count > 0; round++)
        {
            try
            {
                var response = await Ec2Errors.Call("AuthorizeSecurityGroupIngress", group, region,
                    () => ec2.AuthorizeSecurityGroupIngressAsync(AuthorizeRequest(group, toAdd), cancellationToken));
                created.AddRange((response.SecurityGroupRules ?? []).Select(r => r.SecurityGroupRuleId));
                break;
            }
            catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "InvalidPermission.Duplicate" } && round < MaxDuplicateRounds)
            {
                plan = replan(await ReadAsync(group, cancellationToken));
                toAdd = plan.ToAdd.ToList();
            }
            catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "InvalidPermission.Duplicate" })
            {
                break;
            }
        }

        return (created, plan);
    }

    /// <summary>Revokes those of these rules that are the tool's own, by rule id (rules it did not create are never revoked).</summary>
    internal async Task<IReadOnlyList<string>> RevokeOwnAsync(SecurityGroupId group, IReadOnlyList<Rule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var ids = rules.Where(r => r.Origin == RuleOrigin.Tool && r.Id is not null).Select(r => r.Id!).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        try
        {
            await Ec2Errors.Call("RevokeSecurityGroupIngress", group, region,
                () => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Value, SecurityGroupRuleIds = ids }, cancellationToken));
        }
        catch (LayerFailureException ex) when (ex.InnerException is AmazonEC2Exception { ErrorCode: "InvalidSecurityGroupRuleId.NotFound" })
        {
            // Some are gone already (a concurrent close): revoke the ones that are left.
            var now = await ReadAsync(group, cancellationToken);
            var left = ids.Where(id => now.Rules.Any(r => r.Id == id)).ToList();
            if (left.Count > 0)
            {
                await Ec2Errors.Call("RevokeSecurityGroupIngress", group, region,
                    () => ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.Value, SecurityGroupRuleIds = left }, cancellationToken));
            }
        }

        return ids;
    }

    /// <summary>Refuses a plan that would take the group over its per-family rules quota (as EC2 would, but before any write).</summary>
    internal void EnsureWithinQuota(SecurityGroupSnapshot before, Plan plan)
    {
        foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
        {
            var after = before.CountFor(family) + plan.ToAdd.Count(r => r.Family == family);
            if (after > rulesQuota)
            {
                throw new LayerFailureException(
                    $"{before.GroupId} would have {after} {family} inbound rules, over the quota of {rulesQuota} per family: " +
                    "remove unused rules, narrow the policy, or raise the 'Inbound or outbound rules per security group' quota (and pass --rules-quota)");
            }
        }
    }

    private static AuthorizeSecurityGroupIngressRequest AuthorizeRequest(SecurityGroupId group, IReadOnlyList<Rule> rules) => new()
    {
        GroupId = group.Value,
        IpPermissions = rules
            .GroupBy(r => (r.Protocol, r.Ports))
            .Select(g =>
            {
                var permission = new IpPermission
                {
                    IpProtocol = g.Key.Protocol == Protocol.All ? "-1" : g.Key.Protocol.ToName(),
                    FromPort = g.Key.Protocol is Protocol.All or Protocol.Icmp ? -1 : g.Key.Ports.From,
                    ToPort = g.Key.Protocol is Protocol.All or Protocol.Icmp ? -1 : g.Key.Ports.To,
                };
                var v4 = g.Where(r => r.Family == IpFamily.IPv4).Select(r => new IpRange { CidrIp = r.Source.ToString(), Description = r.Description }).ToList();
                var v6 = g.Where(r => r.Family == IpFamily.IPv6).Select(r => new Ipv6Range { CidrIpv6 = r.Source.ToString(), Description = r.Description }).ToList();
                if (v4.Count > 0)
                {
                    permission.Ipv4Ranges = v4;
                }

                if (v6.Count > 0)
                {
                    permission.Ipv6Ranges = v6;
                }

                return permission;
            })
            .ToList(),
        TagSpecifications =
        [
            new TagSpecification
            {
                ResourceType = ResourceType.SecurityGroupRule,
                Tags = [new Tag(OwnershipTag.Key, OwnershipTag.Value)],
            },
        ],
    };

    internal static Rule? ToRule(SecurityGroupRule rule)
    {
        var cidrText = rule.CidrIpv4 ?? rule.CidrIpv6;
        if (cidrText is null || !Cidr.TryParse(cidrText, out var source) || !ProtocolNames.TryParse(rule.IpProtocol, out var protocol))
        {
            return null;
        }

        if (protocol is Protocol.Tcp or Protocol.Udp && rule.FromPort is { } f && f >= 0 && rule.ToPort is { } t && Math.Max(f, PortRange.MinPort) > Math.Min(t, PortRange.MaxPort))
        {
            // A range of no real port (0-0) admits no connection (its compiled match is "no"); it is not a rule of the plan.
            return null;
        }

        var ports = PortsOf(protocol.Value, rule.FromPort, rule.ToPort);
        var own = rule.Tags?.Any(t => t.Key == OwnershipTag.Key && t.Value == OwnershipTag.Value) == true;
        return new Rule(protocol.Value, ports, source, RuleAction.Allow, rule.Description, own ? RuleOrigin.Tool : RuleOrigin.Foreign, rule.SecurityGroupRuleId);
    }

    private static PortRange PortsOf(Protocol protocol, int? fromPort, int? toPort)
    {
        var from = fromPort ?? -1;
        var to = toPort ?? -1;
        return protocol is Protocol.All or Protocol.Icmp || from < 0 || (from <= 1 && to >= PortRange.MaxPort)
            ? PortRange.All
            : new PortRange(Math.Max(from, PortRange.MinPort), Math.Min(to, PortRange.MaxPort));
    }

    /// <summary>A prefix list as read: entries null when they could not be read (<paramref name="Unread"/> says why).</summary>
    internal sealed record PrefixListContents(string Name, IpFamily? Family, int MaxEntries, IReadOnlyList<Cidr>? Entries, string? Unread);
}
