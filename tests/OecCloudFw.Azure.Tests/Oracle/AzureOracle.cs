// The Azure brute-force oracle: written from Microsoft's documentation, not from the product's code.
//
// Pages used (the semantics each supports):
// - "How network security groups filter network traffic"
//   https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
//   (MicrosoftDocs/azure-docs articles/virtual-network/network-security-group-how-it-works.md): inbound, the subnet's
//   NSG is processed first, then the NIC's; both must allow (VM1); a NIC without NSG gets what the subnet NSG allows
//   (VM2); no subnet NSG -> the NIC NSG decides (VM3); no NSG at all -> all traffic allowed (VM4).
// - "Azure network security groups overview"
//   https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview
//   (articles/virtual-network/network-security-groups-overview.md): priorities 100-4096, lower first, processing stops
//   at the first match; protocols TCP/UDP/ICMP/ESP/AH/Any ("Any encompasses TCP, UDP, and ICMP"); port entries "80",
//   "10000-10005" and comma lists (augmented rules); source/destination = Any, IP, CIDR, service tag or ASG; inbound
//   NSGs process traffic AFTER Azure translates the public IP to the private IP (so a destination CIDR is matched
//   against the NIC's private address); the default rules AllowVNetInBound 65000 (VirtualNetwork -> VirtualNetwork),
//   AllowAzureLoadBalancerInBound 65001 (AzureLoadBalancer), DenyAllInbound 65500 and the three outbound ones.
// - REST API examples (Azure/azure-rest-api-specs, Microsoft.Network stable 2023-09-01 examples):
//   NetworkSecurityGroupGet.json (securityRules + defaultSecurityRules shape, DenyAllInBound's prefixes are "*"),
//   NetworkInterfaceGet.json (ipConfigurations[].properties.privateIPAddress/subnet/publicIPAddress,
//   properties.networkSecurityGroup), PublicIpAddressGet.json (publicIPAddressVersion, sku).
// - "Public IP addresses" https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses
//   (articles/virtual-network/ip-services/public-ip-addresses.md): Standard SKU is "secure by default ... closed to
//   inbound traffic"; an NSG allowing the traffic is required; Basic is "open by default", NSGs optional.
// - Service tags: https://learn.microsoft.com/azure/virtual-network/service-tags-overview (a tag = a Microsoft-managed
//   set of prefixes of an Azure service, regional variants like Storage.WestUS); AzureLoadBalancer = the platform's
//   health probe address 168.63.129.16 (network-security-groups-overview, "Azure platform considerations").
// The modelling contract (private ranges, unknown memberships enumerated 2^k, ANY NIC) is the project's
// (prompts/oracle-common.md, prompts/oracle-azure.md).
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>Brute-force evaluation of a NEW inbound packet against an <see cref="AzureCase"/>.</summary>
public static class AzureOracle
{
    /// <summary>Is a NEW inbound <paramref name="protocol"/> ("tcp", "udp", "icmp") packet to destination port
    /// <paramref name="port"/> (ignored for icmp) from <paramref name="source"/> admitted?</summary>
    public static OracleDecision Evaluate(AzureCase azureCase, string protocol, int port, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Compile(azureCase, protocol, port, source.AddressFamily == AddressFamily.InterNetworkV6)
            .Decide(OracleAddress.From(source));
    }

    /// <summary>One (protocol, port, family) query compiled for many addresses.</summary>
    public static Func<IPAddress, OracleDecision> Prepare(AzureCase azureCase, string protocol, int port, bool ipv6)
    {
        var q = Compile(azureCase, protocol, port, ipv6);
        return a => q.Decide(OracleAddress.From(a));
    }

    internal static AzureOracleQuery Compile(AzureCase azureCase, string protocol, int port, bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(azureCase);
        ArgumentNullException.ThrowIfNull(protocol);
        return new AzureOracleQuery(azureCase, protocol.ToLowerInvariant(), port, ipv6);
    }
}
