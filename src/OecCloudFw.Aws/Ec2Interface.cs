namespace OecCloudFw.Aws;

/// <summary>
/// One network interface of an instance as DescribeInstances returns it: its own path in from the internet (its
/// subnet's network ACL, its own security groups, its own public addresses).
/// </summary>
/// <param name="Id">eni-….</param>
/// <param name="SubnetId">Its subnet (whose network ACL filters it); null when EC2 did not say.</param>
/// <param name="Groups">Its security groups.</param>
/// <param name="PublicIpv4">Its public IPv4 address (an auto-assigned public IP or an Elastic IP); null when it has none.</param>
/// <param name="ElasticIp">True when <paramref name="PublicIpv4"/> is an Elastic IP (owned by the account).</param>
/// <param name="Ipv6Addresses">Its IPv6 addresses (global: reachable from the internet when routed).</param>
/// <param name="DeviceIndex">0 for the primary interface (the one the instance's own connections leave through).</param>
internal sealed record Ec2Interface(string Id, string? SubnetId, IReadOnlyList<SecurityGroupId> Groups, string? PublicIpv4, bool ElasticIp, IReadOnlyList<string> Ipv6Addresses, int DeviceIndex)
{
    /// <summary>From DescribeInstances' networkInterfaceSet item.</summary>
    internal static Ec2Interface From(Amazon.EC2.Model.InstanceNetworkInterface eni, string? instanceSubnet, string? accountId)
    {
        ArgumentNullException.ThrowIfNull(eni);
        var publicIp = string.IsNullOrEmpty(eni.Association?.PublicIp) ? null : eni.Association.PublicIp;
        var owner = eni.Association?.IpOwnerId;
        return new Ec2Interface(
            eni.NetworkInterfaceId ?? "eni-?",
            string.IsNullOrEmpty(eni.SubnetId) ? instanceSubnet : eni.SubnetId,
            [.. (eni.Groups ?? []).Select(g => g.GroupId).OfType<string>().Distinct(StringComparer.Ordinal).Select(SecurityGroupId.Parse)],
            publicIp,
            publicIp is not null && owner is not null && !string.Equals(owner, "amazon", StringComparison.OrdinalIgnoreCase) && (accountId is null || owner == accountId || owner.All(char.IsAsciiDigit)),
            [.. (eni.Ipv6Addresses ?? []).Select(a => a.Ipv6Address).OfType<string>().Where(a => a.Length > 0)],
            eni.Attachment?.DeviceIndex ?? 0);
    }
}
