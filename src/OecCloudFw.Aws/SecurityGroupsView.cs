using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>
/// Every security group on an ENI as one audit layer: a union of allows, over an implicit deny. CIDR rules and the
/// entries of readable prefix lists decide; a rule from another group's members never admits the internet, and may
/// admit a private management address (indeterminate: membership is not known); a prefix list that could not be read
/// makes the verdict indeterminate. With the subnets' network ACLs, a packet must pass those too, and so must its
/// replies (ACLs are stateless).
/// </summary>
public sealed class SecurityGroupsView(IReadOnlyList<SecurityGroupSnapshot> groups, IReadOnlyList<NetworkAclSnapshot>? networkAcls = null) : ILayerView
{
    private readonly RuleSet _rules = new(groups.SelectMany(g => g.Rules.Select(r => r with { Id = $"{g.GroupId}/{r.Id}" })), RuleAction.Deny);

    private readonly RuleSet _egress = new(groups.SelectMany(g => g.Egress.Select(r => r with { Id = $"{g.GroupId}/{r.Id}" })), RuleAction.Deny);

    public string Name => "aws " + string.Join("+", groups.Select(g => g.GroupId.Value)) +
                          (networkAcls is { Count: > 0 } acls ? " + " + string.Join("+", acls.Select(a => a.AclId).Distinct(StringComparer.Ordinal)) : string.Empty);

    /// <summary>The groups as read.</summary>
    public IReadOnlyList<SecurityGroupSnapshot> Groups => groups;

    /// <summary>The subnets' network ACLs, when the subnets are known (an instance was given).</summary>
    public IReadOnlyList<NetworkAclSnapshot> NetworkAcls => networkAcls ?? [];

    public bool Filters => true;

    public IReadOnlyList<LayerComponent> Components => [.. NetworkAcls.Select(a => a.ToComponent())];

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var groupVerdict = EvaluateGroups(protocol, port, source);
        return WithAcls(groupVerdict, acl => acl.Inbound(protocol, port, source));
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var verdict = _egress.Evaluate(protocol, port, destination);
        LayerVerdict groupVerdict;
        if (verdict.Admitted && verdict.DecidedBy is { } rule)
        {
            groupVerdict = new LayerVerdict(Decision.Admitted, $"egress {rule.Id}: {rule.Protocol.ToName()}/{rule.Ports} to {rule.Source}");
        }
        else if (groups.SelectMany(g => g.UnreadEgress.Select(p => (Group: g.GroupId, Peer: p))).FirstOrDefault(p => p.Peer.Matches(protocol, port)) is { Peer: not null } unread)
        {
            groupVerdict = new LayerVerdict(Decision.Indeterminate, $"egress {unread.Group}/{unread.Peer}: whether the list holds {destination} is not known");
        }
        else
        {
            groupVerdict = new LayerVerdict(Decision.Refused,
                $"no egress rule of {string.Join(", ", groups.Select(g => g.GroupId.Value))} allows {protocol.ToName()}/{port} to {destination} (the default 'all traffic to 0.0.0.0/0' egress rule is gone)");
        }

        return WithAcls(groupVerdict, acl => acl.Outbound(protocol, port, destination));
    }

    /// <summary>The groups' verdict, then every subnet ACL's: a certain refusal anywhere refuses.</summary>
    private LayerVerdict WithAcls(LayerVerdict groupVerdict, Func<NetworkAclSnapshot, (Decision Decision, string Evidence)> acl)
    {
        if (groupVerdict.Refused || networkAcls is not { Count: > 0 })
        {
            return groupVerdict;
        }

        var results = networkAcls.Select(acl).ToList();
        if (results.FirstOrDefault(r => r.Decision == Decision.Refused) is { Evidence: not null } refused)
        {
            return new LayerVerdict(Decision.Refused, refused.Evidence);
        }

        if (groupVerdict.Indeterminate)
        {
            return groupVerdict;
        }

        if (results.FirstOrDefault(r => r.Decision == Decision.Indeterminate) is { Evidence: not null } unsure)
        {
            return new LayerVerdict(Decision.Indeterminate, unsure.Evidence);
        }

        return groupVerdict with { Evidence = $"{groupVerdict.Evidence}; {string.Join("; ", results.Select(r => r.Evidence))}" };
    }

    private LayerVerdict EvaluateGroups(Protocol protocol, int port, Cidr source)
    {
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
        if (members.Count > 0 && source.IsPrivate)
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
