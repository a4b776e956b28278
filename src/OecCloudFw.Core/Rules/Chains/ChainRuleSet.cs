using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A netfilter input path: one or more base chains on the packet's way in (prerouting and input hooks), in the order
/// the kernel runs them, and the user chains they jump to. A packet is admitted only if every base chain accepts it (a
/// drop anywhere is final), as the kernel does.
/// <para>
/// Sources are evaluated as a set: each rule splits the sources still on their way into those it matches, those it may
/// match (a match the tool does not model) and the rest. Where an unknown match would change the outcome, the outcome
/// is indeterminate and names that rule; where both ways end the same, the outcome is definite.
/// </para>
/// </summary>
public sealed class ChainRuleSet
{
    private const int MaxDepth = 64;

    public ChainRuleSet(IReadOnlyDictionary<string, Chain> chains, IReadOnlyList<string> baseChains)
    {
        Chains = chains;
        BaseChains = baseChains;
    }

    public IReadOnlyDictionary<string, Chain> Chains { get; }

    /// <summary>The base chains on the packet's way in, in the order the kernel runs them.</summary>
    public IReadOnlyList<string> BaseChains { get; }

    /// <summary>
    /// How many of <see cref="BaseChains"/> run before nat PREROUTING (raw and mangle PREROUTING, nft prerouting chains
    /// of priority up to dstnat): they see the packet as it arrived (<see cref="PacketContext.Original"/>).
    /// </summary>
    public int BeforeTranslation { get; init; }

    /// <summary>
    /// How many of <see cref="BaseChains"/> run before conntrack (netdev and inet ingress, prerouting below priority
    /// -200, iptables' raw PREROUTING): the packet has no connection there (<see cref="PacketContext.BeforeConntrack"/>).
    /// </summary>
    public int BeforeConntrack { get; init; }

    /// <summary>The total number of rules, for benchmarks and messages.</summary>
    public int RuleCount => Chains.Values.Sum(c => c.Rules.Count);

