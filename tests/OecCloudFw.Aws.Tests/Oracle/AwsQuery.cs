using System.Globalization;

namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>One question asked of a case (for both families): "tcp"/"udp" to <paramref name="Port"/>, or "icmp" (echo).</summary>
public sealed record AwsQuery(string Protocol, int Port)
{
    /// <summary>The port argument of the evaluators: the port, or for icmp the echo request's type (8 / 128).</summary>
    public int PortFor(bool ipv6) => Protocol == "icmp" ? (ipv6 ? 128 : 8) : Port;

    /// <inheritdoc/>
    public override string ToString() =>
        Protocol == "icmp" ? "icmp echo" : $"{Protocol}/{Port.ToString(CultureInfo.InvariantCulture)}";
}
