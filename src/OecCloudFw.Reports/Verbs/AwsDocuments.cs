using OecCloudFw.Application.Providers;
using OecCloudFw.Aws;
using OecCloudFw.Core.Layers;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Verbs;

/// <summary>The aws-open/close/show/v1 documents, as aws printed them before the seam: the group and region, the rule ids, the network ACLs.</summary>
internal sealed class AwsVerbDocuments : IVerbDocuments
{
    public void Open(TextWriter output, ICloudLayer layer, CloudOpenResult result, bool dryRun, IReadOnlyList<string> undo)
    {
        var groups = VerbDocuments.Inner<SecurityGroupCloudLayer>(layer);
        Json.Write(output, new AwsOpenDocument(groups.WriteGroup?.Value ?? string.Empty, groups.Region, dryRun, result.Plan.IsNoOp, result.Applied,
            result.Changes.Changes.Select(ChangeView.From).ToList(), result.Created, result.Removed));
    }

    public void Close(TextWriter output, ICloudLayer layer, CloudCloseResult result, bool dryRun)
    {
        var groups = VerbDocuments.Inner<SecurityGroupCloudLayer>(layer);
        Json.Write(output, new AwsCloseDocument(groups.WriteGroup?.Value ?? string.Empty, groups.Region, dryRun,
            result.Removed.Select(RuleView.From).ToList(), result.LeftForeign.Select(RuleView.From).ToList(),
            result.StillAdmittedBy.Select(RuleView.From).ToList()));
    }

    public void Show(TextWriter output, ICloudLayer layer, CloudShowResult result)
    {
        var (snapshots, acls) = SecurityGroupCloudLayer.Read(result.State);
        Json.Write(output, new AwsShowDocument(string.Join("+", snapshots.Select(s => s.GroupId.Value)), VerbDocuments.Inner<SecurityGroupCloudLayer>(layer).Region,
            snapshots.SelectMany(s => s.Rules).Select(RuleView.From).ToList(), snapshots.SelectMany(s => s.ReferenceRules).ToList(), result.Findings.Select(FindingView.From).ToList())
        {
            NetworkAcls = acls.Select(a => new AwsNetworkAclView(a.AclId, a.SubnetId, a.EntryLines)).ToList(),
            Ports = result.Ports.Select(p => new AwsPortView(p.Port, p.Purpose, p.Verdict, p.Ipv4.Evidence)).ToList(),
        });
    }
}

/// <summary>JSON of <c>aws open</c> (schema oec-cloudfw/aws-open/v1).</summary>
internal sealed record AwsOpenDocument(
    string Group,
    string Region,
    bool DryRun,
    bool Compliant,
    bool Applied,
    IReadOnlyList<ChangeView> Changes,
    IReadOnlyList<string> CreatedRuleIds,
    IReadOnlyList<string> RevokedRuleIds)
{
    public string Schema { get; } = "oec-cloudfw/aws-open/v1";
}

/// <summary>JSON of <c>aws close</c> (schema oec-cloudfw/aws-close/v1).</summary>
internal sealed record AwsCloseDocument(
    string Group,
    string Region,
    bool DryRun,
    IReadOnlyList<RuleView> Revoked,
    IReadOnlyList<RuleView> LeftForeign,
    IReadOnlyList<RuleView> StillAdmittedBy)
{
    public string Schema { get; } = "oec-cloudfw/aws-close/v1";

    public bool StillOpen => StillAdmittedBy.Count > 0;
}

/// <summary>JSON of <c>aws show</c> (schema oec-cloudfw/aws-show/v1).</summary>
internal sealed record AwsShowDocument(
    string Group,
    string Region,
    IReadOnlyList<RuleView> Rules,
    IReadOnlyList<string> ReferenceRules,
    IReadOnlyList<FindingView> Findings)
{
    public string Schema { get; } = "oec-cloudfw/aws-show/v1";

    /// <summary>The subnets' network ACLs (with --instance or --subnet).</summary>
    public IReadOnlyList<AwsNetworkAclView> NetworkAcls { get; init; } = [];

    /// <summary>The guide's ports from the internet through the ACL (and the groups), with --instance or --subnet.</summary>
    public IReadOnlyList<AwsPortView> Ports { get; init; } = [];
}

/// <summary>A network ACL in <c>aws show</c>: its entries in evaluation order, inbound first.</summary>
internal sealed record AwsNetworkAclView(string Id, string Subnet, IReadOnlyList<string> Entries);

/// <summary>One port of the guide's catalog from the internet: admitted, refused or indeterminate, and why.</summary>
internal sealed record AwsPortView(int Port, string Purpose, string Verdict, string Evidence);
