using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>
/// The product's answer for one (case, protocol, port, family): a lookup address -> decision, built by the lead.
/// <paramref name="protocol"/> is "tcp", "udp" or "icmp"; for "icmp" <paramref name="port"/> is the echo request's
/// ICMP type (8 for IPv4, 128 for IPv6).
/// </summary>
public delegate Func<IPAddress, OracleDecision> ProductEvaluator(AwsWireInput input, string protocol, int port, bool ipv6);
