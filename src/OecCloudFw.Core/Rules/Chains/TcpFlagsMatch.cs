namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on TCP flags (<c>--syn</c>, <c>--tcp-flags</c>, nft <c>tcp flags</c>): <paramref name="onSyn"/> for the first
/// packet (SYN alone), <paramref name="onAck"/> for the handshake's last one (ACK alone). A tracked connection's later
/// packets are let in as established; an untracked one's meet the filter again, so where the two differ the rule is
/// unknown for an untracked packet.
/// </summary>
public sealed class TcpFlagsMatch(bool onSyn, bool onAck) : RuleMatch
{
    public override string? UnknownWhy => "an untracked connection's later packets (ACK) meet this TCP flags match otherwise than its SYN";

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Untracked && onSyn != onAck)
        {
            return Ternary.Unknown;
        }

        return onSyn ? Ternary.True : Ternary.False;
    }
}
