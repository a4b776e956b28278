using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A netfilter input path: one or more base chains hooked on input, in priority order, and the user chains they jump
/// to. A packet is admitted only if every base chain accepts it (a drop anywhere is final), as the kernel does.
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

    /// <summary>The base chains on the input hook, in the order the kernel runs them.</summary>
    public IReadOnlyList<string> BaseChains { get; }

    /// <summary>The total number of rules, for benchmarks and messages.</summary>
    public int RuleCount => Chains.Values.Sum(c => c.Rules.Count);

    /// <summary>Decides a NEW packet from every address of <paramref name="source"/> to <paramref name="port"/>.</summary>
    public ChainVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ChainVerdict? last = null;
        foreach (var name in BaseChains)
        {
            if (!Chains.TryGetValue(name, out var chain))
            {
                continue;
            }

            var verdict = EvaluateBase(chain, protocol, port, source);
            if (!verdict.Admitted)
            {
                return verdict;
            }

            last = verdict;
        }

        return last ?? new ChainVerdict(true, "no input chain: everything is admitted");
    }

    private ChainVerdict EvaluateBase(Chain baseChain, Protocol protocol, int port, Cidr source)
    {
        var stack = new Stack<(Chain Chain, int Next)>();
        var current = baseChain;
        var index = 0;
        while (true)
        {
            if (index >= current.Rules.Count)
            {
                if (stack.Count == 0)
                {
                    var accept = current.Policy is null or ChainTarget.Accept;
                    return new ChainVerdict(accept, $"policy {(accept ? "ACCEPT" : "DROP")} of chain {current.Name}");
                }

                (current, index) = stack.Pop();
                continue;
            }

            var rule = current.Rules[index++];
            if (!rule.Matches(protocol, port, source))
            {
                continue;
            }

            switch (rule.Target)
            {
                case ChainTarget.Accept:
                    return new ChainVerdict(true, rule.Text);
                case ChainTarget.Drop:
                case ChainTarget.Reject:
                    return new ChainVerdict(false, rule.Text);
                case ChainTarget.Return:
                    index = int.MaxValue;
                    break;
                case ChainTarget.Jump:
                case ChainTarget.Goto:
                    if (rule.Chain is null || !Chains.TryGetValue(rule.Chain, out var next) || stack.Count >= MaxDepth)
                    {
                        continue;
                    }

                    if (rule.Target == ChainTarget.Jump)
                    {
                        stack.Push((current, index));
                    }

                    current = next;
                    index = 0;
                    break;
            }
        }
    }
}
