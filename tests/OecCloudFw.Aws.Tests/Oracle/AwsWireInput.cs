
namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>What the product gets: exactly what EC2 returns for one instance.</summary>
/// <param name="Instance">DescribeInstances: the instance with its NetworkInterfaces.</param>
/// <param name="Rules">DescribeSecurityGroupRules for every group of every interface (ingress and egress).</param>
/// <param name="Acls">DescribeNetworkAcls: the ACLs (each subnet of the instance is in exactly one ACL's Associations).</param>
/// <param name="PrefixLists">Prefix list id -> its CIDRs (GetManagedPrefixListEntries); null = unreadable.</param>
public sealed record AwsWireInput(
    Instance Instance,
    IReadOnlyList<SecurityGroupRule> Rules,
    IReadOnlyList<NetworkAcl> Acls,
    IReadOnlyDictionary<string, IReadOnlyList<string>?> PrefixLists);
