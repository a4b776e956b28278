using System.Globalization;
using System.Net;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Preflight;

/// <summary>
/// Evaluates the server layer as the kernel runs it: iptables' chains on the packet's way in (ufw's included, and
/// iptables-legacy's when it has tables next to iptables-nft), and every native nftables base chain (firewalld's own
/// table included) by priority. A packet gets in only if every one admits it. The packet arrives on the interface the
/// server routes the source through. Where a rule's match is not modelled the verdict is indeterminate and names it.
/// </summary>
public static class ServerLayerEvaluator
{
    public static ServerVerdict Evaluate(ServerFacts facts, Protocol protocol, int port, Cidr source) => Evaluate(facts, protocol, port, source, prerouting: true);

    /// <summary>
    /// The input path's verdict for the port as it is, nat PREROUTING and raw's NOTRACK aside: what INPUT says of a port
    /// Docker DNATs past it (OECFW-DOCKER-BYPASS compares the two).
    /// </summary>
    public static ServerVerdict EvaluateInputOnly(ServerFacts facts, Protocol protocol, int port, Cidr source) => Evaluate(facts, protocol, port, source, prerouting: false);

    private static ServerVerdict Evaluate(ServerFacts facts, Protocol protocol, int port, Cidr source, bool prerouting)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(source);
        return Evaluate(facts, facts.Network.Context(protocol, port, source), source, prerouting);
    }

    /// <summary>
    /// A packet described in full (on loopback, of an established connection, from a given source port) on the input
    /// path, as <see cref="Evaluate(ServerFacts, Protocol, int, Cidr)"/> runs a new connection's: the benchmark checks ask these.
    /// </summary>
    public static ServerVerdict Evaluate(ServerFacts facts, PacketContext context, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(source);
        return Evaluate(facts, context, source, prerouting: true);
    }

    private static ServerVerdict Evaluate(ServerFacts facts, PacketContext context, Cidr source, bool prerouting)
    {
        var v4 = source.Family == IpFamily.IPv4;
        if (!prerouting || (v4 ? facts.Prerouting4 : facts.Prerouting6) is not { } before)
        {
            var path = new PacketPath(context, AddressSet.Of(source), string.Empty);
            Input(path, facts, context, source, v4);
            return path.Verdict("no firewall filters input");
        }

        // Before the filter: raw may untrack the packet, nat PREROUTING may translate it. Each part of the sources goes
        // through the input path as the filter then sees it.
        var pieces = new List<VerdictPiece>();
        var components = new List<string>();
        foreach (var pre in before.Evaluate(context, AddressSet.Of(source)))
        {
            if (pre.Unknown)
            {
                pieces.Add(new VerdictPiece(pre.Region, Decision.Indeterminate, pre.Evidence!));
                continue;
            }

            if (pre is { Untracked: false, Translation: { Unmodelled: null, Address: { } to } dnat } && Forwarded(facts, context, dnat, to, pre.Region, v4) is { } forwarded)
            {
                // DNAT to another host (Docker's published ports): the forward path decides, not INPUT.
                pieces.AddRange(forwarded);
                continue;
            }

            var (packet, said) = pre switch
            {
                { Untracked: true } => (context with { Untracked = true }, pre.Evidence),
                { Translation: { Unmodelled: { } why } target } => (null, $"nat PREROUTING: {why} is not modelled ({target.Rule})"),
                { Translation: { } target } => Translated(facts, context, target),
                _ => (context, null),
            };
            if (packet is null)
            {
                pieces.Add(new VerdictPiece(pre.Region, Decision.Indeterminate, said!));
                continue;
            }

            var path = new PacketPath(packet, pre.Region, string.Empty);
            Input(path, facts, packet, source, v4);
            components.AddRange(path.Components.Where(c => !components.Contains(c)));
            var met = path.Pieces("no firewall filters input");
            if (packet.Untracked && packet.Protocol == Protocol.Tcp)
            {
                met = Untracked(facts, packet, source, v4, met);
            }

            pieces.AddRange(met.Select(p => said is null ? p : p with { Evidence = $"{said}; then {p.Evidence}" }));
        }

        var verdict = VerdictPiece.Summarize(pieces);
        return new ServerVerdict(verdict.Decision, verdict.FullEvidence, components);
    }

    /// <summary>
    /// An untracked connection's later packets are not ESTABLISHED: the handshake's last ACK meets the input rules itself
    /// (a rule that admits only SYNs lets the SYN in and drops the ACK, and no connection is made), and the SYN-ACK leaves
    /// untracked-as-new through OUTPUT, which is modelled only where nothing there can refuse it.
    /// </summary>
    private static IReadOnlyList<VerdictPiece> Untracked(ServerFacts facts, PacketContext syn, Cidr source, bool v4, IReadOnlyList<VerdictPiece> met)
    {
        var ack = syn with { HandshakeAck = true };
        var afterAck = VerdictPiece.Then(met, region =>
        {
            var path = new PacketPath(ack, region, string.Empty);
            Input(path, facts, ack, source, v4);
            return path.Pieces("no firewall filters input")
                .Select(p => p.Decision == Decision.Admitted ? p : p with { Evidence = $"the handshake's ACK (untracked, not ESTABLISHED): {p.Evidence}" })
                .ToList();
        });
        var output = facts.Output.Value;
        var replies = v4 ? [output.Iptables4, output.IptablesLegacy4, output.Nft4] : new[] { output.Iptables6, output.IptablesLegacy6, output.Nft6 };
        if (replies.All(r => r is null || AdmitsAll(r)))
        {
            return afterAck;
        }

        return afterAck.Select(p => p.Decision != Decision.Admitted ? p : p with
        {
            Decision = Decision.Indeterminate,
            Evidence = $"the reply to an untracked connection is not tracked either: whether OUTPUT lets it out is not modelled ({p.Evidence})",
        }).ToList();
    }

    /// <summary>
    /// True when nothing the set's base chains reach can refuse a packet: accept policies, and in every chain they jump
    /// or go to, no dropping, rejecting or unknown rule.
    /// </summary>
    private static bool AdmitsAll(ChainRuleSet set)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(set.BaseChains);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }

            if (!set.Chains.TryGetValue(name, out var chain) || chain.Policy is ChainTarget.Drop or ChainTarget.Reject or ChainTarget.Unknown)
            {
                return false;
            }

            foreach (var rule in chain.Rules)
            {
                switch (rule.Target)
                {
                    case ChainTarget.Accept or ChainTarget.Continue or ChainTarget.Return:
                        break;
                    case ChainTarget.Jump or ChainTarget.Goto when rule.Chain is { } next:
                        pending.Push(next);
                        break;
                    default:
                        return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The packet as the filter sees it once nat PREROUTING translated it; null (with why) when it is not for this host
    /// or not known to be: a DNAT to another host is the forward path, which INPUT does not decide.
    /// </summary>
    private static (PacketContext? Packet, string Said) Translated(ServerFacts facts, PacketContext context, NatTarget target)
    {
        var said = $"port {context.Port.ToString(CultureInfo.InvariantCulture)} {target.Describe(context.Port)} by nat PREROUTING ({target.Rule})";
        if (target.Address is { } address)
        {
            if (IPAddress.IsLoopback(address))
            {
                return (null, $"{said}: to loopback, delivered only with route_localnet, which is not read");
            }

            if (!facts.Network.Known)
            {
                return (null, $"{said}: whether that is this host's address was not read");
            }

            if (!facts.Network.Addresses.Any(a => a.Address.Equals(address)))
            {
                return (null, $"{said}: forwarded to another host, so the forward path decides, not INPUT");
            }
        }

        var destination = target.Address is { } local ? AddressSet.Of(Cidr.Parse(local.ToString())) : context.Destination;
        if ((target.Port ?? context.Port) == context.Port)
        {
            // A translation to the address and port the packet already has changes nothing, and conntrack then marks no
            // DNAT (a "ct status dnat" accept, firewalld's for its forward-ports, does not hold). REDIRECT picks the
            // arrival interface's first address: unchanged only where the packet can be sent to one address alone.
            var single = context.Destination is { } sent && sent.ToCidrs() is [var only] && only.PrefixLength == only.MaxPrefixLength;
            if (target.Address is null ? single : destination is not null && destination.Equals(context.Destination))
            {
                return (context, $"{said}: the same address and port, so nothing is translated (conntrack marks no DNAT)");
            }

            if (target.Address is null)
            {
                return (null, $"{said}: whether that changes the address (REDIRECT's is the arrival interface's first) is not known");
            }
        }

        return (context with { Port = target.Port ?? context.Port, Destination = destination, Original = context }, said);
    }

    /// <summary>
    /// A packet DNAT-ed to another host (a container behind Docker's bridge): what the forward path does with each part of
    /// <paramref name="region"/>, the packet leaving by the interface of the route to its new address; null when the
    /// address is this host's own (or not known not to be), or the forward path was not read.
    /// </summary>
    private static List<VerdictPiece>? Forwarded(ServerFacts facts, PacketContext context, NatTarget target, IPAddress to, AddressSet region, bool v4)
    {
        if ((v4 ? facts.Forward4 : facts.Forward6) is not { } forward || !facts.Network.Known || IPAddress.IsLoopback(to) ||
            facts.Network.Addresses.Any(a => a.Address.Equals(to)))
        {
            return null;
        }

        var destination = Cidr.Parse(to.ToString());
        var route = facts.Network.Routes.Where(r => r.Destination.Family == destination.Family && r.Destination.Contains(destination))
            .OrderByDescending(r => r.Destination.PrefixLength).ToList();
        var egress = route.Count == 0 ? null : route.Where(r => r.Destination.PrefixLength == route[0].Destination.PrefixLength).Select(r => r.Interface).Distinct().ToList();
        var packet = context with { Port = target.Port ?? context.Port, Destination = AddressSet.Of(destination), Original = context, Egress = egress };
        var said = $"port {context.Port.ToString(CultureInfo.InvariantCulture)} {target.Describe(context.Port)} by nat PREROUTING ({target.Rule}): forwarded to another host{(egress is null ? string.Empty : $" out of {string.Join(", ", egress)}")}";
        return forward.Evaluate(packet, region).Select(p => p with { Evidence = $"{said}; then {p.Evidence}" }).ToList();
    }

    /// <summary>The input path: iptables' chains (ufw's), iptables-legacy's next to them, native nftables', firewalld's zones.</summary>
    private static void Input(PacketPath path, ServerFacts facts, PacketContext packet, Cidr source, bool v4)
    {
        path.Through(facts.UfwActive ? "ufw" : "iptables", v4 ? facts.Iptables4 : facts.Iptables6);
        path.Through("iptables-legacy", v4 ? facts.IptablesLegacy4 : facts.IptablesLegacy6);
        path.Through(facts.FirewalldInKernelRuleset ? "nftables (firewalld's included)" : "nftables", v4 ? facts.Nft4 : facts.Nft6);

        if (facts.FirewalldRunning && !facts.FirewalldInKernelRuleset)
        {
            // firewalld whose rules the probe could not read from the kernel: its zones, as firewall-cmd lists them.
            var zone = facts.FirewalldZones.FirstOrDefault(z => z.Sources.Any(s => Cidr.TryParse(s, out var c) && c.Contains(source)))
                       ?? facts.FirewalldZones.FirstOrDefault(z => z.Name == facts.FirewalldDefaultZone)
                       ?? (facts.FirewalldZones.Count > 0 ? facts.FirewalldZones[0] : null);
            var (admitted, evidence) = zone?.Admits(packet.Protocol, packet.Port, source, facts.FirewalldServicePorts) ?? (true, string.Empty);
            path.Then("firewalld", zone is null ? null : region => [new VerdictPiece(region, admitted ? Decision.Admitted : Decision.Refused, $"firewalld: {evidence}")]);
        }
    }

    /// <summary>
    /// A new outbound connection to <paramref name="destination"/>:<paramref name="port"/> as the kernel's output path
    /// runs it: iptables' OUTPUT chains (ufw's ufw-before-output and its "deny outgoing" default included),
    /// iptables-legacy's next to them, native nftables output chains. firewalld filters no output by default.
    /// </summary>
    public static ServerVerdict EvaluateEgress(ServerFacts facts, Protocol protocol, int port, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(destination);
        return EvaluateEgress(facts, facts.Network.Context(protocol, port, destination) with { ReversePathRoutable = null }, destination);
    }

    /// <summary>An outbound packet described in full (to loopback, of an established connection) on the output path.</summary>
    public static ServerVerdict EvaluateEgress(ServerFacts facts, PacketContext context, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(destination);
        var path = new PacketPath(context, AddressSet.Of(destination), " output");
        var v4 = destination.Family == IpFamily.IPv4;
        var output = facts.Output.Value;
        path.Through(facts.UfwActive ? "ufw" : "iptables", v4 ? output.Iptables4 : output.Iptables6);
        path.Through("iptables-legacy", v4 ? output.IptablesLegacy4 : output.IptablesLegacy6);
        path.Through("nftables", v4 ? output.Nft4 : output.Nft6);
        return path.Verdict("no firewall filters output");
    }

    /// <summary>
    /// The packet's way through the server's filters, one after another: a packet from (or to) a class of addresses
    /// passes only where every filter admits it; the pieces keep which addresses got which verdict, and why.
    /// </summary>
    private sealed class PacketPath(PacketContext packet, AddressSet start, string direction)
    {
        private readonly List<string> _components = [];
        private IReadOnlyList<VerdictPiece>? _pieces;

        public IReadOnlyList<string> Components => _components;

        public void Through(string name, ChainRuleSet? set)
        {
            if (set is not null && set.BaseChains.Count > 0)
            {
                Then(name, region => set.EvaluatePieces(packet, region).Select(p => p with { Evidence = $"{name}{direction}: {p.Evidence}" }).ToList());
            }
        }

        /// <summary>Adds a filter; a null one is named but decides nothing.</summary>
        public void Then(string name, Func<AddressSet, IReadOnlyList<VerdictPiece>>? run)
        {
            _components.Add(name);
            if (run is not null)
            {
                _pieces = _pieces is null ? run(start) : VerdictPiece.Then(_pieces, run);
            }
        }

        /// <summary>What each part of the sources met; everything admitted with <paramref name="unfiltered"/> when no filter decided.</summary>
        public IReadOnlyList<VerdictPiece> Pieces(string unfiltered) => _pieces ?? [new VerdictPiece(start, Decision.Admitted, unfiltered)];

        public ServerVerdict Verdict(string unfiltered)
        {
            if (_pieces is null)
            {
                return new ServerVerdict(Decision.Admitted, unfiltered, _components);
            }

            var verdict = VerdictPiece.Summarize(_pieces);
            return new ServerVerdict(verdict.Decision, verdict.FullEvidence, _components);
        }
    }
}
