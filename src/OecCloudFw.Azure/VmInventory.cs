using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Azure;

/// <summary>
/// The running VMs a tag selector names, as a fleet: one listing of the subscription's (or resource group's) VMs with
/// their power state (every page), then each chosen VM's network interfaces and their public IP addresses, each
/// resource read once and a few at a time.
/// </summary>
/// <param name="api">ARM.</param>
/// <param name="parallelism">How many NICs and public IPs are read at once.</param>
internal sealed class VmInventory(INetworkApi api, int parallelism = 8)
{
    private const string ReadRole = "the Reader role";

    /// <summary>The running VMs the selector names, ordered by name (ordinal); names are unique.</summary>
    /// <param name="subscription">The subscription listed.</param>
    /// <param name="resourceGroup">Only this resource group's VMs; null: the whole subscription's.</param>
    /// <param name="selector">Which VMs.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async Task<IReadOnlyList<CloudServer>> ListAsync(string subscription, string? resourceGroup, VmTagSelector selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        // The subscription's listing gives each VM's power state with statusOnly=true; a resource group's listing gives
        // it with $expand=instanceView (Compute's VirtualMachines_ListAll and VirtualMachines_List).
        var (collection, query, scope) = resourceGroup is null
            ? ($"/subscriptions/{subscription}/providers/Microsoft.Compute/virtualMachines", "statusOnly=true", $"subscription {subscription}")
            : ($"/subscriptions/{subscription}/resourceGroups/{Uri.EscapeDataString(resourceGroup)}/providers/Microsoft.Compute/virtualMachines", "$expand=instanceView", $"resource group {resourceGroup}");
        var vms = await Call(() => api.ListAsync(collection, query, cancellationToken), $"the virtual machines of {scope}", "Microsoft.Compute/virtualMachines/read");
        var chosen = vms.Where(vm => IsRunning(vm) && selector.Matches(Tags(vm))).ToList();

        using var gate = new SemaphoreSlim(Math.Max(1, parallelism));
        var reads = new ConcurrentDictionary<string, Lazy<Task<JsonNode?>>>(StringComparer.OrdinalIgnoreCase);
        Task<JsonNode?> Read(string id, string what, string action) =>
            reads.GetOrAdd(id, key => new Lazy<Task<JsonNode?>>(() => ReadAsync(key, what, action, gate, cancellationToken))).Value;

        var servers = await Task.WhenAll(chosen.Select(vm => ServerAsync(vm, Read)));
        return Unique(servers);
    }

    /// <summary>Whether the VM's instance view says it runs (PowerState/running): stopped, deallocated, starting or unknown VMs are left out.</summary>
    private static bool IsRunning(JsonNode vm) =>
        (vm["properties"]?["instanceView"]?["statuses"] as JsonArray ?? [])
        .Any(s => string.Equals(s?["code"]?.GetValue<string>(), "PowerState/running", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> Tags(JsonNode vm) =>
        (vm["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => t.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);

    /// <summary>One VM as a server: its addresses from its NICs (the primary NIC and IP configuration first), its layer and groups.</summary>
    private static async Task<(CloudServer Server, string ResourceGroup)> ServerAsync(JsonNode vm, Func<string, string, string, Task<JsonNode?>> read)
    {
        var id = vm["id"]?.GetValue<string>() ?? throw new LayerFailureException("ARM listed a virtual machine without an id: try again later");
        var name = vm["name"]?.GetValue<string>() ?? Name(id);
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var groupAt = Array.FindIndex(segments, s => s.Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)) + 1;
        var resourceGroup = groupAt > 0 && groupAt < segments.Length ? segments[groupAt] : throw new LayerFailureException($"ARM listed virtual machine {name} with the id '{id}', which names no resource group");

        var nicIds = PrimaryFirst(vm["properties"]?["networkProfile"]?["networkInterfaces"]).Select(n => n["id"]?.GetValue<string>()).OfType<string>().ToList();
        var nics = await Task.WhenAll(nicIds.Select(nicId => read(nicId, $"network interface {Name(nicId)} of virtual machine {name}", "Microsoft.Network/networkInterfaces/read")));
        var configurations = nics.OfType<JsonNode>().SelectMany(nic => PrimaryFirst(nic["properties"]?["ipConfigurations"])).Select(c => c["properties"]).OfType<JsonNode>().ToList();

        // An IP configuration may hold a prefix (172.20.2.16/28) rather than an address: not an address to reach.
        var privateAddresses = configurations.Select(c => Address(c["privateIPAddress"])).OfType<IPAddress>().ToList();
        var ipIds = configurations.Select(c => c["publicIPAddress"]?["id"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var publicIps = await Task.WhenAll(ipIds.Select(ipId => read(ipId, $"public IP address {Name(ipId)} of virtual machine {name}", "Microsoft.Network/publicIPAddresses/read")));
        // An address not allocated yet (a dynamic one) has no properties.ipAddress.
        var publicAddresses = publicIps.OfType<JsonNode>().Select(ip => Address(ip["properties"]?["ipAddress"])).OfType<IPAddress>()
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6).ToList();

        var tags = Tags(vm);
        var server = new CloudServer(
            name,
            Texts(publicAddresses),
            Texts(privateAddresses),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["vm"] = name, ["resource-group"] = resourceGroup },
            InventoryGroups.Of(tags, vm["location"]?.GetValue<string>()));
        return (server, resourceGroup);
    }

    /// <summary>
    /// The servers by name (ordinal). VM names are unique in a resource group, not in a subscription: VMs of the same
    /// name (Azure's names compare case-insensitively) are named RESOURCE-GROUP/VM instead.
    /// </summary>
    private static List<CloudServer> Unique(IEnumerable<(CloudServer Server, string ResourceGroup)> servers)
    {
        var all = servers.ToList();
        var shared = all.GroupBy(s => s.Server.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. all.Select(s => shared.Contains(s.Server.Name) ? s.Server with { Name = $"{s.ResourceGroup}/{s.Server.Name}" } : s.Server).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>The items of an ARM array with the one marked <c>properties.primary</c> first, the rest in ARM's order.</summary>
    private static IEnumerable<JsonNode> PrimaryFirst(JsonNode? array) =>
        (array as JsonArray ?? []).OfType<JsonNode>().OrderByDescending(n => n["properties"]?["primary"]?.GetValueKind() == System.Text.Json.JsonValueKind.True);

    private static IPAddress? Address(JsonNode? text) =>
        text?.GetValueKind() == System.Text.Json.JsonValueKind.String && IPAddress.TryParse(text.GetValue<string>(), out var address) && !text.GetValue<string>().Contains('/', StringComparison.Ordinal)
            ? address
            : null;

    private static List<string> Texts(IEnumerable<IPAddress> addresses) => [.. addresses.Select(a => a.ToString()).Distinct(StringComparer.Ordinal)];

    private static string Name(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>A NIC or public IP read once: one gone since the listing (deleted meanwhile) is none; any other failure fails the listing.</summary>
    private async Task<JsonNode?> ReadAsync(string id, string what, string action, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await api.GetAsync(id, cancellationToken);
        }
        catch (ArmFailureException ex) when (ex.Status == 404 && ex.Code is "ResourceNotFound" or "NotFound")
        {
            return null;
        }
        catch (ArmFailureException ex)
        {
            throw ex.ToLayerFailure(what, action, ReadRole);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, string what, string action)
    {
        try
        {
            return await call();
        }
        catch (ArmFailureException ex)
        {
            throw ex.ToLayerFailure(what, action, ReadRole);
        }
    }
}
