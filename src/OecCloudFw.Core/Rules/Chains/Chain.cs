namespace OecCloudFw.Core.Rules.Chains;

/// <summary>A chain: its rules in order and, for a base chain, its policy.</summary>
/// <param name="Name">Chain name.</param>
/// <param name="Policy">ACCEPT or DROP for a base chain; null for a user chain (implicit return).</param>
/// <param name="Rules">Rules in order.</param>
public sealed record Chain(string Name, ChainTarget? Policy, IReadOnlyList<ChainRule> Rules);
