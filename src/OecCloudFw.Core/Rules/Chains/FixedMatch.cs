namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match whose answer for a new connection's first packet the parser already knows: <c>--ctstate NEW</c> holds,
/// <c>ESTABLISHED</c> does not, a rate limit holds conditionally, an unmodelled module is unknown.
/// </summary>
public sealed class FixedMatch(Ternary value, string? condition = null) : RuleMatch
{
    public static FixedMatch Yes { get; } = new(Ternary.True);

    public static FixedMatch No { get; } = new(Ternary.False);

    public Ternary Value => value;

    public override string? Condition => condition;

    public static FixedMatch Unknown(string why) => new(Ternary.Unknown, why);

    public static FixedMatch Conditional(string condition) => new(Ternary.True, condition);

    public override Ternary Evaluate(PacketContext packet) => value;
}
