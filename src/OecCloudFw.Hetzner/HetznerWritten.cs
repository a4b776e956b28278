namespace OecCloudFw.Hetzner;

/// <summary>What one open or close wrote to one firewall: the rules as written, and whether the firewall was created (and applied to the server).</summary>
internal sealed record HetznerWritten(long FirewallId, string FirewallName, bool CreatedFirewall, long? ServerId, IReadOnlyList<HcloudRule> Added);
