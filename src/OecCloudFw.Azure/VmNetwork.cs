using OecCloudFw.Core.Net;

namespace OecCloudFw.Azure;

/// <summary>The NSGs in front of a VM: on its NICs and on their subnets. A packet needs both to admit it.</summary>
public sealed record VmNetwork(IReadOnlyList<NsgSnapshot> NicNsgs, IReadOnlyList<NsgSnapshot> SubnetNsgs)
{
    /// <summary>Admitted only if the NIC's NSG (when there is one) and the subnet's NSG (when there is one) both admit it.</summary>
    public (bool Admitted, string Evidence) Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (layer, nsgs) in new[] { ("NIC", NicNsgs), ("subnet", SubnetNsgs) })
        {
            foreach (var nsg in nsgs)
            {
                var verdict = nsg.ToRuleSet().Evaluate(protocol, port, source);
                if (!verdict.Admitted)
                {
                    return (false, $"{layer} NSG {nsg.Name}: {verdict.Evidence}");
                }
            }
        }

        return (true, "both the NIC and the subnet NSGs admit it");
    }
}
