using OecCloudFw.Core.Planning;

namespace OecCloudFw.Azure;

/// <summary>What <c>azure open</c> does to one NSG: the plan, the rules it creates (first), the tool's own rules it then narrows and those it deletes.</summary>
internal sealed record OpenPlan(Plan Plan, IReadOnlyList<NewSecurityRule> NewRules, IReadOnlyList<string> ToDelete, IReadOnlyList<NsgRule> Narrowed);
