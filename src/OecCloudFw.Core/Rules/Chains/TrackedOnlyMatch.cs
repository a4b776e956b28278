namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A conntrack match other than the state (<c>ct status</c>, <c>ct direction</c>, <c>--ctorigdstport</c>…): for an
/// untracked packet it has no connection to look at, and answers <paramref name="whenUntracked"/> (nft: the rule does
/// not match; iptables: depends on the rule's other conntrack options, so unknown). Before conntrack there is no
/// connection either.
/// </summary>
public sealed class TrackedOnlyMatch(RuleMatch inner, Ternary whenUntracked) : RuleMatch
{
    public override string? Condition => inner.Condition ?? "a conntrack match on an untracked packet";

    public override string? Holding => inner.Holding;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Untracked || packet.BeforeConntrack ? whenUntracked : inner.Evaluate(packet);
    }
}
