namespace OecCloudFw.Core.Rules.Chains;

/// <summary>Whether a packet gets through the chains, and the rule or policy that decided.</summary>
public sealed record ChainVerdict(bool Admitted, string Evidence);
