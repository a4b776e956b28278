namespace OecCloudFw.Core.Rules;

/// <summary>The answer of a layer for one packet: admitted or not, and the rule (or default) that decided.</summary>
/// <param name="Admitted">Whether the packet gets through.</param>
/// <param name="DecidedBy">The rule that matched first; null when the default action decided.</param>
public sealed record Verdict(bool Admitted, Rule? DecidedBy)
{
    public string Evidence => DecidedBy?.ToString() ?? (Admitted ? "default allow" : "default deny");
}
