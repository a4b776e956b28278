using System.Text.Json.Serialization;

namespace OecCloudFw.Reports.Documents;

/// <summary>
/// JSON of <c>audit</c> (schema oec-cloudfw/audit/v4: v3 and, with <c>--baseline</c> or <c>--suppressions</c>, each
/// finding's status and suppression, the baseline's file and the baseline's findings fixed since).
/// </summary>
public sealed record AuditDocument(
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
    public string Schema { get; } = "oec-cloudfw/audit/v4";

    /// <summary>The baseline the findings were compared with (<c>--baseline FILE</c>, as given); null without one.</summary>
    public string? Baseline { get; init; }

    /// <summary>The baseline's findings on this server not found now; null without a baseline.</summary>
    public IReadOnlyList<FixedFindingView>? Fixed { get; init; }
}

/// <summary>A finding of the baseline not found now: its id, server, message (as the baseline worded it) and fingerprint.</summary>
public sealed record FixedFindingView(string Id, string Server, string Message, string Fingerprint);

/// <summary>The suppression that mutes a finding: its reason, owner, last day (YYYY-MM-DD) and where it is (file:line).</summary>
public sealed record SuppressionView(string Reason, string Owner, string Expires, string Source);

/// <summary>
/// A finding of the audit: what it is about as fields (server, port, protocol, layer, resource, peer), its stable
/// fingerprint (id and subject, never the wording), the commands that fix it (<c>fixes</c>) and the same fixes as data
/// (<c>remedies</c>), and the benchmark checks it fails ("cis-ubuntu-24.04:4.2.7"; empty for most).
/// </summary>
public sealed record AuditFindingView(
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
    IReadOnlyList<FixView> Remedies)
{
    /// <summary>
    /// "suppressed" when a suppression holds; else, with a baseline, "new" or "unchanged" (matched by server and
    /// fingerprint); null without --baseline and --suppressions (and, without a baseline, for a finding not suppressed).
    /// </summary>
    public string? Status { get; init; }

    /// <summary>The suppression that holds (status "suppressed"); null otherwise.</summary>
    public SuppressionView? Suppression { get; init; }
}

/// <summary>A fix as data: its kind (cloudOpen, serverClose, …), the layer and resource it changes, the port, the sources it admits, the rule it removes, and its commands.</summary>
public sealed record FixView(string Kind, string Layer, string? Resource, int? Port, IReadOnlyList<string> Sources, string? Removes, IReadOnlyList<string> Commands)
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
public sealed record BenchmarkView(string Name, string Title, IReadOnlyList<BenchmarkCheckView> Checks);

/// <summary>One benchmark check: its id and title, pass, fail, notApplicable or undecided, and the evidence that decided it.</summary>
public sealed record BenchmarkCheckView(string Id, string Title, string Status, string Evidence);

/// <summary>One port of the audit matrix.</summary>
public sealed record AuditPortView(
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
public sealed record CloudVerdictsView(VerdictView? FromInternetIpv4, VerdictView? FromInternetIpv6, VerdictView? FromSources);

/// <summary>The server layer's verdicts for a port.</summary>
public sealed record ServerVerdictsView(VerdictView FromInternetIpv4, VerdictView FromInternetIpv6, VerdictView FromSources, VerdictView? FromVantage);

/// <summary>A layer's verdict: admitted is true or false when the layer decides, null when it is indeterminate.</summary>
public sealed record VerdictView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Admitted,
    string Verdict,
    string Evidence);

/// <summary>An outbound need and each layer's verdict.</summary>
public sealed record EgressView(int Port, string Destination, string Purpose, bool Critical, VerdictView? Cloud, VerdictView Server, bool Blocked);

/// <summary>A subnet's network ACL as the audit read it.</summary>
public sealed record NetworkAclView(string Id, string Subnet, IReadOnlyList<string> Entries);

/// <summary>A web check from the vantage point (HTTP redirect, TLS).</summary>
public sealed record WebCheckView(string Check, bool Ok, string Result);

/// <summary>
/// JSON of a fleet audit (schema oec-cloudfw/audit-fleet/v4: v3 with audit/v4 documents; v3: v2 with audit/v3 documents, and the inventory's hosts and digest, and the shard
/// when the run audited one): what <c>merge</c> checks and combines.
/// </summary>
public sealed record AuditFleetDocument(InventoryView Inventory, ShardView? Shard, IReadOnlyList<AuditDocument> Servers, IReadOnlyList<FleetErrorView> Errors)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; } = "oec-cloudfw/audit-fleet/v4";
}

/// <summary>The whole inventory a fleet run was given (all shards alike): its hosts in order and their digest.</summary>
public sealed record InventoryView(string Digest, IReadOnlyList<string> Hosts);

/// <summary>Which slice of the inventory a run audited: index counts from 0 to total - 1.</summary>
public sealed record ShardView(int Index, int Total);

/// <summary>A server of the fleet that could not be audited.</summary>
public sealed record FleetErrorView(string Server, string? Error);
