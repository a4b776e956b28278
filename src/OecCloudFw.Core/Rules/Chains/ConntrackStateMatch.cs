namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// A match on conntrack's state (<c>--ctstate</c>, <c>--state</c>, nft <c>ct state</c>): a new connection's first packet
/// is NEW, and also DNAT when nat PREROUTING translated it; a packet of a tracked connection is ESTABLISHED; a packet the raw
/// table exempted (NOTRACK) is UNTRACKED only. Before conntrack (netdev ingress, raw) it has no connection: INVALID, or
/// UNTRACKED when a notrack ran (where the chain sits against that notrack is not modelled: unknown).
/// </summary>
public sealed class ConntrackStateMatch(IReadOnlyCollection<string> states, bool negated) : RuleMatch
{
    private readonly bool _new = Has(states, "NEW");
    private readonly bool _dnat = Has(states, "DNAT");
    private readonly bool _untracked = Has(states, "UNTRACKED");
    private readonly bool _established = Has(states, "ESTABLISHED");
    private readonly bool _invalid = Has(states, "INVALID");

    public override string? UnknownWhy => "whether raw's notrack ran before this rule is not modelled";

    public override Ternary Evaluate(PacketContext packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.BeforeConntrack)
        {
            if (packet.Untracked && _untracked != _invalid)
            {
                return Ternary.Unknown;
            }

            return _invalid != negated ? Ternary.True : Ternary.False;
        }

        var holds = packet.Untracked ? _untracked : packet.Established ? _established : _new || (_dnat && packet.Original is not null);
        return holds != negated ? Ternary.True : Ternary.False;
    }

    private static bool Has(IReadOnlyCollection<string> states, string state) => states.Any(s => string.Equals(s.Trim(), state, StringComparison.OrdinalIgnoreCase));
}
