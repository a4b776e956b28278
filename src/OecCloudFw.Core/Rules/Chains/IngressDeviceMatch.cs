namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// Whether the packet crosses the ingress hook of one of <paramref name="devices"/> (an nft netdev or inet
/// <c>hook ingress device eth0</c> chain): the interface it arrives on, or a device under it (a bridge's port, a bond's
/// slave, a VLAN's parent). True when that holds for every interface the packet may arrive on, false for none; unknown
/// in between, or when the devices under an interface were not read.
/// </summary>
public sealed class IngressDeviceMatch(IReadOnlyList<string> devices, bool negated) : RuleMatch
{
    public IReadOnlyList<string> Devices => devices;

    private readonly string _why = $"whether the packet arrives through {string.Join(", ", devices)} is not known";

    public override string? UnknownWhy => _why;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Ingress is not { Count: > 0 } ingress)
        {
            return Ternary.Unknown;
        }

        int yes = 0, no = 0;
        for (var i = 0; i < ingress.Count; i++)
        {
            if (Contains(ingress[i]))
            {
                yes++;
            }
            else if (packet.Below is { } below && i < below.Count)
            {
                var under = below[i];
                var any = false;
                for (var j = 0; j < under.Count && !any; j++)
                {
                    any = Contains(under[j]);
                }

                if (any)
                {
                    yes++;
                }
                else
                {
                    no++;
                }
            }
        }

        var result = yes == ingress.Count ? Ternary.True : no == ingress.Count ? Ternary.False : Ternary.Unknown;
        return !negated || result == Ternary.Unknown ? result : result == Ternary.True ? Ternary.False : Ternary.True;
    }

    private bool Contains(string name)
    {
        for (var i = 0; i < devices.Count; i++)
        {
            if (string.Equals(devices[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
