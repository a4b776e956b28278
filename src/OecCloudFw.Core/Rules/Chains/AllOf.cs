namespace OecCloudFw.Core.Rules.Chains;

/// <summary>Several matches that one expression implies together (nft's <c>tcp dport 22</c> is "tcp" and "port 22").</summary>
public sealed class AllOf(IReadOnlyList<RuleMatch> matches) : RuleMatch
{
    public IReadOnlyList<RuleMatch> Parts => matches;

    public override string? Condition => matches.Select(m => m.Condition).FirstOrDefault(c => c is not null);

    public override string? UnknownWhy => matches.Select(m => m.UnknownWhy).FirstOrDefault(c => c is not null);
    public override string? Holding => matches.Select(m => m.Holding).FirstOrDefault(c => c is not null);

    public override Ternary Evaluate(PacketContext packet)
    {
        var result = Ternary.True;
        foreach (var match in matches)
        {
            switch (match.Evaluate(packet))
            {
                case Ternary.False:
                    return Ternary.False;
                case Ternary.Unknown:
                    result = Ternary.Unknown;
                    break;
            }
        }

        return result;
    }
}
