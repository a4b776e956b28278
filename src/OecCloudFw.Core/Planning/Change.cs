using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Planning;

/// <summary>One line of a plan.</summary>
/// <param name="Kind">Add, keep, extra or remove.</param>
/// <param name="Rule">The rule concerned (for Keep: the wanted rule).</param>
/// <param name="CoveredBy">For Keep: the existing rule that already admits it.</param>
public sealed record Change(ChangeKind Kind, Rule Rule, Rule? CoveredBy = null);
