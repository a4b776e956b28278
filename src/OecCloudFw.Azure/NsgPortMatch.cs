using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Azure;

/// <summary>
/// The destination ports of an NSG rule for any protocol (<c>*</c>): TCP and UDP packets by their port; an ICMP packet
/// has none, and the rule holds for it whatever its ports say.
/// </summary>
internal sealed class NsgPortMatch(IReadOnlyList<PortRange> ranges) : RuleMatch
{
    private readonly PortMatch _ports = new(ranges, false);

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Protocol == Protocol.Icmp ? Ternary.True : _ports.Evaluate(packet);
    }
}
