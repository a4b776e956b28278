namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2;
using Amazon.EC2.Model;

/// <summary>
/// Deliberately wrong "products" (the oracle on a distorted input) to prove the harness can fail, and the faithful
/// one (the oracle itself) to prove it does not cry wolf.
/// </summary>
internal static class AwsMutantProducts
{
    public static readonly ProductEvaluator Faithful = AwsOracle.Compile;

    public static readonly ProductEvaluator AlwaysIndeterminate = (_, _, _, _) => _ => OracleDecision.Indeterminate;

    public static readonly ProductEvaluator AlwaysAdmitted = (_, _, _, _) => _ => OracleDecision.Admitted;

    /// <summary>Ignores the custom deny entries of the network ACLs (keeps the '*' rules).</summary>
    public static readonly ProductEvaluator IgnoresAclDenies = (input, protocol, port, ipv6) =>
        AwsOracle.Compile(input with
        {
            Acls = [.. input.Acls.Select(a => WithEntries(a, a.Entries.Where(e => e.RuleNumber == 32767 || e.RuleAction != RuleAction.Deny)))],
        }, protocol, port, ipv6);

    /// <summary>Takes the ACL entries in the order listed rather than by rule number.</summary>
    public static readonly ProductEvaluator AclInListOrder = (input, protocol, port, ipv6) =>
        AwsOracle.Compile(input with
        {
            Acls = [.. input.Acls.Select(a => WithEntries(a, a.Entries.Select((e, i) => Copy(e, e.RuleNumber == 32767 ? 32767 : i + 1))))],
        }, protocol, port, ipv6);

    /// <summary>Forgets that ACLs are stateless: no check of the reply.</summary>
    public static readonly ProductEvaluator IgnoresReplyCheck = (input, protocol, port, ipv6) =>
        AwsOracle.Compile(input with
        {
            Acls = [.. input.Acls.Select(a => WithEntries(a, a.Entries.Where(e => e.Egress != true)
                .Append(new NetworkAclEntry { RuleNumber = 1, Egress = true, Protocol = "-1", RuleAction = RuleAction.Allow, CidrBlock = "0.0.0.0/0" })
                .Append(new NetworkAclEntry { RuleNumber = 2, Egress = true, Protocol = "-1", RuleAction = RuleAction.Allow, Ipv6CidrBlock = "::/0" })))],
        }, protocol, port, ipv6);

    /// <summary>Treats every interface as reachable from the internet on both families.</summary>
    public static readonly ProductEvaluator IgnoresReachability = (input, protocol, port, ipv6) =>
        AwsOracle.Compile(input with
        {
            Instance = new Instance
            {
                InstanceId = input.Instance.InstanceId,
                NetworkInterfaces = [.. input.Instance.NetworkInterfaces.Select(n => new InstanceNetworkInterface
                {
                    NetworkInterfaceId = n.NetworkInterfaceId,
                    SubnetId = n.SubnetId,
                    Groups = n.Groups,
                    Attachment = n.Attachment,
                    Association = new InstanceNetworkInterfaceAssociation { PublicIp = "3.3.3.3", IpOwnerId = "amazon" },
                    Ipv6Addresses = [new InstanceIpv6Address { Ipv6Address = "2600:1f18::1" }],
                })],
            },
        }, protocol, port, ipv6);

    /// <summary>Takes a referenced security group as "anyone".</summary>
    public static readonly ProductEvaluator ReferencedGroupsMatchEveryone = (input, protocol, port, ipv6) =>
        AwsOracle.Compile(input with
        {
            Rules = [.. input.Rules.SelectMany(r => r.ReferencedGroupInfo is null ? [r]
                : new[] { Copy(r, "0.0.0.0/0", null), Copy(r, null, "::/0") })],
        }, protocol, port, ipv6);

    public static ProductEvaluator ByName(string name) => name switch
    {
        nameof(AlwaysAdmitted) => AlwaysAdmitted,
        nameof(IgnoresAclDenies) => IgnoresAclDenies,
        nameof(AclInListOrder) => AclInListOrder,
        nameof(IgnoresReplyCheck) => IgnoresReplyCheck,
        nameof(IgnoresReachability) => IgnoresReachability,
        nameof(ReferencedGroupsMatchEveryone) => ReferencedGroupsMatchEveryone,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such mutant"),
    };

    private static NetworkAcl WithEntries(NetworkAcl acl, IEnumerable<NetworkAclEntry> entries) => new()
    {
        NetworkAclId = acl.NetworkAclId, Associations = acl.Associations, Entries = [.. entries],
    };

    private static NetworkAclEntry Copy(NetworkAclEntry e, int ruleNumber) => new()
    {
        RuleNumber = ruleNumber, Egress = e.Egress, Protocol = e.Protocol, RuleAction = e.RuleAction, CidrBlock = e.CidrBlock,
        Ipv6CidrBlock = e.Ipv6CidrBlock, PortRange = e.PortRange, IcmpTypeCode = e.IcmpTypeCode,
    };

    private static SecurityGroupRule Copy(SecurityGroupRule r, string? v4, string? v6) => new()
    {
        GroupId = r.GroupId, IsEgress = r.IsEgress, IpProtocol = r.IpProtocol, FromPort = r.FromPort, ToPort = r.ToPort,
        CidrIpv4 = v4, CidrIpv6 = v6, SecurityGroupRuleId = r.SecurityGroupRuleId,
    };
}
