using OecCloudFw.Application.Providers;
using OecCloudFw.Azure;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Rules;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Verbs;

/// <summary>The azure-open/v1, azure-close/v1 and azure-show/v2 documents, as azure printed them before the seam: the NSG, its rules by name and priority.</summary>
internal sealed class AzureVerbDocuments : IVerbDocuments
{
    public void Open(TextWriter output, ICloudLayer layer, CloudOpenResult result, bool dryRun, IReadOnlyList<string> undo) =>
        Json.Write(output, new AzureOpenDocument(NsgCloudLayer.ChangedNsg(result.Plan), dryRun, result.Plan.IsNoOp, result.Applied,
            result.Changes.Changes.Select(ChangeView.From).ToList(),
            NsgCloudLayer.NewRules(result.Plan, result.Opened).Select(r => new AzureNewRuleView(r.Name, r.Priority, r.Protocol, r.Sources, r.Ports, r.Description)).ToList(),
            NsgCloudLayer.ToDelete(result.Plan), result.StillClosed.Select(s => s.ToString()).Distinct().ToList()));

    public void Close(TextWriter output, ICloudLayer layer, CloudCloseResult result, bool dryRun) =>
        Json.Write(output, new AzureCloseDocument(NsgCloudLayer.ChangedNsg(result.Plan), dryRun, NsgCloudLayer.ToDelete(result.Plan), NsgCloudLayer.Narrowed(result.Plan),
            result.StillAdmittedBy.Where(r => r.Origin != RuleOrigin.Tool).Select(r => r.Id?.Split(' ')[0] ?? "?").Distinct().ToList(),
            result.StillOpen, string.Join("; ", result.StillAdmitted.Select(v => v.Evidence))));

    public void Show(TextWriter output, ICloudLayer layer, CloudShowResult result) =>
        Json.Write(output, new AzureShowDocument(
            VerbDocuments.Inner<NsgCloudLayer>(layer).Nsgs(result.State).Select(n => new AzureNsgView(n.Nsg.Name, n.Attachment,
                n.Nsg.Inbound.Select(r => new AzureRuleView(r.Name, r.Priority, r.Access, r.Protocol, r.SourcePrefixes, r.PortRanges, r.Description, r.IsDefault, r.IsOwn)).ToList())).ToList(),
            result.Ports.Select(p => new AzurePortView(p.Port, p.Purpose, p.Ipv4.Indeterminate ? null : p.Ipv4.Admitted,
                p.Ipv4.Admitted ? "open" : p.Ipv4.Indeterminate ? "indeterminate" : "closed", p.Ipv4.Indeterminate ? $"indeterminate: {p.Ipv4.Evidence}" : p.Ipv4.Evidence)).ToList(),
            result.Findings.Select(FindingView.From).ToList(), result.State.View.Assumptions));
}

/// <summary>JSON of <c>azure open</c> (schema oec-cloudfw/azure-open/v1).</summary>
internal sealed record AzureOpenDocument(string Nsg, bool DryRun, bool Compliant, bool Applied, IReadOnlyList<ChangeView> Changes, IReadOnlyList<AzureNewRuleView> NewRules, IReadOnlyList<string> Deleted, IReadOnlyList<string> StillBlocked)
{
    public string Schema { get; } = "oec-cloudfw/azure-open/v1";
}

/// <summary>A rule <c>azure open</c> writes (or would write).</summary>
internal sealed record AzureNewRuleView(string Name, int Priority, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string Description);

/// <summary>JSON of <c>azure close</c> (schema oec-cloudfw/azure-close/v1).</summary>
internal sealed record AzureCloseDocument(string Nsg, bool DryRun, IReadOnlyList<string> Deleted, IReadOnlyList<string> Narrowed, IReadOnlyList<string> LeftForeign, bool StillOpen, string Evidence)
{
    public string Schema { get; } = "oec-cloudfw/azure-close/v1";
}

/// <summary>JSON of <c>azure show</c> (schema oec-cloudfw/azure-show/v2).</summary>
/// <param name="Nsgs">The NSGs with their rules.</param>
/// <param name="Ports">The catalog's ports from the internet.</param>
/// <param name="Findings">What is flagged (the same verdicts as the ports).</param>
/// <param name="Assumptions">What the verdicts assume without reading it (a load balancer in front, what a service tag holds).</param>
internal sealed record AzureShowDocument(IReadOnlyList<AzureNsgView> Nsgs, IReadOnlyList<AzurePortView> Ports, IReadOnlyList<FindingView> Findings, IReadOnlyList<string> Assumptions)
{
    public string Schema { get; } = "oec-cloudfw/azure-show/v2";
}

/// <summary>One NSG and its rules (defaults included), in priority order.</summary>
internal sealed record AzureNsgView(string Name, string Attachment, IReadOnlyList<AzureRuleView> Rules);

/// <summary>One security rule as shown.</summary>
internal sealed record AzureRuleView(string Name, int Priority, string Access, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string? Description, bool Default, bool ManagedByTool);

/// <summary>
/// The effective verdict for a catalog port from the internet, through every path into the target (its NICs' public IPs,
/// subnet and NIC NSGs): <c>verdict</c> is open, closed or indeterminate; <c>openToInternet</c> is null when indeterminate
/// (an NSG read alone whose rule targets an address or application security group, a service tag).
/// </summary>
internal sealed record AzurePortView(int Port, string Purpose, bool? OpenToInternet, string Verdict, string Evidence);
