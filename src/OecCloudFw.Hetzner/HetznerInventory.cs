using System.Globalization;
using System.Net;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Hetzner;

/// <summary>
/// The servers of a label selector as a fleet's entries (<c>--inventory hetzner:label:SELECTOR</c>): the running ones
/// only, named as the API names them (unique in a project), reached by their public IPv4 then IPv6, grouped as the
/// hetzner.hcloud Ansible inventory plugin's keyed groups on labels would name them.
/// </summary>
internal static class HetznerInventory
{
    /// <summary>The group every listed server is in (the hetzner.hcloud plugin's default <c>group</c>).</summary>
    public const string Group = "hcloud";

    public static IReadOnlyList<CloudServer> From(IEnumerable<HcloudServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var listed = servers.Where(s => s.Status == "running").Select(ToCloud).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var twice = listed.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return twice.Count == 0
            ? listed
            : throw new LayerFailureException($"hetzner: the API listed more than one server named {string.Join(", ", twice)} (server names are unique in a project): try again");
    }

    private static CloudServer ToCloud(HcloudServer server)
    {
        var id = server.Id.ToString(CultureInfo.InvariantCulture);
        string?[] candidates = [Address(server.PublicNet?.Ipv4?.Ip), FirstHost(server.PublicNet?.Ipv6?.Ip)];
        var groups = (server.Labels ?? new Dictionary<string, string>())
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => InventoryGroup.Keyed("label", l.Key, l.Value ?? string.Empty))
            .Prepend(Group)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new CloudServer(
            server.Name,
            [.. candidates.OfType<string>()],
            [.. (server.PrivateNet ?? []).Select(n => Address(n.Ip)).OfType<string>()],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["server"] = id },
            groups);
    }

    /// <summary>
    /// The address a server answers on in its public IPv6 network. The API gives public_net.ipv6.ip as the /64 network
    /// ("2001:db8::/64" in the "Get all Servers" example, whose dns_ptr names "2001:db8::1"); Hetzner's images configure
    /// the network's first address, &lt;network&gt;::1, on the server. No page of docs.hetzner.cloud or docs.hetzner.com
    /// that we found states it in a sentence; Hetzner's own tools take the same address: the hcloud CLI's
    /// <c>server ip --ipv6</c> and the Terraform provider's <c>ipv6_address</c> print the network followed by "1", and the
    /// hetzner.hcloud Ansible inventory's <c>first_ipv6_address</c> is the network's first host.
    /// </summary>
    internal static string? FirstHost(string? network)
    {
        if (network is null)
        {
            return null;
        }

        if (!IPNetwork.TryParse(network, out var net))
        {
            return Address(network);
        }

        var bytes = net.BaseAddress.GetAddressBytes();
        if (net.PrefixLength < bytes.Length * 8)
        {
            bytes[^1] |= 1;
        }

        return new IPAddress(bytes).ToString();
    }

    /// <summary>An address as the fleet writes it (IPv4 dotted, IPv6 compressed); null when the API gave none that parses.</summary>
    private static string? Address(string? text) =>
        text is not null && IPAddress.TryParse(text, out var address) ? address.ToString() : null;
}
