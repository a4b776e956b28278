namespace OecCloudFw.DigitalOcean;

/// <summary>What an open wrote: the firewall (created or not) and the rules added, for the exact undo.</summary>
internal sealed record Written(string FirewallId, string FirewallName, bool CreatedFirewall, IReadOnlyList<FirewallRule> Added);
