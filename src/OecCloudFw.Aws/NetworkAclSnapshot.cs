using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>
/// A subnet's network ACL: stateless, so a connection needs its packets admitted one way and its replies the other.
/// Entries are evaluated by rule number, the first match decides, and what no entry matches is denied.
/// </summary>
public sealed record NetworkAclSnapshot(string AclId, string SubnetId, IReadOnlyList<NetworkAclEntry> Entries)
{
    /// <summary>The ports a client may connect from (any OS, NAT gateways): replies go back to them.</summary>
    public static readonly PortRange ClientPorts = new(1024, 65535);

    /// <summary>Linux's ephemeral ports (net.ipv4.ip_local_port_range): replies to the server's own connections come back to them.</summary>
    public static readonly PortRange ServerEphemeralPorts = new(32768, 60999);

    /// <summary>The entries as listed (inbound first, by rule number), one line each.</summary>
    public IReadOnlyList<string> EntryLines => [.. Entries.OrderBy(e => e.Egress).ThenBy(e => e.RuleNumber).Select(e => e.ToString())];

    /// <summary>The ACL as a report component: where it is attached and its entries.</summary>
    public LayerComponent ToComponent() => new("network-acl", AclId, SubnetId, EntryLines);

    /// <summary>An inbound connection to <paramref name="port"/> from <paramref name="source"/>: the packets in, the replies out.</summary>
    public (Decision Decision, string Evidence) Inbound(Protocol protocol, int port, Cidr source) =>
        Both(Decide(false, protocol, PortRange.Single(port), source), Decide(true, protocol, ClientPorts, source), "replies");

    /// <summary>An outbound connection to <paramref name="destination"/>:<paramref name="port"/>: the packets out, the replies in.</summary>
    public (Decision Decision, string Evidence) Outbound(Protocol protocol, int port, Cidr destination) =>
        Both(Decide(true, protocol, PortRange.Single(port), destination), Decide(false, protocol, ServerEphemeralPorts, destination), "replies");

    /// <summary>
    /// What the entries of one direction do with packets to <paramref name="ports"/> (a whole range: all admitted,
    /// all refused, or some of each, which is indeterminate) from or to every address of <paramref name="peer"/>.
    /// </summary>
    public (Decision Decision, string Evidence) Decide(bool egress, Protocol protocol, PortRange ports, Cidr peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var remaining = new List<PortRange> { ports };
        var allowedBy = new List<NetworkAclEntry>();
        var deniedBy = new List<NetworkAclEntry>();
        foreach (var entry in Entries.Where(e => e.Egress == egress).OrderBy(e => e.RuleNumber))
        {
            if (remaining.Count == 0)
            {
                break;
            }

            var protocolMatches = entry.Protocol is { } p && p.Covers(protocol);
            if (!protocolMatches || entry.Peer.Family != peer.Family || !entry.Peer.Contains(peer))
            {
                continue;
            }

            var hit = remaining.Where(r => r.Overlaps(entry.Ports)).ToList();
            if (hit.Count == 0)
            {
                continue;
            }

            (entry.Allow ? allowedBy : deniedBy).Add(entry);
            remaining = remaining.SelectMany(r => Subtract(r, entry.Ports)).ToList();
        }

        var direction = egress ? "outbound" : "inbound";
        if (remaining.Count > 0)
        {
            deniedBy.Add(new NetworkAclEntry(32767, egress, Protocol.All, PortRange.All, peer.Family == IpFamily.IPv4 ? Cidr.AnyIPv4 : Cidr.AnyIPv6, false));
        }

        return (allowedBy.Count, deniedBy.Count) switch
        {
            (> 0, 0) => (Decision.Admitted, $"network ACL {AclId} ({SubnetId}): {allowedBy[0]}"),
            (0, _) => (Decision.Refused, $"network ACL {AclId} ({SubnetId}): {deniedBy[0]}"),
            _ => (Decision.Indeterminate, $"network ACL {AclId} ({SubnetId}): {direction} {protocol.ToName()}/{ports} is allowed by {allowedBy[0]} but denied by {deniedBy[0]}: it depends on the port the other end uses"),
        };
    }

    private static (Decision Decision, string Evidence) Both((Decision Decision, string Evidence) first, (Decision Decision, string Evidence) replies, string what)
    {
        if (first.Decision == Decision.Refused)
        {
            return first;
        }

        if (replies.Decision == Decision.Refused)
        {
            return (Decision.Refused, $"the {what} are denied (network ACLs are stateless): {replies.Evidence}");
        }

        return first.Decision == Decision.Indeterminate ? first
            : replies.Decision == Decision.Indeterminate ? (Decision.Indeterminate, $"the {what}: {replies.Evidence}")
            : (Decision.Admitted, $"{first.Evidence}; {what}: {replies.Evidence}");
    }

    private static IEnumerable<PortRange> Subtract(PortRange range, PortRange cut)
    {
        if (!range.Overlaps(cut))
        {
            yield return range;
            yield break;
        }

        if (range.From < cut.From)
        {
            yield return new PortRange(range.From, cut.From - 1);
        }

        if (range.To > cut.To)
        {
            yield return new PortRange(cut.To + 1, range.To);
        }
    }
}
