namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// Reverse-path filtering (nft <c>fib saddr . iif oif missing</c>, firewalld's rpfilter): whether the server has a
/// route back to the source through the interface the packet came in on. Known when the packet's context says so.
/// </summary>
public sealed class ReversePathMatch(bool missing) : RuleMatch
{
    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.ReversePathRoutable switch
        {
            null => Ternary.Unknown,
            true => missing ? Ternary.False : Ternary.True,
            false => missing ? Ternary.True : Ternary.False,
        };
    }

    public override string? Condition => "reverse-path filter: whether a route back to the source exists was not read";
}
