using OecCloudFw.Core.Net;

namespace OecCloudFw.Aws;

/// <summary>
/// An ingress rule whose source is not a CIDR: another security group (its members), or a managed prefix list.
/// A readable prefix list's entries are also in the snapshot's rules, one per entry; this record keeps what the quota
/// and the evidence need.
/// </summary>
/// <param name="RuleId">The security group rule id.</param>
/// <param name="Protocol">The protocol it admits.</param>
/// <param name="Ports">The ports it admits.</param>
/// <param name="Peer">sg-… or pl-….</param>
/// <param name="Kind">What the peer is, and whether its addresses are known.</param>
/// <param name="Detail">The prefix list's name and size, or why it could not be read.</param>
/// <param name="QuotaWeight">How many rules it counts for against each family's quota (a prefix list: its maximum entries).</param>
/// <param name="Family">The prefix list's family; null for a group reference (it counts in both).</param>
internal sealed record PeerRule(string RuleId, Protocol Protocol, PortRange Ports, string Peer, PeerKind Kind, string Detail, int QuotaWeight, IpFamily? Family)
{
    internal bool Matches(Protocol protocol, int port) => Protocol.Covers(protocol) && Ports.Contains(port);

    public override string ToString() => Kind switch
    {
        PeerKind.SecurityGroup => $"{RuleId}: {Protocol.ToName()}/{Ports} from members of {Peer}",
        PeerKind.PrefixList => $"{RuleId}: {Protocol.ToName()}/{Ports} from prefix list {Peer} ({Detail})",
        _ => $"{RuleId}: {Protocol.ToName()}/{Ports} from prefix list {Peer}, unread: {Detail}",
    };
}
