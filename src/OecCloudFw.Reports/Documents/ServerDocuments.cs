using System.Text.Json.Serialization;

namespace OecCloudFw.Reports.Documents;

/// <summary>JSON of <c>server preflight</c> (schema oec-cloudfw/server-preflight/v1).</summary>
public sealed record PreflightDocument(
    string Target,
    string Status,
    string ActiveFirewall,
    IReadOnlyList<int> SshPorts,
    CsfView? Csf,
    IReadOnlyList<PreflightPortView> Ports,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> ConfigureActions)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/server-preflight/v1";
}

/// <summary>CSF/LFD on the server.</summary>
public sealed record CsfView(bool Installed, bool Active);

/// <summary>One required port and its sources' verdicts.</summary>
public sealed record PreflightPortView(string Ports, string Comment, bool Ssh, bool Admitted, IReadOnlyList<PreflightSourceView> Sources);

/// <summary>One source's verdict for a required port.</summary>
public sealed record PreflightSourceView(
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Admitted,
    string Verdict,
    string Evidence);

/// <summary>JSON of <c>server configure</c> (schema oec-cloudfw/server-configure/v1).</summary>
public sealed record ConfigureDocument(
    string Target,
    string Backend,
    bool DryRun,
    bool Changed,
    string Outcome,
    string? Detail,
    IReadOnlyList<string> Commands,
    PreflightDocument Before,
    PreflightDocument? After)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/server-configure/v1";
}

/// <summary>JSON of <c>test</c> (schema oec-cloudfw/test/v1).</summary>
public sealed record TestDocument(string Target, IReadOnlyList<TestCheckView> Checks)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/test/v1";
}

/// <summary>One connectivity check.</summary>
public sealed record TestCheckView(string From, string What, bool Ok, string Result, string? Diagnosis);

/// <summary>JSON of <c>server harden</c> (schema oec-cloudfw/server-harden/v1).</summary>
public sealed record HardenDocument(
    string Target,
    bool DryRun,
    bool Changed,
    string Outcome,
    string Detail,
    IReadOnlyList<string> Commands)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/server-harden/v1";
}

/// <summary>JSON of <c>server ssh-port</c> (schema oec-cloudfw/server-ssh-port/v1).</summary>
/// <param name="Target">The server.</param>
/// <param name="From">The port SSH was on.</param>
/// <param name="To">The port SSH moves to.</param>
/// <param name="Outcome">moved, dry-run, restored or both-open.</param>
/// <param name="Detail">What happened, in words.</param>
/// <param name="Steps">Every step with its commands and result.</param>
/// <param name="CloudCreated">Cloud rules created on the new port.</param>
/// <param name="CloudRemoved">Cloud rules removed on the old port.</param>
/// <param name="LeftOpen">What still admits the old port and is not the tool's to remove.</param>
/// <param name="PlatformSettings">What to update in the hosting platform's settings.</param>
public sealed record SshPortDocument(
    string Target,
    int From,
    int To,
    string Outcome,
    string Detail,
    IReadOnlyList<SshPortStepView> Steps,
    IReadOnlyList<string> CloudCreated,
    IReadOnlyList<string> CloudRemoved,
    IReadOnlyList<string> LeftOpen,
    string? PlatformSettings)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/server-ssh-port/v1";
}

/// <summary>One step of an SSH port move.</summary>
public sealed record SshPortStepView(string Layer, string Name, IReadOnlyList<string> Commands, string Result);
