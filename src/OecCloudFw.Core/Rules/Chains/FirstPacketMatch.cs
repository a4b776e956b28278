namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the TCP flags (<c>--syn</c>, <c>--tcp-flags</c>, nft <c>tcp flags</c>), which the parser answers for a new
/// connection's first packet (SYN alone); for a packet of an established connection its flags are not known.
/// </summary>
public sealed class FirstPacketMatch(RuleMatch first) : RuleMatch
{
    public override string? Condition => first.Condition;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Established ? Ternary.Unknown : first.Evaluate(packet);
    }
}
