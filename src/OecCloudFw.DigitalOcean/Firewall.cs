using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// A cloud firewall as read: its rules and what it applies to (droplet ids; tags: every droplet carrying one). The
/// tool's own firewalls are those whose name starts with <see cref="OwnPrefix"/>: only their rules are ever removed.
/// </summary>
internal sealed record Firewall(string Id, string Name, string? Status, IReadOnlyList<FirewallRule> Inbound, IReadOnlyList<FirewallRule> Outbound, IReadOnlyList<long> DropletIds, IReadOnlyList<string> Tags)
{
    /// <summary>DigitalOcean rules have no id nor description: a firewall named so is the tool's, and so are its rules.</summary>
    public const string OwnPrefix = "oecfw-";

    /// <summary>At most this many inbound and outbound rules in one firewall (docs.digitalocean.com/products/networking/firewalls/details/limits/).</summary>
    public const int MaxRules = 50;

    /// <summary>At most this many entries in one rule's sources or destinations (the same page).</summary>
    public const int MaxEntries = 1000;

    public bool IsOwn => Name.StartsWith(OwnPrefix, StringComparison.Ordinal);

    public IEnumerable<FirewallRule> Rules => Inbound.Concat(Outbound);

    public string Label => $"firewall {Name} ({Id})";

    public static Firewall From(ApiFirewall firewall)
    {
        ArgumentNullException.ThrowIfNull(firewall);
        return new(
            firewall.Id,
            firewall.Name,
            firewall.Status,
            [.. (firewall.InboundRules ?? []).Select(r => FirewallRule.From(r, inbound: true))],
            [.. (firewall.OutboundRules ?? []).Select(r => FirewallRule.From(r, inbound: false))],
            firewall.DropletIds ?? [],
            firewall.Tags ?? []);
    }

    /// <summary>The name of the firewall the tool creates for a droplet.</summary>
    public static string OwnNameFor(long dropletId) => $"{OwnPrefix}{dropletId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
