namespace OecCloudFw.Cli.Output;

/// <summary>JSON of <c>azure open</c> (schema oec-cloudfw/azure-open/v1).</summary>
public sealed record AzureOpenDocument(string Nsg, bool DryRun, bool Compliant, bool Applied, IReadOnlyList<ChangeView> Changes, IReadOnlyList<AzureNewRuleView> NewRules, IReadOnlyList<string> Deleted, IReadOnlyList<string> StillBlocked)
{
    public string Schema { get; } = "oec-cloudfw/azure-open/v1";
}

/// <summary>A rule <c>azure open</c> writes (or would write).</summary>
public sealed record AzureNewRuleView(string Name, int Priority, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string Description);

/// <summary>JSON of <c>azure close</c> (schema oec-cloudfw/azure-close/v1).</summary>
public sealed record AzureCloseDocument(string Nsg, bool DryRun, IReadOnlyList<string> Deleted, IReadOnlyList<string> Narrowed, IReadOnlyList<string> LeftForeign, bool StillOpen, string Evidence)
{
    public string Schema { get; } = "oec-cloudfw/azure-close/v1";
}

/// <summary>JSON of <c>azure show</c> (schema oec-cloudfw/azure-show/v1).</summary>
public sealed record AzureShowDocument(IReadOnlyList<AzureNsgView> Nsgs, IReadOnlyList<AzurePortView> Ports, IReadOnlyList<FindingView> Findings)
{
    public string Schema { get; } = "oec-cloudfw/azure-show/v1";
}

/// <summary>One NSG and its rules (defaults included), in priority order.</summary>
public sealed record AzureNsgView(string Name, string Attachment, IReadOnlyList<AzureRuleView> Rules);

/// <summary>One security rule as shown.</summary>
public sealed record AzureRuleView(string Name, int Priority, string Access, string Protocol, IReadOnlyList<string> Sources, IReadOnlyList<string> Ports, string? Description, bool Default, bool ManagedByTool);

/// <summary>The effective verdict for a catalog port from the internet, through every NSG in front of the target.</summary>
public sealed record AzurePortView(int Port, string Purpose, bool OpenToInternet, string Evidence);
