using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Aws;

/// <summary>The ingress rules of one security group, read in one call and normalized.</summary>
public sealed record SecurityGroupSnapshot
{
    internal SecurityGroupSnapshot(SecurityGroupId groupId, string region, IReadOnlyList<Rule> rules, IReadOnlyList<PeerRule> peers)
    {
        GroupId = groupId;
        Region = region;
        Rules = rules;
        Peers = peers;
    }

    /// <summary>The group.</summary>
    public SecurityGroupId GroupId { get; init; }

    /// <summary>Where it lives.</summary>
    public string Region { get; init; }

    /// <summary>
    /// Ingress rules with a CIDR source, and one rule per entry of every readable prefix list a rule references (same
    /// rule id, never the tool's own); <see cref="Rule.Id"/> is the security group rule id.
    /// </summary>
    public IReadOnlyList<Rule> Rules { get; init; }

    /// <summary>Ingress rules whose source is another group or a prefix list.</summary>
    internal IReadOnlyList<PeerRule> Peers { get; init; }

    /// <summary>
    /// Egress rules with a CIDR destination (in <see cref="Rule.Source"/>: the remote end), readable prefix lists
    /// expanded; a group as destination never reaches the internet.
    /// </summary>
    internal IReadOnlyList<Rule> Egress { get; init; } = [];

    /// <summary>Egress rules whose destination is a prefix list that could not be read.</summary>
    internal IReadOnlyList<PeerRule> UnreadEgress { get; init; } = [];

    /// <summary>The ingress rules as the engine evaluates them, compiled from what EC2 returned; null: from <see cref="Rules"/> and <see cref="Peers"/>.</summary>
    internal IReadOnlyList<CompiledRule>? Compiled { get; init; }

    /// <summary>The egress rules as the engine evaluates them; null: from <see cref="Egress"/> and <see cref="UnreadEgress"/>.</summary>
    internal IReadOnlyList<CompiledRule>? CompiledEgress { get; init; }

    /// <summary>The ingress rules for the engine.</summary>
    internal IReadOnlyList<CompiledRule> IngressRules => Compiled ?? [.. Rules.Select(r => Ec2RuleCompiler.Rule(r, GroupId)), .. Peers.Where(p => p.Kind != PeerKind.PrefixList).Select(p => FromPeer(p, "from"))];

    /// <summary>The egress rules for the engine.</summary>
    internal IReadOnlyList<CompiledRule> EgressRules => CompiledEgress ?? [.. Egress.Select(r => Ec2RuleCompiler.Rule(r, GroupId)), .. UnreadEgress.Select(p => FromPeer(p, "to"))];

    private CompiledRule FromPeer(PeerRule peer, string direction)
    {
        var protocol = peer.Protocol switch
        {
            Protocol.Tcp => "tcp",
            Protocol.Udp => "udp",
            Protocol.Icmp => "icmp",
            _ => "-1",
        };
        var matches = Ec2RuleCompiler.ProtocolAndPorts(protocol, peer.Ports.IsAll ? -1 : peer.Ports.From, peer.Ports.IsAll ? -1 : peer.Ports.To);
        matches.Add(peer.Kind == PeerKind.SecurityGroup
            ? SourceMatch.Partly([], Cidr.Private, $"whether the address is a member of {peer.Peer} is not known (the group's members' private addresses are not read)")
            : SourceMatch.Unreadable($"prefix list {peer.Peer} could not be read ({peer.Detail}): whether it holds the address is not known", false));
        return new CompiledRule(peer.RuleId, new ChainRule { Matches = matches, Target = ChainTarget.Accept, Text = $"{GroupId}/{peer.RuleId}: allow {protocol}/{peer.Ports} {direction} {(peer.Kind == PeerKind.SecurityGroup ? "members of " : "prefix list ")}{peer.Peer}" });
    }

    /// <summary>The rules whose source is not a CIDR, as text.</summary>
    public IReadOnlyList<string> ReferenceRules => Peers.Select(p => p.ToString()).ToList();

    /// <summary>
    /// How many inbound rules count against the per-family quota, as EC2 counts them: a CIDR rule for its family, a
    /// prefix-list rule as the list's maximum entries, a group reference once in each family.
    /// </summary>
    internal int CountFor(IpFamily family) =>
        Rules.Count(r => r.Family == family && !Peers.Any(p => p.RuleId == r.Id)) +
        Peers.Where(p => p.Family is null || p.Family == family).Sum(p => p.QuotaWeight);
}
