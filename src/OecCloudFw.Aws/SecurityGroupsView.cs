using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>
/// Every security group on an ENI as one audit layer: a union of allows, over an implicit deny. CIDR rules and the
/// entries of readable prefix lists decide; a rule from another group's members never admits the internet, and may
/// admit a private management address (indeterminate: membership is not known); a prefix list that could not be read
/// makes the verdict indeterminate.
/// </summary>
public sealed class SecurityGroupsView(IReadOnlyList<SecurityGroupSnapshot> groups) : ILayerView
{
    private static readonly Cidr[] PrivateRanges =
        [Cidr.Parse("10.0.0.0/8"), Cidr.Parse("172.16.0.0/12"), Cidr.Parse("192.168.0.0/16"), Cidr.Parse("100.64.0.0/10"), Cidr.Parse("fc00::/7")];

    private readonly RuleSet _rules = new(groups.SelectMany(g => g.Rules.Select(r => r with { Id = $"{g.GroupId}/{r.Id}" })), RuleAction.Deny);

    public string Name => "aws " + string.Join("+", groups.Select(g => g.GroupId.Value));

    public bool Filters => true;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var verdict = _rules.Evaluate(protocol, port, source);
        if (verdict.Admitted && verdict.DecidedBy is { } rule)
        {
            return new LayerVerdict(Decision.Admitted, $"{rule.Id}: {rule}{(rule.Description?.StartsWith("via prefix list", StringComparison.Ordinal) == true ? $" ({rule.Description})" : string.Empty)}");
        }

        var peers = groups.SelectMany(g => g.Peers.Where(p => p.Matches(protocol, port)).Select(p => (Group: g.GroupId, Peer: p))).ToList();
        var unread = peers.FirstOrDefault(p => p.Peer.Kind == PeerKind.UnreadPrefixList);
        if (unread.Peer is not null)
        {
            return new LayerVerdict(Decision.Indeterminate,
                $"{unread.Group}/{unread.Peer}: whether the list holds {source} is not known");
        }

        var members = peers.Where(p => p.Peer.Kind == PeerKind.SecurityGroup).ToList();
        var isPrivate = PrivateRanges.Any(r => r.Contains(source));
        if (members.Count > 0 && isPrivate)
        {
            var first = members[0];
            return new LayerVerdict(Decision.Indeterminate,
                $"{first.Group}/{first.Peer}: whether {source} is a member of {first.Peer.Peer} is not known");
        }

        var refused = $"no rule of {string.Join(", ", groups.Select(g => g.GroupId.Value))} admits it from {source}";
        if (members.Count == 0)
        {
            return new LayerVerdict(Decision.Refused, refused);
        }

        var through = string.Join(", ", members.Select(m => m.Peer.Peer).Distinct(StringComparer.Ordinal));
        return new LayerVerdict(Decision.Refused,
            $"{refused}; {string.Join("; ", members.Select(m => $"{m.Group}/{m.Peer}"))} admits only that group's members (a load balancer, a bastion), never {source} directly")
        {
            ThroughPeer = through,
        };
    }
}
