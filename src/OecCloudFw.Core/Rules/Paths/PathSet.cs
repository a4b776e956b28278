using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Rules.Paths;

/// <summary>
/// Every way into one instance (its network interfaces), evaluated by the one engine over sets of sources: a packet
/// is admitted when it gets through ANY path, refused when EVERY path refuses it, indeterminate otherwise. Each path
/// is its reachability gate, then its filters in order; a stateless filter must also let the replies back out, to
/// every port the other end may use (else it depends on that port: indeterminate).
/// </summary>
public sealed class PathSet
{
    /// <summary>The ports a client may connect from (any OS, NAT gateways): replies to inbound connections go back to them.</summary>
    public static readonly PortRange ClientPorts = new(1024, 65535);

    /// <summary>Linux's ephemeral ports (net.ipv4.ip_local_port_range): replies to the server's own connections come back to them.</summary>
    public static readonly PortRange ServerEphemeralPorts = new(32768, 60999);

    private readonly Dictionary<Chain, ChainRuleSet> _compiled = new(ReferenceEqualityComparer.Instance);

    public PathSet(IReadOnlyList<PacketPath> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Paths = paths;
        foreach (var chain in paths.SelectMany(p => p.Stages.SelectMany(s => new[] { s.Inbound, s.Outbound }).Append(p.Reach)).OfType<Chain>())
        {
            _compiled.TryAdd(chain, new ChainRuleSet(new Dictionary<string, Chain>(StringComparer.Ordinal) { [chain.Name] = chain }, [chain.Name]));
        }
    }

    public IReadOnlyList<PacketPath> Paths { get; }

    /// <summary>What each path assumes, once each.</summary>
    public IReadOnlyList<string> Assumptions => Paths.SelectMany(p => p.Assumptions).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A new inbound packet to <paramref name="port"/> (for ICMP: its type) from each part of <paramref name="sources"/>.
    /// </summary>
    /// <param name="protocol">TCP, UDP or ICMP.</param>
    /// <param name="port">The destination port, or the ICMP type.</param>
    /// <param name="sources">The sources, one family.</param>
    /// <param name="reach">False: as if every path could be reached from everywhere (what its filters alone would admit: latent exposure).</param>
    public IReadOnlyList<VerdictPiece> Inbound(Protocol protocol, int port, AddressSet sources, bool reach = true)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (Paths.Count == 0)
        {
            return [new VerdictPiece(sources, Decision.Refused, "no network interface: nothing reaches it")];
        }

