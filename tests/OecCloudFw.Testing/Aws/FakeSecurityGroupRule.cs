namespace OecCloudFw.Testing.Aws;

/// <summary>A security group rule as the fake EC2 keeps it.</summary>
public sealed record FakeSecurityGroupRule(
    string RuleId,
    string GroupId,
    bool IsEgress,
    string IpProtocol,
    int FromPort,
    int ToPort,
    string? CidrIpv4,
    string? CidrIpv6,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    string? PrefixListId = null,
    string? ReferencedGroupId = null)
{
    public string Cidr => CidrIpv4 ?? CidrIpv6 ?? string.Empty;

    /// <summary>What the rule admits from: a CIDR, a prefix list or a security group.</summary>
    public string Peer => CidrIpv4 ?? CidrIpv6 ?? PrefixListId ?? ReferencedGroupId ?? string.Empty;

    public bool SamePermission(FakeSecurityGroupRule other) =>
        other.IsEgress == IsEgress && other.IpProtocol == IpProtocol && other.FromPort == FromPort &&
        other.ToPort == ToPort && other.Peer == Peer;
}
