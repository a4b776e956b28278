namespace OecCloudFw.Aws;

/// <summary>An instance's network interfaces as read (DescribeInstances): each its own path in.</summary>
public sealed record Ec2InstanceNetwork
{
    internal Ec2InstanceNetwork(string instanceId, IReadOnlyList<Ec2Interface> interfaces)
    {
        InstanceId = instanceId;
        Interfaces = interfaces;
    }

    /// <summary>i-….</summary>
    public string InstanceId { get; }

    /// <summary>Its ENIs, primary first.</summary>
    internal IReadOnlyList<Ec2Interface> Interfaces { get; }

    /// <summary>Every security group on any of its ENIs, in ENI order.</summary>
    public IReadOnlyList<SecurityGroupId> Groups => [.. Interfaces.SelectMany(i => i.Groups).Distinct()];

    /// <summary>Every subnet of its ENIs, in ENI order.</summary>
    public IReadOnlyList<string> Subnets => [.. Interfaces.Select(i => i.SubnetId).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>From DescribeInstances' instance (its networkInterfaceSet; the primary first).</summary>
    internal static Ec2InstanceNetwork From(Amazon.EC2.Model.Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var enis = (instance.NetworkInterfaces ?? []).Select(n => Ec2Interface.From(n, instance.SubnetId, null)).OrderBy(i => i.DeviceIndex).ToList();
        if (enis.Count == 0 && instance.SecurityGroups is { Count: > 0 } groups)
        {
            // EC2-Classic-shaped answers list the groups on the instance only: one interface with its public address.
            enis.Add(new Ec2Interface("primary interface", instance.SubnetId, [.. groups.Select(g => g.GroupId).OfType<string>().Select(SecurityGroupId.Parse)],
                string.IsNullOrEmpty(instance.PublicIpAddress) ? null : instance.PublicIpAddress, false, [], 0));
        }

        return new Ec2InstanceNetwork(instance.InstanceId ?? "i-?", enis);
    }
}
