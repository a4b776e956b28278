using System.Text.Json.Serialization;

namespace OecCloudFw.Cli.Output.Documents;

/// <summary>JSON of <c>audit</c> (schema oec-cloudfw/audit/v3: v2 and each finding's subject as fields, its fingerprint and its fixes as data).</summary>
internal sealed record AuditDocument(
    string Server,
    string? CloudLayer,
    string ServerLayer,
    string Vantage,
    string? Worst,
    IReadOnlyList<AuditPortView> Ports,
    IReadOnlyList<EgressView> Egress,
    IReadOnlyList<NetworkAclView> NetworkAcls,
    IReadOnlyList<WebCheckView> Web,
    BenchmarkView? Benchmark,
    IReadOnlyList<AuditFindingView> Findings)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/audit/v3";
}

/// <summary>
/// A finding of the audit: what it is about as fields (server, port, protocol, layer, resource, peer), its stable
/// fingerprint (id and subject, never the wording), the commands that fix it (<c>fixes</c>) and the same fixes as data
/// (<c>remedies</c>), and the benchmark checks it fails ("cis-ubuntu-24.04:4.2.7"; empty for most).
/// </summary>
internal sealed record AuditFindingView(
    string Id,
    Core.Audit.Severity Severity,
    string Message,
    string Evidence,
    IReadOnlyList<string> Fixes,
    IReadOnlyList<string> Benchmarks,
    string? Server,
    int? Port,
    string? Protocol,
    string? Layer,
    string? Resource,
    string? Peer,
    string Fingerprint,
    IReadOnlyList<FixView> Remedies);

/// <summary>A fix as data: its kind (cloudOpen, serverClose, …), the layer and resource it changes, the port, the sources it admits, the rule it removes, and its commands.</summary>
internal sealed record FixView(string Kind, string Layer, string? Resource, int? Port, IReadOnlyList<string> Sources, string? Removes, IReadOnlyList<string> Commands)
{
    public static FixView From(Core.Audit.Fix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        var kind = fix.Kind.ToString();
        return new FixView(char.ToLowerInvariant(kind[0]) + kind[1..], fix.Layer, fix.Resource, fix.Port == 0 ? null : fix.Port,
            [.. fix.Sources.Select(s => s.ToString())], fix.Removes, fix.Commands);
    }
}

/// <summary>A benchmark section as checked (<c>audit --benchmark</c>): its name and title, and each check.</summary>
internal sealed record BenchmarkView(string Name, string Title, IReadOnlyList<BenchmarkCheckView> Checks);

/// <summary>One benchmark check: its id and title, pass, fail, notApplicable or undecided, and the evidence that decided it.</summary>
internal sealed record BenchmarkCheckView(string Id, string Title, string Status, string Evidence);

/// <summary>One port of the audit matrix.</summary>
internal sealed record AuditPortView(
    int Port,
    string Name,
    bool Wanted,
    IReadOnlyList<string> Sources,
    CloudVerdictsView Cloud,
    ServerVerdictsView Server,
    bool Listening,
    string Probe,
    bool OpenToInternet,
    bool OpenToInternetIpv4,
    bool OpenToInternetIpv6);

/// <summary>The cloud layer's verdicts for a port (null when no cloud layer was given).</summary>
internal sealed record CloudVerdictsView(VerdictView? FromInternetIpv4, VerdictView? FromInternetIpv6, VerdictView? FromSources);

/// <summary>The server layer's verdicts for a port.</summary>
internal sealed record ServerVerdictsView(VerdictView FromInternetIpv4, VerdictView FromInternetIpv6, VerdictView FromSources, VerdictView? FromVantage);

/// <summary>A layer's verdict: admitted is true or false when the layer decides, null when it is indeterminate.</summary>
internal sealed record VerdictView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Admitted,
    string Verdict,
    string Evidence);

/// <summary>An outbound need and each layer's verdict.</summary>
internal sealed record EgressView(int Port, string Destination, string Purpose, bool Critical, VerdictView? Cloud, VerdictView Server, bool Blocked);

/// <summary>A subnet's network ACL as the audit read it.</summary>
internal sealed record NetworkAclView(string Id, string Subnet, IReadOnlyList<string> Entries);

/// <summary>A web check from the vantage point (HTTP redirect, TLS).</summary>
internal sealed record WebCheckView(string Check, bool Ok, string Result);

/// <summary>JSON of a fleet audit (schema oec-cloudfw/audit-fleet/v3: audit/v3 documents).</summary>
internal sealed record AuditFleetDocument(IReadOnlyList<AuditDocument> Servers, IReadOnlyList<FleetErrorView> Errors)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/audit-fleet/v3";
}

/// <summary>A server of the fleet that could not be audited.</summary>
internal sealed record FleetErrorView(string Server, string? Error);
