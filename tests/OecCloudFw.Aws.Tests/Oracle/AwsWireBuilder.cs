using System.Globalization;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2;
using Amazon.EC2.Model;

/// <summary>Hand-written wire inputs for the documented examples (fields as EC2 returns them).</summary>
internal sealed class AwsWireBuilder
{
    private readonly List<NetworkAcl> _acls = [];
    private readonly List<SecurityGroupRule> _rules = [];
    private readonly List<InstanceNetworkInterface> _interfaces = [];
    private readonly Dictionary<string, IReadOnlyList<string>?> _prefixLists = new(StringComparer.Ordinal);

    /// <summary>An ACL for <paramref name="subnet"/> with the given entries plus the four '*' entries.</summary>
    public AwsWireBuilder Acl(string subnet, params NetworkAclEntry[] entries)
    {
        var id = "acl-" + _acls.Count.ToString(CultureInfo.InvariantCulture);
        _acls.Add(new NetworkAcl
        {
            NetworkAclId = id,
            Associations = [new NetworkAclAssociation { NetworkAclId = id, SubnetId = subnet }],
            Entries =
            [
                .. entries,
                Entry(true, 32767, "-1", false, "0.0.0.0/0"), Entry(true, 32767, "-1", false, "::/0"),
                Entry(false, 32767, "-1", false, "0.0.0.0/0"), Entry(false, 32767, "-1", false, "::/0"),
            ],
        });
        return this;
    }

    /// <summary>The default ACL's entries (100 all IPv4, 101 all IPv6, both directions).</summary>
    public AwsWireBuilder DefaultAcl(string subnet) => Acl(subnet,
        In(100, "-1", true, "0.0.0.0/0"), In(101, "-1", true, "::/0"),
        Out(100, "-1", true, "0.0.0.0/0"), Out(101, "-1", true, "::/0"));

    public static NetworkAclEntry In(int number, string protocol, bool allow, string cidr, int from = 0, int to = 65535) =>
        Entry(false, number, protocol, allow, cidr, from, to);

    public static NetworkAclEntry Out(int number, string protocol, bool allow, string cidr, int from = 0, int to = 65535) =>
        Entry(true, number, protocol, allow, cidr, from, to);

    private static NetworkAclEntry Entry(bool egress, int number, string protocol, bool allow, string cidr, int from = 0, int to = 65535)
    {
        var v6 = cidr.Contains(':', StringComparison.Ordinal);
        return new NetworkAclEntry
        {
            RuleNumber = number,
            Egress = egress,
            Protocol = protocol,
            RuleAction = allow ? RuleAction.Allow : RuleAction.Deny,
            CidrBlock = v6 ? null : cidr,
            Ipv6CidrBlock = v6 ? cidr : null,
            PortRange = protocol is "6" or "17" ? new PortRange { From = from, To = to } : null,
            IcmpTypeCode = protocol is "1" or "58" ? new IcmpTypeCode { Type = -1, Code = -1 } : null,
        };
    }

    /// <summary>A group with these inbound rules (and the default all-traffic egress rule).</summary>
    public AwsWireBuilder Group(string groupId, params SecurityGroupRule[] inbound)
    {
        foreach (var rule in inbound)
        {
            rule.GroupId = groupId;
            rule.IsEgress = false;
            rule.SecurityGroupRuleId = "sgr-" + _rules.Count.ToString(CultureInfo.InvariantCulture);
            _rules.Add(rule);
        }

        _rules.Add(new SecurityGroupRule
        {
            GroupId = groupId, IsEgress = true, IpProtocol = "-1", FromPort = -1, ToPort = -1, CidrIpv4 = "0.0.0.0/0",
            SecurityGroupRuleId = "sgr-" + _rules.Count.ToString(CultureInfo.InvariantCulture),
        });
        return this;
    }

    public static SecurityGroupRule FromCidr(string protocol, int from, int to, string cidr) => new()
    {
        IpProtocol = protocol,
        FromPort = from,
        ToPort = to,
        CidrIpv4 = cidr.Contains(':', StringComparison.Ordinal) ? null : cidr,
        CidrIpv6 = cidr.Contains(':', StringComparison.Ordinal) ? cidr : null,
    };

    public static SecurityGroupRule FromGroup(string protocol, int from, int to, string groupId) => new()
    {
        IpProtocol = protocol, FromPort = from, ToPort = to,
        ReferencedGroupInfo = new ReferencedSecurityGroup { GroupId = groupId, UserId = AwsCaseGenerator.AccountId },
    };

    public static SecurityGroupRule FromPrefixList(string protocol, int from, int to, string prefixListId) => new()
    {
        IpProtocol = protocol, FromPort = from, ToPort = to, PrefixListId = prefixListId,
    };

    public AwsWireBuilder PrefixList(string id, IReadOnlyList<string>? cidrs)
    {
        _prefixLists[id] = cidrs;
        return this;
    }

    /// <summary>An interface: its subnet, public IPv4 (auto-assigned or Elastic), IPv6 address, groups.</summary>
    public AwsWireBuilder Interface(string subnet, string? publicIp, bool elastic, string? ipv6, params string[] groups)
    {
        var device = _interfaces.Count;
        _interfaces.Add(new InstanceNetworkInterface
        {
            NetworkInterfaceId = "eni-" + device.ToString(CultureInfo.InvariantCulture),
            SubnetId = subnet,
            PrivateIpAddress = $"10.0.0.{10 + device}",
            Association = publicIp is null ? null : new InstanceNetworkInterfaceAssociation
            {
                PublicIp = publicIp, IpOwnerId = elastic ? AwsCaseGenerator.AccountId : "amazon",
            },
            Ipv6Addresses = ipv6 is null ? [] : [new InstanceIpv6Address { Ipv6Address = ipv6 }],
            Groups = [.. groups.Select(g => new GroupIdentifier { GroupId = g, GroupName = g })],
            Attachment = new InstanceNetworkInterfaceAttachment { DeviceIndex = device, Status = AttachmentStatus.Attached },
        });
        return this;
    }

    public AwsWireInput Build()
    {
        var primary = _interfaces.FirstOrDefault();
        var instance = new Instance
        {
            InstanceId = "i-0123456789abcdef0",
            SubnetId = primary?.SubnetId,
            PrivateIpAddress = primary?.PrivateIpAddress,
            PublicIpAddress = primary?.Association?.PublicIp,
            NetworkInterfaces = _interfaces,
        };
        return new AwsWireInput(instance, _rules, _acls, _prefixLists);
    }
}
