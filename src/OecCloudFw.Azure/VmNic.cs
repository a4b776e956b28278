using OecCloudFw.Core.Net;

namespace OecCloudFw.Azure;

/// <summary>One network interface of a VM as read: its own way in (its public IPs, its subnet's NSG, its own NSG).</summary>
/// <param name="Name">The NIC's name.</param>
/// <param name="Addresses">Its private addresses (and delegated prefixes) from its IP configurations.</param>
/// <param name="ApplicationSecurityGroups">The ids of the application security groups its IP configurations join.</param>
/// <param name="PublicIps">The public IP addresses on its IP configurations.</param>
/// <param name="NsgId">The NSG on the NIC, if any.</param>
/// <param name="SubnetNsgId">The NSG on its subnet, if any.</param>
internal sealed record VmNic(string Name, IReadOnlyList<Cidr> Addresses, IReadOnlyList<string> ApplicationSecurityGroups, IReadOnlyList<PublicIp> PublicIps, string? NsgId, string? SubnetNsgId)
{
    /// <summary>Whether the NIC joins the application security group with this id.</summary>
    internal bool InGroup(string asgId) => ApplicationSecurityGroups.Contains(asgId, StringComparer.OrdinalIgnoreCase);
}
