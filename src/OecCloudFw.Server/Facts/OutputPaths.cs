using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>The chains a new outbound packet crosses, per family: iptables, iptables-legacy next to it, native nftables.</summary>
public sealed record OutputPaths(
    ChainRuleSet? Iptables4,
    ChainRuleSet? Iptables6,
    ChainRuleSet? IptablesLegacy4,
    ChainRuleSet? IptablesLegacy6,
    ChainRuleSet? Nft4,
    ChainRuleSet? Nft6)
{
    public static OutputPaths None { get; } = new(null, null, null, null, null, null);
}
