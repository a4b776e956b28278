using OecCloudFw.Core.Policy;

namespace OecCloudFw.DigitalOcean;

/// <summary>What a DigitalOcean plan writes: the rules added to the tool's firewall (created first when missing), and the tool's rules removed.</summary>
/// <param name="Read">The read it was made from.</param>
/// <param name="Policy">The policy (a concurrent writer makes the adds plan again from a fresh read); none for a close.</param>
/// <param name="Prune">Whether the tool's extras are removed.</param>
/// <param name="Adds">The rules added, one address each.</param>
/// <param name="Removes">The tool's rules removed, each as read, with what is added back when only part of it goes.</param>
/// <param name="CreatesFirewall">The tool's firewall does not exist yet: the open creates it, applied to the droplet by id.</param>
/// <param name="OutboundOpen">The created firewall gets allow-all outbound rules (no firewall applied before: outbound stays as it was).</param>
internal sealed record PlanNative(Snapshot Read, FirewallPolicy? Policy, bool Prune, IReadOnlyList<FirewallRule> Adds, IReadOnlyList<Removal> Removes, bool CreatesFirewall, bool OutboundOpen);
