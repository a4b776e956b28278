using System.Text.Json.Nodes;

namespace OecCloudFw.Azure;

/// <summary>
/// The few ARM calls the NSG layer and the VM inventory make. Today they go through Azure.ResourceManager's pipeline as REST
/// (Azure.ResourceManager.Network is not on the mirror here); moving to that package changes only the implementation.
/// </summary>
public interface INetworkApi
{
    /// <summary>GET a resource (NSG, VM, NIC, subnet) as ARM JSON.</summary>
    Task<JsonNode> GetAsync(string resourceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// GET a collection (the VMs of a subscription or a resource group) and every further page its <c>nextLink</c> names,
    /// to the end: the items of every page's <c>value</c>, in the order ARM gave them.
    /// </summary>
    /// <param name="collectionId">The collection's path (its segments escaped).</param>
    /// <param name="query">More of the query after the api-version (<c>statusOnly=true</c>), escaped.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    Task<IReadOnlyList<JsonNode>> ListAsync(string collectionId, string query, CancellationToken cancellationToken = default);

    /// <summary>PUT a security rule and wait for the long-running operation.</summary>
    Task PutSecurityRuleAsync(string ruleId, JsonObject properties, CancellationToken cancellationToken = default);

    /// <summary>DELETE a security rule and wait for the long-running operation.</summary>
    Task DeleteSecurityRuleAsync(string ruleId, CancellationToken cancellationToken = default);
}
