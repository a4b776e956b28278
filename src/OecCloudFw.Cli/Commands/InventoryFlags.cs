using OecCloudFw.Application.Providers;
using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary>One server of a fleet inventory as plan's and apply's target: its connection, its cloud layer and its policy file.</summary>
internal sealed record InventoryFlags(
    [Option("inventory", Description = "A fleet inventory (fleet.yaml): take the server named by --server from it (connection, cloud layer, policy).")] string? Inventory = null,
    [Option("server", Description = "With --inventory: the host (or Ansible host name) of the inventory entry to plan or apply.")] string? Server = null) : ICommandParameterSet
{
    /// <summary>The target, cloud layer and policy flags: the inventory entry's where one is named, else the flags as given.</summary>
    public (ServerTarget Server, CloudFlags Cloud, ServerPolicyFlags Policy) Select(ServerTarget server, CloudFlags cloud, ServerPolicyFlags policy, IEnvironment environment, IReadOnlyList<Core.Providers.ICloudProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(policy);
        if (Inventory is null)
        {
            return Server is null ? (server, cloud, policy) : throw new InvalidInputException("--server names an entry of --inventory FILE: give the inventory too");
        }

        if (Server is null)
        {
            throw new InvalidInputException("--inventory needs --server HOST: plan and apply act on one server of the inventory");
        }

        if (server.Host is not null || server.Local || !cloud.IsEmpty)
        {
            throw new InvalidInputException("--inventory --server takes the connection and the cloud layer from the inventory entry: do not give --host, --local or cloud flags with it");
        }

        var (target, cloudLayer, file) = Application.Fleet.Inventory.Select(Inventory, Server, environment, providers);
        return (ServerTarget.From(target), cloudLayer, file is null ? policy : policy with { Policy = file });
    }
}
