namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the TCP flags (<c>--syn</c>, <c>--tcp-flags</c>, nft <c>tcp flags</c>): it holds or not for the
/// connection's first packet (SYN alone) and for the handshake's last one (ACK alone), which the evaluator also walks
/// when the connection is untracked (its later packets are then not ESTABLISHED: each meets the rules itself).
/// </summary>
public sealed class TcpFlagsMatch(bool onSyn, bool onAck) : RuleMatch
{
    /// <summary>Whether a set of flags, as <paramref name="holds"/> judges it, matches SYN alone and ACK alone.</summary>
    public static TcpFlagsMatch For(Func<string, bool> holds, bool negated)
    {
        ArgumentNullException.ThrowIfNull(holds);
        return new TcpFlagsMatch(holds("syn") != negated, holds("ack") != negated);
    }

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return (packet.HandshakeAck ? onAck : onSyn) ? Ternary.True : Ternary.False;
    }
}
