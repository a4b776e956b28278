namespace OecCloudFw.DigitalOcean;

/// <summary>One of the tool's rules removed (sent back exactly), and what of it stays (added back) when only some of its addresses go.</summary>
internal sealed record Removal(Firewall Firewall, FirewallRule Rule, FirewallRule? Remainder);
