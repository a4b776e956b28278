using OecCloudFw.Core.Net;

namespace OecCloudFw.Azure;

/// <summary>
/// A public IP address resource on a NIC's IP configuration, as ARM returns it: its SKU (Basic: open to inbound unless an
/// NSG refuses; Standard: closed unless an NSG admits) and its family. <see cref="Unreadable"/> says why it could not be
/// read (then whether the NIC is reachable from the internet is not known).
/// </summary>
/// <param name="Name">The resource's name.</param>
/// <param name="Sku">sku.name: "Basic" or "Standard" (Standard when ARM does not say: the only SKU since September 2025).</param>
/// <param name="Address">properties.ipAddress, when allocated.</param>
/// <param name="Family">properties.publicIPAddressVersion.</param>
internal sealed record PublicIp(string Name, string Sku, string? Address, IpFamily Family)
{
    /// <summary>Why the resource could not be read (a missing permission); null when it was.</summary>
    internal string? Unreadable { get; init; }

    internal bool IsBasic => string.Equals(Sku, "Basic", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Name} ({Sku}{(Address is null ? string.Empty : $", {Address}")})";
}
