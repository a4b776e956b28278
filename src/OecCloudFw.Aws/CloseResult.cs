using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>What <c>aws close</c> found and did.</summary>
/// <param name="Revoked">The tool's own rules that matched and were (or, on a dry run, would be) revoked.</param>
/// <param name="LeftForeign">Matching rules the tool did not create: never revoked, reported with the command to do it by hand.</param>
/// <param name="StillAdmittedBy">Broader rules that still admit the port after the close.</param>
/// <param name="Applied">False on a dry run or when nothing matched.</param>
public sealed record CloseResult(
    IReadOnlyList<Rule> Revoked,
    IReadOnlyList<Rule> LeftForeign,
    IReadOnlyList<Rule> StillAdmittedBy,
    bool Applied);
