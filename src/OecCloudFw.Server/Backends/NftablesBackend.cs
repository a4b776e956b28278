using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// Native nftables, for a server with neither UFW, firewalld nor the iptables tools: a table of the tool's own
/// (<c>inet oec_cloudfw</c>) with an input chain that drops by default, saved to /etc/nftables.conf.
/// </summary>
public sealed class NftablesBackend : IFirewallBackend
{
    public const string Table = "oec_cloudfw";

    public string Name => "nftables";

    public IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var rules = new List<string>();
        foreach (var requirement in policy.Requirements)
        {
            var ports = requirement.Ports.IsSingle ? requirement.Ports.ToString() : $"{requirement.Ports.From}-{requirement.Ports.To}";
            foreach (var source in requirement.Sources)
            {
                var family = source.Family == IpFamily.IPv4 ? facts.Nft4 : facts.Nft6;
                if (family is not null && family.Evaluate(requirement.Protocol, requirement.Ports.From, source).Admitted &&
                    family.BaseChains.Any(b => family.Chains[b].Policy == Core.Rules.Chains.ChainTarget.Drop))
                {
                    continue;
                }

                var from = source.IsInternet ? (source.Family == IpFamily.IPv4 ? "meta nfproto ipv4 " : "meta nfproto ipv6 ")
                    : $"{(source.Family == IpFamily.IPv4 ? "ip" : "ip6")} saddr {source} ";
                rules.Add($"nft add rule inet {Table} input {from}{requirement.Protocol.ToName()} dport {ports} accept comment {ShellQuote.Quote("\"" + requirement.Comment + "\"")}");
            }
        }

        if (rules.Count == 0)
        {
            return [];
        }

        return
        [
            $"nft add table inet {Table}",
            $"nft {ShellQuote.Quote($"add chain inet {Table} input {{ type filter hook input priority 0 ; policy drop ; }}")}",
            $"nft list chain inet {Table} input | grep -q 'ct state established,related accept' || nft add rule inet {Table} input ct state established,related accept",
            $"nft list chain inet {Table} input | grep -q 'iifname \"lo\" accept' || nft add rule inet {Table} input iifname lo accept",
            .. rules,
            "{ echo '#!/usr/sbin/nft -f'; echo 'flush ruleset'; nft list ruleset; } > /etc/nftables.conf",
        ];
    }
}
