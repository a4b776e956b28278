using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// Native nftables, for a server with neither UFW, firewalld nor the iptables tools: a table of the tool's own
/// (<c>inet oec_cloudfw</c>) with an input chain that drops by default, saved to /etc/nftables.conf. Every base chain
/// must accept a packet for it to get in, so the tool's table accepts every port of the policy (it never drops what
/// another table admits, SSH above all), and a base chain of another table that refuses a port of the policy gets an
/// accept of its own at its top, marked with the tool's comment.
/// </summary>
internal sealed class NftablesBackend : IFirewallBackend
{
    public const string Table = "oec_cloudfw";

    /// <summary>Saves the whole ruleset where nftables.service loads it at boot.</summary>
    public const string SaveCommand = "{ echo '#!/usr/sbin/nft -f'; echo 'flush ruleset'; nft list ruleset; } > /etc/nftables.conf";

    private const string OwnPrefix = "inet " + Table + " ";

    public string Name => "nftables";

    public IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var own = new List<string>();
        var others = new List<string>();
        var needed = false;
        foreach (var requirement in policy.Requirements)
        {
            var ports = requirement.Ports.IsSingle ? requirement.Ports.ToString() : $"{requirement.Ports.From}-{requirement.Ports.To}";
            foreach (var source in requirement.Sources)
            {
                var set = source.Family == IpFamily.IPv4 ? facts.Nft4 : facts.Nft6;
                var packet = facts.Network.Context(requirement.Protocol, requirement.Ports.From, source);
                var region = AddressSet.Of(source);
                var overall = set?.Evaluate(packet, region);
                needed |= overall is null || !overall.Admitted || !set!.BaseChains.Any(b => set.Chains[b].Policy == ChainTarget.Drop);
                var match = $"{(source.IsInternet ? (source.Family == IpFamily.IPv4 ? "meta nfproto ipv4" : "meta nfproto ipv6") : $"{(source.Family == IpFamily.IPv4 ? "ip" : "ip6")} saddr {source}")} {requirement.Protocol.ToName()} dport {ports}";
                var comment = ShellQuote.Quote("\"" + requirement.Comment + "\"");
                if (!(set is not null && Alone(set, b => b.StartsWith(OwnPrefix, StringComparison.Ordinal))?.Evaluate(packet, region).Admitted == true))
                {
                    own.Add($"nft add rule inet {Table} input {match} accept comment {comment}");
                }

                foreach (var other in set?.BaseChains.Where(b => !b.StartsWith(OwnPrefix, StringComparison.Ordinal)) ?? [])
                {
                    if (Alone(set!, b => b == other)!.Evaluate(packet, region).Refused)
                    {
                        // "family table chain": its first words name it for nft. In a netdev or bridge chain (an ingress
                        // drop) the family is the frame's protocol: meta nfproto is not ipv4 or ipv6 there.
                        var here = other.StartsWith("netdev ", StringComparison.Ordinal) || other.StartsWith("bridge ", StringComparison.Ordinal)
                            ? match.Replace("meta nfproto ipv4", "meta protocol ip", StringComparison.Ordinal).Replace("meta nfproto ipv6", "meta protocol ip6", StringComparison.Ordinal)
                            : match;
                        others.Add($"nft insert rule {other} {here} accept comment {ShellQuote.Quote("\"oec-cloudfw: " + requirement.Comment + "\"")}");
                    }
                }
            }
        }

        var exists = facts.Nft4?.Chains.Keys.Any(k => k.StartsWith(OwnPrefix, StringComparison.Ordinal)) == true ||
                     facts.Nft6?.Chains.Keys.Any(k => k.StartsWith(OwnPrefix, StringComparison.Ordinal)) == true;
        if (!needed && !exists)
        {
            return [];
        }

        if (own.Count == 0 && others.Count == 0)
        {
            return [];
        }

        return
        [
            .. others,
            $"nft add table inet {Table}",
            $"nft {ShellQuote.Quote($"add chain inet {Table} input {{ type filter hook input priority 0 ; policy drop ; }}")}",
            $"nft list chain inet {Table} input | grep -q 'ct state established,related accept' || nft add rule inet {Table} input ct state established,related accept",
            $"nft list chain inet {Table} input | grep -q 'iifname \"lo\" accept' || nft add rule inet {Table} input iifname lo accept",
            $"nft list chain inet {Table} input | grep -q 'icmpv6 type' || nft add rule inet {Table} input icmpv6 type '{{ nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert }}' accept",
            .. own,
            SaveCommand,
        ];
    }

    /// <summary>The rule set with only the base chains <paramref name="keep"/> selects; null when it selects none.</summary>
    private static ChainRuleSet? Alone(ChainRuleSet set, Func<string, bool> keep)
    {
        var bases = set.BaseChains.Where(keep).ToList();
        // Each kept chain still sees the packet as it does in the whole path (before translation, before conntrack).
        return bases.Count == 0 ? null : new ChainRuleSet(set.Chains, bases)
        {
            BeforeTranslation = set.BaseChains.Take(set.BeforeTranslation).Count(keep),
            BeforeConntrack = set.BaseChains.Take(set.BeforeConntrack).Count(keep),
        };
    }
}
