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
        var packet = facts.Network.Context(protocol, port, source);
        var components = new List<string>();
        IReadOnlyList<VerdictPiece>? pieces = null;
        void Through(string name, ChainRuleSet? set)
        {
            if (set is null || set.BaseChains.Count == 0)
            {
                return;
            }

            components.Add(name);
            IReadOnlyList<VerdictPiece> Run(AddressSet region) =>
                set.EvaluatePieces(packet, region).Select(p => p with { Evidence = $"{name}: {p.Evidence}" }).ToList();
            pieces = pieces is null ? Run(AddressSet.Of(source)) : VerdictPiece.Then(pieces, Run);
        }

        var v4 = source.Family == IpFamily.IPv4;
        Through(facts.UfwActive ? "ufw" : "iptables", v4 ? facts.Iptables4 : facts.Iptables6);
        Through("iptables-legacy", v4 ? facts.IptablesLegacy4 : facts.IptablesLegacy6);
        Through(facts.FirewalldInKernelRuleset ? "nftables (firewalld's included)" : "nftables", v4 ? facts.Nft4 : facts.Nft6);

        if (facts.FirewalldRunning && !facts.FirewalldInKernelRuleset)
        {
            // firewalld whose rules the probe could not read from the kernel: its zones, as firewall-cmd lists them.
            components.Add("firewalld");
            var zone = facts.FirewalldZones.FirstOrDefault(z => z.Sources.Any(s => Cidr.TryParse(s, out var c) && c.Contains(source)))
                       ?? facts.FirewalldZones.FirstOrDefault(z => z.Name == facts.FirewalldDefaultZone)
                       ?? (facts.FirewalldZones.Count > 0 ? facts.FirewalldZones[0] : null);
            if (zone is not null)
            {
                var (admitted, evidence) = zone.Admits(protocol, port, source, facts.FirewalldServicePorts);
                IReadOnlyList<VerdictPiece> Zone(AddressSet region) => [new VerdictPiece(region, admitted ? Decision.Admitted : Decision.Refused, $"firewalld: {evidence}")];
                pieces = pieces is null ? Zone(AddressSet.Of(source)) : VerdictPiece.Then(pieces, Zone);
            }
        }

        if (pieces is null)
        {
            return new ServerVerdict(Decision.Admitted, "no firewall filters input", components);
        }

        var verdict = VerdictPiece.Summarize(pieces);
        return new ServerVerdict(verdict.Decision, verdict.FullEvidence, components);
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
        var packet = facts.Network.Context(protocol, port, destination) with { ReversePathRoutable = null };
        var components = new List<string>();
        IReadOnlyList<VerdictPiece>? pieces = null;
        void Through(string name, ChainRuleSet? set)
        {
            if (set is null || set.BaseChains.Count == 0)
            {
                return;
            }

            components.Add(name);
            IReadOnlyList<VerdictPiece> Run(AddressSet region) =>
                set.EvaluatePieces(packet, region).Select(p => p with { Evidence = $"{name} output: {p.Evidence}" }).ToList();
            pieces = pieces is null ? Run(AddressSet.Of(destination)) : VerdictPiece.Then(pieces, Run);
        }

        var v4 = destination.Family == IpFamily.IPv4;
        Through(facts.UfwActive ? "ufw" : "iptables", v4 ? facts.IptablesOut4 : facts.IptablesOut6);
        Through("iptables-legacy", v4 ? facts.IptablesLegacyOut4 : facts.IptablesLegacyOut6);
        Through("nftables", v4 ? facts.NftOut4 : facts.NftOut6);
        if (pieces is null)
        {
            return new ServerVerdict(Decision.Admitted, "no firewall filters output", components);
        }

        var verdict = VerdictPiece.Summarize(pieces);
        return new ServerVerdict(verdict.Decision, verdict.FullEvidence, components);
    }
}
