using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// The forward path of one family, as the kernel runs it for a packet DNAT-ed to a container (Docker's published
/// ports): iptables' filter FORWARD (ufw's and an operator's; iptables-nft or legacy), then every native nftables base
/// chain on the forward hook by priority (Docker 29's <c>ip docker-bridges</c> filter-FORWARD, the tool's own
/// <c>inet oecfw-docker</c>). The packet's mark is followed from one nft base chain to the next where the rules that set
/// it are modelled (a constant, or a masked constant, set by a rule that accepts right away in a forward base chain):
/// the mark Docker's <c>--bridge-accept-fwmark</c> rule accepts. Anything else that sets a mark makes it unknown.
/// </summary>
/// <param name="iptables">filter FORWARD of iptables (and of iptables-legacy next to it), each with its name.</param>
/// <param name="nft">Native nftables' prerouting and forward filter chains (<see cref="NftRulesetParser.ParseForward"/>).</param>
/// <param name="marks">The rules that set the mark, by their text.</param>
/// <param name="otherMarks">True when something the tool does not follow sets marks (iptables' MARK/CONNMARK).</param>
/// <param name="forwarding">Whether the kernel forwards this family at all (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding); null when not read.</param>
public sealed class ForwardPath(IReadOnlyList<(string Name, ChainRuleSet Set)> iptables, ChainRuleSet? nft, IReadOnlyDictionary<string, NftMarkSet> marks, bool otherMarks, bool? forwarding)
{

    /// <summary>What each part of <paramref name="sources"/> meets on its way through (the packet as translated, with its way out).</summary>
    public IReadOnlyList<VerdictPiece> Evaluate(PacketContext packet, AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(sources);
        // Arriving from the wire a packet has mark 0, unless something sets one that is not followed here.
        var start = otherMarks || marks.Values.Any(m => !m.Known || !m.Accepts || nft is null || !nft.BaseChains.Contains(m.Chain)) ? (uint?)null : 0u;
        var pieces = new List<(VerdictPiece Piece, uint? Mark)> { (new VerdictPiece(sources, Decision.Admitted, "no filter on the forward path"), start) };
        var setting = packet.Family == IpFamily.IPv4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding";
        if (forwarding is not { } on)
        {
            return [new VerdictPiece(sources, Decision.Indeterminate, $"whether the kernel forwards ({setting}) was not read")];
        }

        if (!on)
        {
            return [new VerdictPiece(sources, Decision.Refused, $"the kernel does not forward ({setting} = 0)")];
        }

        var first = true;
        foreach (var (name, set) in iptables.Where(i => i.Set.BaseChains.Count > 0))
        {
            var run = set.EvaluatePieces(packet with { Mark = start }, sources).Select(p => (p with { Evidence = $"{name} FORWARD: {p.Evidence}" }, start)).ToList();
            pieces = first ? run : [.. VerdictPiece.Then(pieces.Select(p => p.Piece).ToList(), region => set.EvaluatePieces(packet with { Mark = start }, region)
                .Select(p => p with { Evidence = $"{name} FORWARD: {p.Evidence}" }).ToList()).Select(p => (p, start))];
            first = false;
        }

        var bases = nft?.BaseChains ?? [];
        for (var b = 0; b < bases.Count; b++)
        {
            // Prerouting chains up to dstnat's priority see the packet as it arrived, the others the translated one.
            var one = new ChainRuleSet(nft!.Chains, [bases[b]]) { BeforeTranslation = b < nft.BeforeTranslation ? 1 : 0 };
            var next = new List<(VerdictPiece, uint?)>();
            foreach (var (piece, mark) in pieces)
            {
                if (!first && (piece.Decision == Decision.Refused || piece.Region.IsEmpty))
                {
                    next.Add((piece, mark));
                    continue;
                }

                foreach (var after in one.EvaluatePieces(packet with { Mark = mark }, piece.Region))
                {
                    var said = after with { Evidence = $"nftables forward: {after.Evidence}" };
                    var carried = after.Decision == Decision.Admitted ? MarkAfter(after.Evidence, mark) : mark;
                    next.Add(first || piece.Decision == Decision.Admitted || after.Decision == Decision.Refused
                        ? (said with { Evidence = after.Decision == Decision.Admitted && !first ? $"{piece.Evidence}; then {said.Evidence}" : said.Evidence, Condition = after.Condition ?? piece.Condition }, carried)
                        : (piece with { Region = after.Region }, carried));
                }
            }

            pieces = next;
            first = false;
        }

        return pieces.Select(p => p.Piece).ToList();
    }

    /// <summary>The mark a packet carries on once a rule admitted it: set by that rule, when it is one that sets it.</summary>
    private uint? MarkAfter(string evidence, uint? mark)
    {
        foreach (var (rule, set) in marks)
        {
            var at = evidence.IndexOf(rule, StringComparison.Ordinal);
            if (at >= 0 && (at + rule.Length == evidence.Length || !char.IsAsciiDigit(evidence[at + rule.Length])))
            {
                return mark is { } m && set.Known ? set.Apply(m) : null;
            }
        }

        return mark;
    }
}
