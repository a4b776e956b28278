using OecCloudFw.Application.Providers;
using OecCloudFw.Core.Layers;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Verbs;

/// <summary>The cloud-open/close/show documents, with the provider's name: what every provider registered through the seam prints.</summary>
internal sealed class CloudVerbDocuments(string provider) : IVerbDocuments
{
    public void Open(TextWriter output, ICloudLayer layer, CloudOpenResult result, bool dryRun, IReadOnlyList<string> undo) =>
        Json.Write(output, new CloudOpenDocument(provider, layer.Target, dryRun, result.Plan.IsNoOp, result.Applied,
            result.Changes.Changes.Select(ChangeView.From).ToList(), result.Plan.Writes, result.Created, result.Removed,
            result.StillClosed.Select(s => s.ToString()).Distinct().ToList(), undo));

    public void Close(TextWriter output, ICloudLayer layer, CloudCloseResult result, bool dryRun) =>
        Json.Write(output, new CloudCloseDocument(provider, layer.Target, dryRun,
            result.Removed.Select(RuleView.From).ToList(), result.LeftForeign.Select(RuleView.From).ToList(),
            result.StillAdmittedBy.Select(RuleView.From).ToList(), result.StillOpen, result.StillAdmitted.Select(v => v.Evidence).ToList()));

    public void Show(TextWriter output, ICloudLayer layer, CloudShowResult result) =>
        Json.Write(output, new CloudShowDocument(provider, layer.Target, result.State.Lines,
            result.Ports.Select(p => new CloudPortView(p.Port, p.Purpose, p.Verdict, p.Ipv6Verdict, p.Evidence)).ToList(),
            result.Findings.Select(FindingView.From).ToList(), result.State.View.Assumptions));
}

/// <summary>JSON of <c>&lt;provider&gt; open</c> for every provider registered through the seam (schema oec-cloudfw/cloud-open/v1).</summary>
/// <param name="Provider">The provider ("hetzner", "digitalocean").</param>
/// <param name="Target">The layer (firewall, server) as the provider names it.</param>
/// <param name="DryRun">Nothing was written.</param>
/// <param name="Compliant">The layer already matched the policy.</param>
/// <param name="Applied">Something was written.</param>
/// <param name="Changes">Add, keep, extra, remove.</param>
/// <param name="Writes">What the provider writes (or would), as it writes it.</param>
/// <param name="Created">Rules created.</param>
/// <param name="Removed">Rules removed.</param>
/// <param name="StillClosed">Wanted rules the rest of the path still refuses once the plan is applied.</param>
/// <param name="Undo">The provider CLI commands that undo what was created.</param>
internal sealed record CloudOpenDocument(
    string Provider,
    string Target,
    bool DryRun,
    bool Compliant,
    bool Applied,
    IReadOnlyList<ChangeView> Changes,
    IReadOnlyList<string> Writes,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> StillClosed,
    IReadOnlyList<string> Undo)
{
    public string Schema { get; } = "oec-cloudfw/cloud-open/v1";
}

/// <summary>JSON of <c>&lt;provider&gt; close</c> (schema oec-cloudfw/cloud-close/v1).</summary>
/// <param name="Provider">The provider.</param>
/// <param name="Target">The layer.</param>
/// <param name="DryRun">Nothing was written.</param>
/// <param name="Removed">The tool's rules removed (or that would be).</param>
/// <param name="LeftForeign">Anyone else's rules for exactly what was closed: never removed by the tool.</param>
/// <param name="StillAdmittedBy">Every other rule that still admits some of it.</param>
/// <param name="StillOpen">The port is still admitted after the close.</param>
/// <param name="Evidence">Why, from the layer's verdicts.</param>
internal sealed record CloudCloseDocument(
    string Provider,
    string Target,
    bool DryRun,
    IReadOnlyList<RuleView> Removed,
    IReadOnlyList<RuleView> LeftForeign,
    IReadOnlyList<RuleView> StillAdmittedBy,
    bool StillOpen,
    IReadOnlyList<string> Evidence)
{
    public string Schema { get; } = "oec-cloudfw/cloud-close/v1";
}

/// <summary>JSON of <c>&lt;provider&gt; show</c> (schema oec-cloudfw/cloud-show/v1).</summary>
/// <param name="Provider">The provider.</param>
/// <param name="Target">The layer.</param>
/// <param name="Rules">Every rule read, one canonical line each.</param>
/// <param name="Ports">The guide's ports from the internet along the layer's path.</param>
/// <param name="Findings">What is flagged, with exact fixes.</param>
/// <param name="Assumptions">What the verdicts assume without reading it.</param>
internal sealed record CloudShowDocument(
    string Provider,
    string Target,
    IReadOnlyList<string> Rules,
    IReadOnlyList<CloudPortView> Ports,
    IReadOnlyList<FindingView> Findings,
    IReadOnlyList<string> Assumptions)
{
    public string Schema { get; } = "oec-cloudfw/cloud-show/v1";
}

/// <summary>One port of the guide's catalog from the internet (IPv4 and IPv6): admitted, refused or indeterminate, and why.</summary>
internal sealed record CloudPortView(int Port, string Purpose, string Ipv4, string Ipv6, string Evidence);
