namespace OecCloudFw.Core.Rules.Chains;

/// <summary>
/// Whether a packet gets through, for a set of sources: the decision that holds for most of them, the rule or policy
/// that decided, the sources for which it is otherwise (with their rules), and the condition an admission depends on.
/// </summary>
public sealed record ChainVerdict(Decision Decision, string Evidence, string? Exceptions = null, string? Condition = null)
{
    public bool Admitted => Decision == Decision.Admitted;

    public bool Refused => Decision == Decision.Refused;

    public bool Indeterminate => Decision == Decision.Indeterminate;

    public ChainVerdict(bool admitted, string evidence)
        : this(admitted ? Decision.Admitted : Decision.Refused, evidence)
    {
    }

    /// <summary>The evidence with the exceptions and the condition, for one line of output.</summary>
    public string FullEvidence =>
        Evidence + (Condition is null ? string.Empty : $" (conditionally: {Condition})") + (Exceptions is null ? string.Empty : $"; except {Exceptions}");
}
