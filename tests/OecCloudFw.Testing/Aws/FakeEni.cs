namespace OecCloudFw.Testing.Aws;

/// <summary>One network interface of a fake instance: its security groups, subnet and public addresses.</summary>
/// <param name="Groups">Its security groups.</param>
public sealed record FakeEni(IReadOnlyList<string> Groups)
{
    /// <summary>Its id; null: one is made when the instance is created.</summary>
    public string? Id { get; init; }

    /// <summary>Its subnet; null: the instance's.</summary>
    public string? SubnetId { get; init; }

    /// <summary>Its public IPv4 address; null: none (a private instance).</summary>
    public string? PublicIp { get; init; }

    /// <summary>True when <see cref="PublicIp"/> is an Elastic IP (owned by the account, not "amazon").</summary>
    public bool ElasticIp { get; init; }

    /// <summary>Its IPv6 address; null: none.</summary>
    public string? Ipv6 { get; init; }

    /// <summary>Its primary private IPv4 address; null: one is made (10.x.y.z, unique per instance and ENI).</summary>
    public string? PrivateIp { get; init; }

    /// <summary>Its secondary private IPv4 addresses, after the primary in its privateIpAddressesSet.</summary>
    public IReadOnlyList<string> SecondaryPrivateIps { get; init; } = [];
}
