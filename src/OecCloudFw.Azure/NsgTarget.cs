namespace OecCloudFw.Azure;

/// <summary>Which NSG(s): one by name, or a VM's (its NICs' and their subnets').</summary>
public sealed record NsgTarget(string SubscriptionId, string ResourceGroup, string? Nsg, string? Vm)
{
    public string NsgId(string name) =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Network/networkSecurityGroups/{name}";

    public string VmId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{Vm}";
}
