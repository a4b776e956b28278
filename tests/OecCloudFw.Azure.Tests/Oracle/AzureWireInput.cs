namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// What the product reads, exactly as ARM returns it. <paramref name="VmJson"/> is GET virtualMachines/{vm} (null in mode
/// NSG); <paramref name="Resources"/> maps a resource id (compared case-insensitively, as ARM ids are) to its GET JSON:
/// every NIC, subnet, public IP address and NSG the case references; <paramref name="NsgId"/> is the NSG evaluated alone
/// in mode NSG (null in mode VM).
/// </summary>
public sealed record AzureWireInput(string? VmJson, IReadOnlyDictionary<string, string> Resources, string? NsgId);
