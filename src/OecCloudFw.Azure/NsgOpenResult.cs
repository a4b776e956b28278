using OecCloudFw.Core.Planning;

namespace OecCloudFw.Azure;

/// <summary>What <c>azure open</c> found and did on one NSG.</summary>
/// <param name="Nsg">The NSG as read.</param>
/// <param name="Plan">Add (missing), keep (admitted already), extra, remove (own, with --prune).</param>
/// <param name="NewRules">The security rules it created (or would create): name, priority and properties.</param>
/// <param name="Deleted">Names of its own rules deleted by --prune.</param>
/// <param name="Applied">False on a dry run or when compliant.</param>
public sealed record NsgOpenResult(NsgSnapshot Nsg, Plan Plan, IReadOnlyList<NewSecurityRule> NewRules, IReadOnlyList<string> Deleted, bool Applied);

/// <summary>A security rule the tool writes.</summary>
public sealed record NewSecurityRule(string Name, int Priority, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string Description);
