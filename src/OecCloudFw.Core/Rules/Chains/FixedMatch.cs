namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match whose answer for a new connection's first packet the parser already knows: <c>--ctstate NEW</c> holds,
/// <c>ESTABLISHED</c> does not, a rate limit holds conditionally, an unmodelled module is unknown.
/// </summary>
public sealed class FixedMatch(Ternary value, string? condition = null, bool later = false) : RuleMatch
{
    public static FixedMatch Yes { get; } = new(Ternary.True);

    public static FixedMatch No { get; } = new(Ternary.False);

    public Ternary Value => value;

    public override string? Condition => condition;

    public override string? Holding => value == Ternary.True ? condition : null;

    public static FixedMatch Unknown(string why) => new(Ternary.Unknown, why);

    public static FixedMatch Conditional(string condition) => new(Ternary.True, condition);

    /// <summary>Fails for a source's first connection, holds for later ones (see <see cref="RuleMatch.Later"/>).</summary>
    public static FixedMatch HoldsLater(string condition) => new(Ternary.False, condition, later: true);

    public override string? Later => later ? condition : null;

    public override Ternary Evaluate(PacketContext packet) => value;
}
