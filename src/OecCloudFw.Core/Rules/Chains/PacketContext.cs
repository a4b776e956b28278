using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// The first packet (a TCP SYN, or the first UDP datagram) of a new inbound connection, as the evaluator sees it:
/// everything about it but its source, which is evaluated as a set.
/// </summary>
public sealed record PacketContext
{
    public required Protocol Protocol { get; init; }

    public required int Port { get; init; }

    public required IpFamily Family { get; init; }

    /// <summary>
    /// The interfaces the packet may arrive on (from the server's routes); null when unknown. Never loopback: the
    /// sources evaluated are remote.
    /// </summary>
    public IReadOnlyList<string>? Ingress { get; init; }

    /// <summary>The server addresses the packet may be sent to; null when unknown.</summary>
    public AddressSet? Destination { get; init; }

    /// <summary>Whether the server routes replies to the sources back through <see cref="Ingress"/>; null when unknown.</summary>
    public bool? ReversePathRoutable { get; init; }

    /// <summary>
    /// The packet as it arrived, when nat PREROUTING translated its destination (REDIRECT, DNAT to this host): the
    /// chains before the translation and conntrack's "original" matches see that one; null when not translated.
    /// </summary>
    public PacketContext? Original { get; init; }

    /// <summary>True when the raw table exempted the packet from connection tracking (NOTRACK): its state is UNTRACKED, not NEW.</summary>
    public bool Untracked { get; init; }

    /// <summary>
    /// True in the chains that run before conntrack (netdev ingress, prerouting below priority -200, iptables' raw
    /// PREROUTING): the packet has no connection yet, so its state is INVALID (or UNTRACKED once a notrack ran).
    /// </summary>
    public bool BeforeConntrack { get; init; }

    /// <summary>
    /// For each interface of <see cref="Ingress"/>, the devices under it whose ingress hook the packet crosses first (a
    /// bridge's ports, a bond's slaves, a VLAN's parent); null when the server's links were not read.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? Below { get; init; }

    /// <summary>
    /// Whether a bridge is in the packet's path (an interface of the path has ports: a bridge, or a bond the probe
    /// cannot tell from one); null when not known.
    /// </summary>
    public bool? Bridged { get; init; }
    /// True for the TCP handshake's last packet (ACK alone) rather than the SYN: walked for an untracked connection, whose
    /// later packets no ESTABLISHED rule lets in.
    /// </summary>
    public bool HandshakeAck { get; init; }

    /// <summary>
    /// The interfaces a forwarded packet leaves by (the route to its translated destination: a container's bridge);
    /// null on the input path and when unknown.
    /// </summary>
    public IReadOnlyList<string>? Egress { get; init; }

    /// <summary>The packet's mark (meta mark, fwmark) as the forward path sees it; null when something may have set it that is not modelled.</summary>
    public uint? Mark { get; init; }

    /// <summary>
    /// True for a packet of a connection conntrack already tracks (a reply, or a later packet): its state is ESTABLISHED,
    /// not NEW. The audit's benchmark checks ask this of the chains; every other verdict is about a new connection.
    /// </summary>
    public bool Established { get; init; }

    /// <summary>The packet's source port when known (a reply from a service's port); null: an ephemeral port, as a new connection's.</summary>
    public int? SourcePort { get; init; }

    /// <summary>A packet with nothing known but protocol, port and family.</summary>
    public static PacketContext For(Protocol protocol, int port, IpFamily family) => new() { Protocol = protocol, Port = port, Family = family };
}
