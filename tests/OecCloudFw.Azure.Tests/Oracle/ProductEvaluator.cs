using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// The product's answer for one (case, protocol, port, family): a lookup source address -> decision. Protocol is "tcp",
/// "udp" or "icmp" (an echo request: ICMP type 8 / ICMPv6 type 128); port is the destination port (0 for icmp, where it
/// is not used); <paramref name="ipv6"/> says which family the addresses passed to the lookup are.
/// </summary>
public delegate Func<IPAddress, OracleDecision> ProductEvaluator(AzureWireInput input, string protocol, int port, bool ipv6);
