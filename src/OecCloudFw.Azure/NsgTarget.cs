namespace OecCloudFw.Azure;

/// <summary>Which NSG(s): one by name, or a VM's (its NICs' and their subnets').</summary>
public sealed record NsgTarget(string SubscriptionId, string ResourceGroup, string? Nsg, string? Vm)
{
    internal string NsgId(string name) =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Network/networkSecurityGroups/{name}";

    internal string VmId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Vm}";

    /// <summary>
    /// The NSG a change is written to: the one named, else the VM's NIC NSG (never the subnet's unless named: it holds
    /// other VMs too).
    /// </summary>
    /// <param name="network">The VM's NSGs as read (null when no VM is named).</param>
    /// <param name="nsgFlag">How the calling command spells the NSG flag, for the message.</param>
    internal string NsgToChange(VmNetwork? network, string nsgFlag)
    {
        if (Nsg is not null)
        {
            return NsgId(Nsg);
        }

        return network?.NicNsgs.Count > 0
            ? network.NicNsgs[0].Id
            : throw new Core.LayerFailureException($"VM {Vm} has no NSG on its network interface: pass {nsgFlag} NAME to change another one (e.g. the subnet's)");
    }
}
