using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the ICMP type of an ICMP packet (a cloud rule's "type 8"); the evaluator's ICMP packet carries its type in
/// <see cref="PacketContext.Port"/> (an echo request: 8 over IPv4, 128 over IPv6). Never matches TCP or UDP.
/// </summary>
public sealed class IcmpTypeMatch(int type) : RuleMatch
{
    /// <summary>An echo request's type for the family (what a ping sends).</summary>
    public static int EchoRequest(IpFamily family) => family == IpFamily.IPv4 ? 8 : 128;

    /// <summary>An echo reply's type for the family.</summary>
    public static int EchoReply(IpFamily family) => family == IpFamily.IPv4 ? 0 : 129;

    public int Type => type;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Protocol == Protocol.Icmp && packet.Port == type ? Ternary.True : Ternary.False;
    }
}
