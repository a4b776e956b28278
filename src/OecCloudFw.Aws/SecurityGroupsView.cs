using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Aws;

/// <summary>
/// The security groups (and the subnets' network ACLs) of an instance as one audit layer, evaluated by the one engine
/// on each ENI's path (<see cref="Ec2Paths"/>): what the internet reaches through any ENI that has a public address.
/// A rule from another group's members never admits the internet: a port admitted only that way is refused directly,
/// and said to be reached through that group (a load balancer, a bastion).
/// </summary>
internal sealed class SecurityGroupsView : ILayerView
{
    private readonly IReadOnlyList<SecurityGroupSnapshot> _groups;
    private readonly PathView _view;

    public SecurityGroupsView(IReadOnlyList<SecurityGroupSnapshot> groups, IReadOnlyList<NetworkAclSnapshot>? networkAcls = null, Ec2InstanceNetwork? network = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = groups;
        NetworkAcls = networkAcls ?? [];
        Network = network;
        var name = "aws " + (groups.Count == 0 ? string.Join("+", NetworkAcls.Select(a => a.SubnetId).Distinct(StringComparer.Ordinal)) : string.Join("+", groups.Select(g => g.GroupId.Value))) +
                   (groups.Count > 0 && NetworkAcls.Count > 0 ? " + " + string.Join("+", NetworkAcls.Select(a => a.AclId).Distinct(StringComparer.Ordinal)) : string.Empty);
        _view = new PathView(name, Ec2Paths.Build(network, groups, NetworkAcls), [.. NetworkAcls.Select(a => a.ToComponent())]);
    }

    public string Name => _view.Name;

    /// <summary>The groups as read.</summary>
    public IReadOnlyList<SecurityGroupSnapshot> Groups => _groups;

    /// <summary>The subnets' network ACLs, when the subnets are known (an instance or a subnet was given).</summary>
    public IReadOnlyList<NetworkAclSnapshot> NetworkAcls { get; }

    /// <summary>The instance's ENIs, when an instance was named.</summary>
    public Ec2InstanceNetwork? Network { get; }

    /// <summary>The paths the verdicts come from.</summary>
    public PathSet Paths => _view.Paths;

    public bool Filters => true;

    public IReadOnlyList<LayerComponent> Components => _view.Components;

    public IReadOnlyList<string> Assumptions => _view.Assumptions;

    /// <summary>What happens to a new inbound packet from each part of <paramref name="sources"/>.</summary>
    public IReadOnlyList<VerdictPiece> Pieces(Protocol protocol, int port, AddressSet sources) => _view.Pieces(protocol, port, sources);

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var verdict = _view.Evaluate(protocol, port, source);
        if (!verdict.Refused || source.IsPrivate)
        {
            return verdict;
        }

        var members = _groups.SelectMany(g => g.Peers.Where(p => p.Kind == PeerKind.SecurityGroup && p.Matches(protocol, port)).Select(p => (Group: g.GroupId, Peer: p))).ToList();
        return members.Count == 0
            ? verdict
            : verdict with
            {
                Evidence = $"{verdict.Evidence}; {string.Join("; ", members.Select(m => $"{m.Group}/{m.Peer}"))} admits only that group's members (a load balancer, a bastion), never {source} directly",
                ThroughPeer = string.Join(", ", members.Select(m => m.Peer.Peer).Distinct(StringComparer.Ordinal)),
            };
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => _view.EvaluateEgress(protocol, port, destination);
}
