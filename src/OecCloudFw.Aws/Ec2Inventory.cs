using System.Net;
using AddressFamily = System.Net.Sockets.AddressFamily;
using Amazon.EC2;
using Amazon.EC2.Model;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Aws;

/// <summary>
/// The running instances a tag selector names, read with DescribeInstances through the SDK's paginator (every page), as
/// a fleet's servers: each one's addresses, the setting that names its cloud layer, and its Ansible-style groups.
/// </summary>
internal static class Ec2Inventory
{
    /// <summary>The group every listed instance is in, as Ansible's aws_ec2 inventory plugin names it.</summary>
    public const string Group = "aws_ec2";

    /// <summary>EC2's largest DescribeInstances page.</summary>
    private const int PageSize = 1000;

    /// <summary>The instances, ordered by id; an API failure is a <see cref="Core.LayerFailureException"/> naming the cause.</summary>
    public static async Task<IReadOnlyList<CloudServer>> ListAsync(IAmazonEC2 ec2, string region, Ec2TagSelector selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        ArgumentNullException.ThrowIfNull(selector);
        // Paginated (MaxResults), as EC2 recommends: an unpaginated DescribeInstances may be throttled or time out.
        var request = new DescribeInstancesRequest { Filters = selector.Filters(), MaxResults = PageSize };
        var reservations = await Ec2Errors.ReadAll("DescribeInstances", $"instances tagged {selector}", region,
            ec2.Paginators.DescribeInstances(request).Reservations, cancellationToken);

        // An instance is listed once even when a page boundary splits its reservation or the listing shifts meanwhile.
        return
        [
            .. reservations.SelectMany(r => r.Instances ?? [])
                .Where(i => !string.IsNullOrEmpty(i.InstanceId))
                .DistinctBy(i => i.InstanceId, StringComparer.Ordinal)
                .OrderBy(i => i.InstanceId, StringComparer.Ordinal)
                .Select(Server),
        ];
    }

    /// <summary>
    /// One instance as a server: named by its id; public addresses its public IPv4 then its primary ENI's IPv6
    /// addresses; private addresses its primary private IPv4 then every other private IPv4 of its ENIs; its cloud
    /// layer the instance; its groups <c>aws_ec2</c> and <c>tag_KEY_VALUE</c> per tag.
    /// </summary>
    internal static CloudServer Server(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var enis = (instance.NetworkInterfaces ?? []).OrderBy(n => n.Attachment?.DeviceIndex ?? 0).ToList();
        var primary = enis.FirstOrDefault(n => (n.Attachment?.DeviceIndex ?? 0) == 0);

        var publicAddresses = Addresses(
            [instance.PublicIpAddress ?? primary?.Association?.PublicIp], AddressFamily.InterNetwork)
            .Concat(Addresses([.. (primary?.Ipv6Addresses ?? []).Select(a => a.Ipv6Address)], AddressFamily.InterNetworkV6));
        var privateAddresses = Addresses(
            [
                instance.PrivateIpAddress,
                .. enis.SelectMany(e => (IEnumerable<string?>)
                [
                    e.PrivateIpAddress,
                    .. (e.PrivateIpAddresses ?? []).OrderByDescending(p => p.Primary == true).Select(p => p.PrivateIpAddress),
                ]),
            ],
            AddressFamily.InterNetwork);
        var groups = (instance.Tags ?? [])
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => InventoryGroup.Keyed("tag", t.Key, t.Value ?? string.Empty));
        return new CloudServer(
            instance.InstanceId,
            [.. publicAddresses.Distinct(StringComparer.Ordinal)],
            [.. privateAddresses.Distinct(StringComparer.Ordinal)],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["instance"] = instance.InstanceId },
            [Group, .. groups.Where(g => g != Group).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The addresses of one family, as strings (IPv4 dotted, IPv6 compressed); what is empty or not an address of that family is left out.</summary>
    private static IEnumerable<string> Addresses(IEnumerable<string?> candidates, AddressFamily family) =>
        candidates
            .Select(a => IPAddress.TryParse(a, out var address) && address.AddressFamily == family ? address.ToString() : null)
            .OfType<string>();
}
