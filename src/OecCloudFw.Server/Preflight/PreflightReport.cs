using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Preflight;

/// <summary>The outcome of a preflight: status, what is active, each port's verdict, and what configure would do.</summary>
public sealed record PreflightReport(
    string Target,
    PreflightStatus Status,
    string ActiveFirewall,
    IReadOnlyList<int> SshPorts,
    CsfState? Csf,
    IReadOnlyList<PortCheck> Ports,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> ConfigureActions)
{
    /// <summary>Set when the policy is the one recorded on the server ("policy: as applied on … by oec-cloudfw …").</summary>
    public string? PolicyNote { get; init; }
}
