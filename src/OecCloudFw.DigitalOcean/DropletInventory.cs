using System.Globalization;
using System.Net;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// The droplets of a tag as a fleet's entries (<c>--inventory digitalocean:tag:NAME</c>): the active ones only, named
/// by their droplet name, reached by their public IPv4 then IPv6, grouped by tag as the community.digitalocean Ansible
/// inventory's keyed groups on tags would name them.
/// </summary>
internal static class DropletInventory
{
    /// <summary>The group every listed droplet is in.</summary>
    public const string Group = "digitalocean";

    /// <summary>
    /// Droplet names need not be unique in an account: droplets sharing a name are each named <c>NAME-ID</c> (the
    /// fleet's names must be unique; the id is what the cloud layer reads anyway).
    /// </summary>
    public static IReadOnlyList<CloudServer> From(IEnumerable<ApiDroplet> droplets)
    {
        ArgumentNullException.ThrowIfNull(droplets);
        var active = droplets.Where(d => d.Status == "active").GroupBy(d => d.Id).Select(g => g.First()).ToList();
        var shared = active.GroupBy(d => d.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return [.. active
            .Select(d => ToCloud(d, shared.Contains(d.Name) ? $"{d.Name}-{Id(d)}" : d.Name))
            .OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static CloudServer ToCloud(ApiDroplet droplet, string name)
    {
        var v4 = droplet.Networks?.V4 ?? [];
        var v6 = droplet.Networks?.V6 ?? [];
        var groups = (droplet.Tags ?? [])
            .Select(t => InventoryGroup.Keyed("tag", t))
            .Prepend(Group)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new CloudServer(
            name,
            [.. Addresses(v4.Where(n => n.Type == "public")), .. Addresses(v6.Where(n => n.Type == "public"))],
            [.. Addresses(v4.Where(n => n.Type == "private"))],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["droplet"] = Id(droplet) },
            groups);
    }

    private static string Id(ApiDroplet droplet) => droplet.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Addresses as the fleet writes them (IPv4 dotted, IPv6 compressed); one that does not parse is left out.</summary>
    private static IEnumerable<string> Addresses(IEnumerable<ApiNetwork> networks) =>
        networks.Select(n => IPAddress.TryParse(n.IpAddress, out var address) ? address.ToString() : null).OfType<string>();
}
