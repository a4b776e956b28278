namespace OecCloudFw.Testing.Aws;

/// <summary>
/// An EC2 instance as the fake holds it: what DescribeInstances reports and filters on (its state, tags, placement,
/// reservation) and its network interfaces, primary first.
/// </summary>
public sealed record FakeInstance
{
    /// <summary>Its id (i-…); null: one is made when it is added.</summary>
    public string? Id { get; init; }

    /// <summary>The reservation (launch request) it belongs to; null: a reservation of its own. Instances sharing one are listed under one reservation item.</summary>
    public string? ReservationId { get; init; }

    /// <summary>pending | running | shutting-down | terminated | stopping | stopped.</summary>
    public string State { get; init; } = "running";

    /// <summary>Its tags, in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>Its Availability Zone.</summary>
    public string AvailabilityZone { get; init; } = "us-east-1a";

    /// <summary>Its subnet (and its ENIs' unless they name their own); null: none said.</summary>
    public string? SubnetId { get; init; }

    /// <summary>Its ENIs, primary (device index 0) first.</summary>
    public IReadOnlyList<FakeEni> Interfaces { get; init; } = [];

    /// <summary>Tags from pairs: <c>Tagged(("Role", "web"), ("Env", "prod"))</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Tagged(params (string Key, string Value)[] tags) =>
        [.. tags.Select(t => KeyValuePair.Create(t.Key, t.Value))];
}
