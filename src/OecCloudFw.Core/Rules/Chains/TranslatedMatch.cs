namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// Whether nat PREROUTING translated the packet's destination (nft <c>ct status dnat</c>, firewalld's
/// "ct status dnat accept" for its forward-ports): a first packet has no other status bit set yet.
/// </summary>
public sealed class TranslatedMatch(bool negated) : RuleMatch
{
    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return (packet.Original is not null) != negated ? Ternary.True : Ternary.False;
    }
}
