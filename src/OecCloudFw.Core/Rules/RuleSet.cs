using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Rules;

/// <summary>
/// A layer's inbound rules in evaluation order, with its default action. First match decides.
/// A security group (a union of allows over a default deny) is the special case where every rule allows.
/// </summary>
public sealed class RuleSet
{
    public RuleSet(IEnumerable<Rule> rules, RuleAction defaultAction = RuleAction.Deny)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules.ToList();
        DefaultAction = defaultAction;
    }

    public IReadOnlyList<Rule> Rules { get; }

    public RuleAction DefaultAction { get; }

    /// <summary>Decides a packet from every address of <paramref name="source"/> to <paramref name="port"/>.</summary>
    public Verdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var rule in Rules)
        {
            if (rule.Matches(protocol, port, source))
            {
                return new Verdict(rule.Action == RuleAction.Allow, rule);
            }
        }

        return new Verdict(DefaultAction == RuleAction.Allow, null);
    }
}
