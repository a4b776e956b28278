using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.SafeApply;

namespace OecCloudFw.Server.Configure;

/// <summary>What configure did on one server, and the preflight it re-ran afterwards.</summary>
public sealed record ConfigureResult(
    ConfigurePlan Plan,
    bool DryRun,
    ApplyOutcome? Outcome,
    string Detail,
    PreflightReport Before,
    PreflightReport? After)
{
    /// <summary>Set when the change would not definitely admit the operator's own address to SSH (a dry run, or --allow-lockout-risk).</summary>
    public string? LockoutRisk { get; init; }
}
