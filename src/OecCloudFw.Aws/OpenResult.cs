using OecCloudFw.Core.Planning;

namespace OecCloudFw.Aws;

/// <summary>What <c>aws open</c> found and did.</summary>
/// <param name="Before">The group as read.</param>
/// <param name="Plan">The changes computed from it.</param>
/// <param name="Applied">False for a dry run or an already compliant group.</param>
/// <param name="CreatedRuleIds">Ids of the rules the authorize call created.</param>
/// <param name="RevokedRuleIds">Ids of the tool's own rules revoked by --prune.</param>
public sealed record OpenResult(
    SecurityGroupSnapshot Before,
    Plan Plan,
    bool Applied,
    IReadOnlyList<string> CreatedRuleIds,
    IReadOnlyList<string> RevokedRuleIds);