    /// <summary>Decides a NEW packet from the addresses of <paramref name="source"/>, nothing else known about it.</summary>
    public ChainVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Evaluate(PacketContext.For(protocol, port, source.Family), AddressSet.Of(source));
    }

    public ChainVerdict Evaluate(PacketContext packet, AddressSet sources) => VerdictPiece.Summarize(EvaluatePieces(packet, sources));

    /// <summary>What happens to the packet from each part of <paramref name="sources"/>.</summary>
    public IReadOnlyList<VerdictPiece> EvaluatePieces(PacketContext packet, AddressSet sources)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(sources);
        IReadOnlyList<VerdictPiece> pieces = [new VerdictPiece(sources, Decision.Admitted, "no input chain: everything is admitted")];
        var first = true;
        for (var b = 0; b < BaseChains.Count; b++)
        {
            if (!Chains.TryGetValue(BaseChains[b], out var chain))
            {
                continue;
            }

            var seen = b < BeforeTranslation && packet.Original is { } original ? original : packet;
            var run = new Run(this, b < BeforeConntrack ? seen with { BeforeConntrack = true } : seen);
            pieces = first ? run.Base(chain, sources) : VerdictPiece.Then(pieces, region => run.Base(chain, region));
            first = false;
        }

        return pieces;
    }

    /// <summary>Sources on their way through a chain; Pending is what the packet's fate would be had an unknown match held.</summary>
    private readonly record struct Flow(AddressSet Region, Decision? Pending, string? PendingRule, string? Condition);

    /// <summary>One evaluation of one packet: walks the chains with the sources still undecided.</summary>
    private sealed class Run(ChainRuleSet set, PacketContext packet)
    {
        private readonly List<VerdictPiece> _done = [];

        public IReadOnlyList<VerdictPiece> Base(Chain chain, AddressSet sources)
        {
            _done.Clear();
            var returned = Walk(chain, [new Flow(sources, null, null, null)], 0);
            var accept = chain.Policy is null or ChainTarget.Accept;
            foreach (var flow in returned)
            {
                Finish(flow, accept ? Decision.Admitted : Decision.Refused, $"policy {(accept ? "ACCEPT" : "DROP")} of chain {chain.Name}");
            }

            return [.. _done];
        }

        /// <summary>Runs <paramref name="flows"/> through <paramref name="chain"/>; returns what falls off its end or returns.</summary>
        private List<Flow> Walk(Chain chain, List<Flow> flows, int depth)
        {
            var returned = new List<Flow>();
            foreach (var rule in chain.Rules)
            {
                if (flows.Count == 0)
                {
                    break;
                }

                if (rule.Target == ChainTarget.Continue)
                {
                    continue;
                }

                List<Flow>? next = null;
                for (var f = 0; f < flows.Count; f++)
                {
                    var flow = flows[f];
                    var split = rule.Split(packet, flow.Region);
                    if (split.Yes.IsEmpty && split.Unknown.IsEmpty)
                    {
                        if (split.Later is { IsEmpty: false } later && flow.Condition is null && rule.Target is not (ChainTarget.Accept or ChainTarget.Continue or ChainTarget.Return))
                        {
                            // A rule that refuses (or jumps) only for a later connection: what passes it now is admitted
                            // only under that condition (ufw limit, -m recent --update --hitcount).
                            next ??= flows.Take(f).ToList();
                            var now = flow.Region.Except(later);
                            if (!now.IsEmpty)
                            {
                                next.Add(flow with { Region = now });
                            }

                            var limited = flow.Region.Intersect(later);
                            if (!limited.IsEmpty)
                            {
                                next.Add(flow with { Region = limited, Condition = $"{split.LaterWhy} ({rule.Text})" });
                            }

                            continue;
                        }

                        next?.Add(flow);
                        continue;
                    }

                    next ??= flows.Take(f).ToList();
                    var no = flow.Region.Except(split.Yes).Except(split.Unknown);
                    if (!no.IsEmpty)
                    {
                        next.Add(flow with { Region = no });
                    }

                    var condition = split.Condition is null ? flow.Condition : $"{split.Condition} ({rule.Text})";
                    if (!split.Yes.IsEmpty)
                    {
                        Apply(rule, flow with { Region = split.Yes, Condition = condition }, next, returned, depth);
                    }

                    if (!split.Unknown.IsEmpty)
                    {
                        Maybe(rule, flow with { Region = split.Unknown, Condition = condition }, split.UnknownWhy, next, depth);
                    }
                }

                if (next is not null)
                {
                    flows = Merge(next);
                }
            }

            returned.AddRange(flows);
            return returned;
        }

        /// <summary>The rule certainly matches the flow.</summary>
        private void Apply(ChainRule rule, Flow flow, List<Flow> next, List<Flow> returned, int depth)
        {
            switch (rule.Target)
            {
                case ChainTarget.Accept:
                    Finish(flow, Decision.Admitted, rule.Text);
                    break;
                case ChainTarget.Drop or ChainTarget.Reject:
                    Finish(flow, Decision.Refused, rule.Text);
                    break;
                case ChainTarget.Return:
                    returned.Add(flow);
                    break;
                case ChainTarget.Jump or ChainTarget.Goto:
                    if (rule.Chain is null || !set.Chains.TryGetValue(rule.Chain, out var target) || depth >= MaxDepth)
                    {
                        _done.Add(new VerdictPiece(flow.Region, Decision.Indeterminate, $"{rule.Text} (the chain it jumps to was not read)"));
                        break;
                    }

                    var back = Walk(target, [flow], depth + 1);
                    (rule.Target == ChainTarget.Jump ? next : returned).AddRange(back);
                    break;
                default:
                    _done.Add(new VerdictPiece(flow.Region, Decision.Indeterminate, $"{rule.Text} (a verdict the tool does not model)"));
                    break;
            }
        }

        /// <summary>Whether the rule matches the flow is unknown: follow both ways; where they differ, indeterminate.</summary>
        private void Maybe(ChainRule rule, Flow flow, string? why, List<Flow> next, int depth)
        {
            var evidence = $"{rule.Text} (unknown whether it matches: {why})";
            Decision? ifMatched = rule.Target switch
            {
                ChainTarget.Accept => Decision.Admitted,
                ChainTarget.Drop or ChainTarget.Reject => Decision.Refused,
                _ => null,
            };
            if (ifMatched is { } decision)
            {
                if (flow.Pending is null)
                {
                    next.Add(flow with { Pending = decision, PendingRule = evidence });
                }
                else if (flow.Pending == decision)
                {
                    next.Add(flow);
                }
                else
                {
                    _done.Add(new VerdictPiece(flow.Region, Decision.Indeterminate, flow.PendingRule!));
                }

                return;
            }

            if (rule.Target == ChainTarget.Jump && rule.Chain is not null && set.Chains.TryGetValue(rule.Chain, out var target) && depth < MaxDepth)
            {
                // What returns from the chain goes on either way; what the chain decides is pending.
                var before = _done.Count;
                var back = Walk(target, [flow with { Pending = null, PendingRule = null }], depth + 1);
                var decided = _done.GetRange(before, _done.Count - before);
                _done.RemoveRange(before, _done.Count - before);
                foreach (var b in back)
                {
                    // A flow back from the chain may carry a fate of its own (an unknown match inside the chain): it
                    // goes on with whichever fate is pending; where the chain's and the caller's differ, indeterminate.
                    if (b.Pending is null)
                    {
                        next.Add(b with { Pending = flow.Pending, PendingRule = flow.PendingRule });
                    }
                    else if (flow.Pending is null || flow.Pending == b.Pending)
                    {
                        next.Add(b);
                    }
                    else
                    {
                        _done.Add(new VerdictPiece(b.Region, Decision.Indeterminate, b.PendingRule!));
                    }
                }

                foreach (var piece in decided)
                {
                    if (piece.Decision == Decision.Indeterminate || (flow.Pending is { } p && p != piece.Decision))
                    {
                        _done.Add(piece with { Decision = Decision.Indeterminate, Evidence = flow.PendingRule ?? piece.Evidence });
                    }
                    else
                    {
                        next.Add(new Flow(piece.Region, piece.Decision, $"{evidence}, then {piece.Evidence}", flow.Condition));
                    }
                }

                return;
            }

            _done.Add(new VerdictPiece(flow.Region, Decision.Indeterminate, evidence));
        }

        private void Finish(Flow flow, Decision decision, string evidence)
        {
            if (flow.Pending is null || flow.Pending == decision)
            {
                _done.Add(new VerdictPiece(flow.Region, decision, evidence, decision == Decision.Admitted ? flow.Condition : null));
            }
            else
            {
                _done.Add(new VerdictPiece(flow.Region, Decision.Indeterminate, flow.PendingRule!));
            }
        }

        /// <summary>Flows in the same state are one flow: keeps the work linear in the rules.</summary>
        private static List<Flow> Merge(List<Flow> flows)
        {
            if (flows.Count < 2)
            {
                return flows;
            }

            var merged = new List<Flow>(flows.Count);
            foreach (var flow in flows)
            {
                var index = merged.FindIndex(m => m.Pending == flow.Pending && m.PendingRule == flow.PendingRule && m.Condition == flow.Condition);
                if (index < 0)
                {
                    merged.Add(flow);
                }
                else
                {
                    merged[index] = merged[index] with { Region = merged[index].Region.Union(flow.Region) };
                }
            }

            return merged;
        }
    }
}
