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
    public static ServerVerdict Evaluate(ServerFacts facts, Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(source);
        var path = new PacketPath(facts.Network.Context(protocol, port, source), source, string.Empty);
        var v4 = source.Family == IpFamily.IPv4;
        path.Through(facts.UfwActive ? "ufw" : "iptables", v4 ? facts.Iptables4 : facts.Iptables6);
        path.Through("iptables-legacy", v4 ? facts.IptablesLegacy4 : facts.IptablesLegacy6);
        path.Through(facts.FirewalldInKernelRuleset ? "nftables (firewalld's included)" : "nftables", v4 ? facts.Nft4 : facts.Nft6);

        if (facts.FirewalldRunning && !facts.FirewalldInKernelRuleset)
        {
            // firewalld whose rules the probe could not read from the kernel: its zones, as firewall-cmd lists them.
            var zone = facts.FirewalldZones.FirstOrDefault(z => z.Sources.Any(s => Cidr.TryParse(s, out var c) && c.Contains(source)))
                       ?? facts.FirewalldZones.FirstOrDefault(z => z.Name == facts.FirewalldDefaultZone)
                       ?? (facts.FirewalldZones.Count > 0 ? facts.FirewalldZones[0] : null);
            var (admitted, evidence) = zone?.Admits(protocol, port, source, facts.FirewalldServicePorts) ?? (true, string.Empty);
            path.Then("firewalld", zone is null ? null : region => [new VerdictPiece(region, admitted ? Decision.Admitted : Decision.Refused, $"firewalld: {evidence}")]);
        }

        return path.Verdict("no firewall filters input");
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
        var path = new PacketPath(facts.Network.Context(protocol, port, destination) with { ReversePathRoutable = null }, destination, " output");
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
    private sealed class PacketPath(PacketContext packet, Cidr peer, string direction)
    {
        private readonly List<string> _components = [];
        private IReadOnlyList<VerdictPiece>? _pieces;

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
                _pieces = _pieces is null ? run(AddressSet.Of(peer)) : VerdictPiece.Then(_pieces, run);
            }
        }

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
