using System.Text.Json.Serialization;

namespace OecCloudFw.Reports.Documents;

/// <summary>A SARIF 2.1.0 log: one run of oec-cloudfw.</summary>
public sealed record SarifDocument(IReadOnlyList<SarifRun> Runs)
{
    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-2)]
    public string Schema { get; } = "https://json.schemastore.org/sarif-2.1.0.json";

    [JsonPropertyOrder(-1)]
    public string Version { get; } = "2.1.0";
}

public sealed record SarifRun(SarifTool Tool, IReadOnlyList<SarifResult> Results)
{
    /// <summary>A fleet run's inventory, shard and failed servers (what <c>merge</c> checks); null for one server.</summary>
    public SarifRunProperties? Properties { get; init; }
}

/// <summary>A fleet run's property bag: the inventory, the shard audited (null: all of it), the servers not audited.</summary>
public sealed record SarifRunProperties(InventoryView Inventory, ShardView? Shard, IReadOnlyList<FleetErrorView> Errors);

public sealed record SarifTool(SarifDriver Driver);

public sealed record SarifDriver(string Name, string Version, string InformationUri, IReadOnlyList<SarifRule> Rules);

public sealed record SarifRule(string Id, SarifText ShortDescription, SarifConfiguration DefaultConfiguration)
{
    /// <summary>The benchmark checks the rule's findings fail, as tags; null (left out) when none.</summary>
    public SarifProperties? Properties { get; init; }
}

/// <summary>A SARIF property bag: tags ("cis-ubuntu-24.04:4.2.7"), and the benchmark ids under their own name.</summary>
public sealed record SarifProperties(IReadOnlyList<string> Tags, IReadOnlyList<string> Benchmarks);

public sealed record SarifText(string Text);

public sealed record SarifConfiguration(string Level);

public sealed record SarifResult(string RuleId, string Level, SarifText Message, IReadOnlyList<SarifLocation> Locations, IReadOnlyDictionary<string, string> PartialFingerprints)
{
    /// <summary>The benchmark checks the finding fails, as tags; null (left out) when none.</summary>
    public SarifProperties? Properties { get; init; }

    /// <summary>With --baseline: "new" or "unchanged" (matched by server and fingerprint); null (left out) without.</summary>
    public string? BaselineState { get; init; }

    /// <summary>With --suppressions: the suppression that holds, as one external, accepted suppression; null (left out) when none holds.</summary>
    public IReadOnlyList<SarifSuppression>? Suppressions { get; init; }
}

/// <summary>A SARIF suppression: kind "external" (a suppressions file), status "accepted", the justification "reason (owner, until DATE)".</summary>
public sealed record SarifSuppression(string Kind, string Status, string Justification);

public sealed record SarifLocation(SarifPhysicalLocation PhysicalLocation, IReadOnlyList<SarifLogicalLocation> LogicalLocations);

public sealed record SarifPhysicalLocation(SarifArtifactLocation ArtifactLocation, SarifRegion Region);

public sealed record SarifArtifactLocation(string Uri);

public sealed record SarifRegion(int StartLine);

public sealed record SarifLogicalLocation(string Name, string Kind, string FullyQualifiedName);
