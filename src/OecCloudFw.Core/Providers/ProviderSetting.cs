namespace OecCloudFw.Core.Providers;

/// <summary>
/// One setting a provider reads: <c>--NAME</c> in its own verbs (<c>hetzner open --firewall</c>),
/// <c>--PREFIX-NAME</c> in audit/plan/apply (<c>--hetzner-firewall</c>) and <c>PREFIX_NAME</c> in an inventory entry
/// (<c>hetzner_firewall</c>), unless spelled otherwise here.
/// </summary>
/// <param name="Name">The setting's name, as its own verbs spell the flag ("firewall", "endpoint-url").</param>
/// <param name="Description">What it is, for help.</param>
public sealed record ProviderSetting(string Name, string Description)
{
    /// <summary>Given more than once (a list; in an inventory, a YAML list).</summary>
    public bool Repeatable { get; init; }

    /// <summary>Names the layer (a firewall, a server): any one of these given means the provider is in use.</summary>
    public bool NamesLayer { get; init; }

    /// <summary>Means something only with a layer named (an AWS subnet's ACL is evaluated with the groups): given alone, it is bad input.</summary>
    public bool NeedsLayer { get; init; }

    /// <summary>The flag in audit/plan/apply, when not PREFIX-NAME (e.g. "resource-group").</summary>
    public string? LayerFlag { get; init; }

    /// <summary>Other names of the flag in audit/plan/apply ("region" for "aws-region").</summary>
    public IReadOnlyList<string> LayerAliases { get; init; } = [];

    /// <summary>The inventory key, when not PREFIX_NAME with dashes as underscores (e.g. "aws_groups").</summary>
    public string? InventoryKey { get; init; }

    /// <summary>Only in the provider's own verbs (a verb's target such as a rules quota), not in audit/plan/apply nor the inventory.</summary>
    public bool VerbOnly { get; init; }

    /// <summary>The flag in audit/plan/apply, without the dashes.</summary>
    public string LayerFlagFor(string prefix) => LayerFlag ?? $"{prefix}-{Name}";

    /// <summary>The inventory key.</summary>
    public string InventoryKeyFor(string prefix) => InventoryKey ?? $"{prefix}_{Name.Replace('-', '_')}";
}
