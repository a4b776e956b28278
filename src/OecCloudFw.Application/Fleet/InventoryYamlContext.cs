using YamlDotNet.Serialization;

namespace OecCloudFw.Application.Fleet;

/// <summary>The fleet inventory's types for YamlDotNet, generated at compile time (no reflection).</summary>
[YamlStaticContext]
[YamlSerializable(typeof(Inventory))]
[YamlSerializable(typeof(Inventory.Entry))]
public sealed partial class InventoryYamlContext : StaticContext;
