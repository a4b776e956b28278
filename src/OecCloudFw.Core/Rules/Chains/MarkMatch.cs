namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the packet's mark (nft <c>meta mark 0x10</c>, <c>meta mark and 0xff == 0x10</c>; Docker's
/// <c>--bridge-accept-fwmark</c> rule): <c>mark &amp; mask == value</c>. Unknown when the packet's mark is not known.
/// </summary>
public sealed class MarkMatch(uint value, uint mask, bool negated) : RuleMatch
{
    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Mark is not { } mark)
        {
            return Ternary.Unknown;
        }

        return ((mark & mask) == value) != negated ? Ternary.True : Ternary.False;
    }
}
