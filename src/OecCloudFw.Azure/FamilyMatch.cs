using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Azure;

/// <summary>
/// A match whose answer depends only on the packet's address family: a rule's destination prefixes against the NIC's
/// own private addresses (an IPv4 prefix never holds an IPv6 packet's destination).
/// </summary>
internal sealed class FamilyMatch(Ternary ipv4, Ternary ipv6) : RuleMatch
{
    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Family == IpFamily.IPv4 ? ipv4 : ipv6;
    }
}
