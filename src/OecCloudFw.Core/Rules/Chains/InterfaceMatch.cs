namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on the input interface (<c>-i wg0</c>, <c>iifname "docker0"</c>, <c>-i eth+</c>, nft <c>"eth*"</c>). It holds
/// when every interface the packet may arrive on matches, fails when none does, and is unknown in between or when the
/// ingress is unknown. A remote source never arrives on loopback. With <c>output</c>, the match is on the interface a
/// forwarded packet leaves by (<c>-o</c>, <c>oifname</c>; <see cref="PacketContext.Egress"/>).
/// </summary>
public sealed class InterfaceMatch(IReadOnlyList<string> patterns, bool negated, bool output = false) : RuleMatch
{
    public IReadOnlyList<string> Patterns => patterns;

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Ternary result;
        if ((output ? packet.Egress : packet.Ingress) is not { Count: > 0 } ingress)
        {
            result = !output && patterns.All(p => p == "lo") ? Ternary.False : Ternary.Unknown;
        }
        else
        {
            var matching = ingress.Count(i => patterns.Any(p => Matches(p, i)));
            result = matching == ingress.Count ? Ternary.True : matching == 0 ? Ternary.False : Ternary.Unknown;
        }

        return !negated || result == Ternary.Unknown ? result : result == Ternary.True ? Ternary.False : Ternary.True;
    }

    /// <summary>iptables' trailing "+" and nft's trailing "*" are prefix wildcards.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return pattern.EndsWith('+') || pattern.EndsWith('*')
            ? name.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, name, StringComparison.Ordinal);
    }
}