        var packet = PacketContext.For(protocol, port, sources.Family);
        var perPath = Paths.Select(path => Tag(path, Through(path, packet, sources, reach))).ToList();
        return perPath.Count == 1 ? PieceOverlay.Merge(perPath[0]) : PieceOverlay.Combine(sources, perPath, Any);
    }

    /// <summary>A new outbound connection from the instance to <paramref name="port"/> on each part of <paramref name="destinations"/> (through its primary interface).</summary>
    public IReadOnlyList<VerdictPiece> Outbound(Protocol protocol, int port, AddressSet destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (Paths.Count == 0)
        {
            return [new VerdictPiece(destinations, Decision.Refused, "no network interface")];
        }

        var packet = PacketContext.For(protocol, port, destinations.Family);
        IReadOnlyList<VerdictPiece> pieces = [new VerdictPiece(destinations, Decision.Admitted, "no filter on the way out")];
        foreach (var stage in Paths[0].Stages)
        {
            pieces = AndThen(pieces, region => stage.Outbound is { } outbound
                ? Run(outbound, packet, region)
                : [new VerdictPiece(region, Decision.Indeterminate, $"{stage.Name}: its outbound rules were not read")]);
            if (stage.Stateless)
            {
                pieces = AndThen(pieces, region => Replies(stage, stage.Inbound, protocol, region, ServerEphemeralPorts));
            }
        }

        return PieceOverlay.Merge(pieces);
    }

    private IReadOnlyList<VerdictPiece> Through(PacketPath path, PacketContext packet, AddressSet sources, bool reach)
    {
        IReadOnlyList<VerdictPiece>? pieces = reach && path.Reach is { } gate ? Run(gate, packet, sources) : null;
        foreach (var stage in path.Stages)
        {
            pieces = pieces is null ? Stage(stage, packet, sources) : AndThen(pieces, region => Stage(stage, packet, region));
        }

        return pieces ?? [new VerdictPiece(sources, Decision.Admitted, "no filter on the way in")];
    }

    /// <summary>One filter's inbound rules, and for a stateless one its outbound rules on the replies.</summary>
    private IReadOnlyList<VerdictPiece> Stage(PathStage stage, PacketContext packet, AddressSet sources)
    {
        var pieces = Run(stage.Inbound, packet, sources);
        return !stage.Stateless
            ? pieces
            : AndThen(pieces, region => stage.Outbound is { } outbound
                ? Replies(stage, outbound, packet.Protocol, region, ClientPorts)
                : [new VerdictPiece(region, Decision.Indeterminate, $"{stage.Name}: its outbound rules (the replies) were not read")]);
    }

    /// <summary>
    /// The replies to a connection, through a stateless filter: to every port in <paramref name="ports"/> the other end
    /// may use. Admitted (or refused) when the rules say so for all of them; indeterminate when it depends on the port.
    /// </summary>
    private IReadOnlyList<VerdictPiece> Replies(PathStage stage, Chain rules, Protocol protocol, AddressSet peers, PortRange ports)
    {
        if (protocol is not (Protocol.Tcp or Protocol.Udp))
        {
            var reply = PacketContext.For(protocol, IcmpTypeMatch.EchoReply(peers.Family), peers.Family);
            return Word(Run(rules, reply, peers), stage);
        }

        var segments = Segments(rules, ports);
        var lists = segments.Select(s => Run(rules, PacketContext.For(protocol, s.From, peers.Family), peers)).ToList();
        if (lists.Count == 1)
        {
            return Word(lists[0], stage);
        }

        return PieceOverlay.Combine(peers, lists, pieces =>
        {
            if (pieces.All(p => p.Decision == pieces[0].Decision) && pieces[0].Decision != Decision.Indeterminate)
            {
                return Word([pieces[0]], stage)[0];
            }

            if (pieces.FirstOrDefault(p => p.Decision == Decision.Indeterminate) is { } unsure)
            {
                return unsure;
            }

            var pass = pieces.Select((p, i) => (p, s: segments[i])).Where(x => x.p.Decision == Decision.Admitted).ToList();
            var stop = pieces.Select((p, i) => (p, s: segments[i])).Where(x => x.p.Decision == Decision.Refused).ToList();
            return new VerdictPiece(peers, Decision.Indeterminate,
                $"{stage.Name} is stateless: replies to ports {string.Join(",", pass.Select(x => x.s))} pass ({pass[0].p.Evidence}) but to {string.Join(",", stop.Select(x => x.s))} are refused ({stop[0].p.Evidence}): it depends on the port the other end uses");
        });
    }

    /// <summary>Refused replies say so: the packet itself got in.</summary>
    private static List<VerdictPiece> Word(IReadOnlyList<VerdictPiece> pieces, PathStage stage) =>
        pieces.Select(p => p.Decision == Decision.Refused ? p with { Evidence = $"the replies are denied ({stage.Name} is stateless): {p.Evidence}" } : p).ToList();

    /// <summary>The parts of <paramref name="ports"/> no port match of the rules cuts: each decided alike throughout.</summary>
    private static List<PortRange> Segments(Chain rules, PortRange ports)
    {
        var cuts = new SortedSet<int> { ports.From, ports.To + 1 };
        foreach (var range in rules.Rules.SelectMany(r => r.Matches).SelectMany(Flatten).OfType<PortMatch>().SelectMany(m => m.Ranges))
        {
            foreach (var cut in new[] { range.From, range.To + 1 })
            {
                if (cut > ports.From && cut <= ports.To)
                {
                    cuts.Add(cut);
                }
            }
        }

        var list = cuts.ToList();
        return Enumerable.Range(0, list.Count - 1).Select(i => new PortRange(list[i], list[i + 1] - 1)).ToList();
    }

    /// <summary>A packet passes two filters in a row only if both admit it; what both admit names both reasons.</summary>
    private static IReadOnlyList<VerdictPiece> AndThen(IReadOnlyList<VerdictPiece> first, Func<AddressSet, IReadOnlyList<VerdictPiece>> next) =>
        VerdictPiece.Then(first, next, (a, b) => $"{a}; {b}");

    private static IEnumerable<RuleMatch> Flatten(RuleMatch match) => match is AllOf all ? all.Parts.SelectMany(Flatten) : [match];

    private IReadOnlyList<VerdictPiece> Run(Chain chain, PacketContext packet, AddressSet sources) => _compiled[chain].EvaluatePieces(packet, sources);

    private static List<VerdictPiece> Tag(PacketPath path, IReadOnlyList<VerdictPiece> pieces) =>
        pieces.Select(p => p with { Evidence = $"{path.Name}: {p.Evidence}" }).ToList();

    /// <summary>Any path admits: admitted; every path refuses: refused (the first path's reason, the others counted); else indeterminate.</summary>
    private static VerdictPiece Any(IReadOnlyList<VerdictPiece> pieces)
    {
        if (pieces.FirstOrDefault(p => p.Decision == Decision.Admitted) is { } admitted)
        {
            return admitted;
        }

        if (pieces.FirstOrDefault(p => p.Decision == Decision.Indeterminate) is { } unsure)
        {
            return unsure;
        }

        return pieces[0] with { Evidence = string.Join("; ", pieces.Select(p => p.Evidence).Distinct(StringComparer.Ordinal)) };
    }
}
