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
    IReadOnlyDictionary<string, string> Tags)
{
    public string Cidr => CidrIpv4 ?? CidrIpv6 ?? string.Empty;

    public bool SamePermission(FakeSecurityGroupRule other) =>
        other.IsEgress == IsEgress && other.IpProtocol == IpProtocol && other.FromPort == FromPort &&
        other.ToPort == ToPort && other.Cidr == Cidr;
}
