namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// Whether a bridge is in the packet's path (<see cref="PacketContext.Bridged"/>): the bridge family's chains see only
/// such packets. Unknown when the server's links were not read.
/// </summary>
public sealed class BridgeMatch(bool negated) : RuleMatch
{
    public override string? UnknownWhy => "whether a bridge is in the packet's path is not known";

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Bridged is { } bridged ? bridged != negated ? Ternary.True : Ternary.False : Ternary.Unknown;
    }
}
