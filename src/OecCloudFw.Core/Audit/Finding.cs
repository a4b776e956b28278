namespace OecCloudFw.Core.Audit;

/// <summary>A problem found in a layer: a stable id, how bad it is, the evidence that decided it, and the fix.</summary>
/// <param name="Id">Stable identifier (see <see cref="FindingIds"/>).</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">One sentence in the operator's words.</param>
/// <param name="Evidence">The rule or line that decided it.</param>
/// <param name="Fixes">Commands that fix it, one per layer where it applies.</param>
public sealed record Finding(string Id, Severity Severity, string Message, string Evidence, IReadOnlyList<string> Fixes)
{
    /// <summary>The benchmark checks the finding fails, as "benchmark:id" ("cis-ubuntu-24.04:4.2.7"); none for most findings.</summary>
    public IReadOnlyList<string> Benchmarks { get; init; } = [];
}
