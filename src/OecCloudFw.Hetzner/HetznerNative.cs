using OecCloudFw.Core.Policy;

namespace OecCloudFw.Hetzner;

/// <summary>A plan's own part: the policy it was made to (to plan again when someone changed the firewall meanwhile) and the read it was made from.</summary>
internal sealed record HetznerNative(FirewallPolicy Policy, bool Prune, HetznerSnapshot Read);
