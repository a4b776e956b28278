using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Fleet;

/// <summary>One entry of an inventory, as plan and apply act on it.</summary>
public sealed partial class Inventory
{
    /// <summary>
    /// The entry of inventory <paramref name="file"/> whose name (else host) is <paramref name="server"/>, resolved:
    /// its connection, its cloud layer and its policy file (the entry's, else the inventory's; null: none).
    /// </summary>
    public static (SshTarget Target, CloudFlags Cloud, string? PolicyFile) Select(string file, string server, IEnvironment environment, IReadOnlyList<ICloudProvider> providers)
    {
        var inventory = Load(file, environment, providers);
        var entry = inventory.Servers.SingleOrDefault(s => string.Equals(s.Name, server, StringComparison.Ordinal))
                    ?? inventory.Servers.SingleOrDefault(s => string.Equals(s.Host, server, StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidInputException($"inventory '{file}' has no server with host '{server}'");
        inventory.Resolve(entry, environment);
        return (inventory.Target(entry), inventory.Cloud(entry), entry.Policy ?? inventory.Defaults.Policy);
    }
}
