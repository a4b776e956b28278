using System.Text.Json.Nodes;

namespace OecCloudFw.Azure;

/// <summary>
/// The few ARM calls the NSG layer makes. Today they go through Azure.ResourceManager's pipeline as REST
/// (Azure.ResourceManager.Network is not on the mirror here); moving to that package changes only the implementation.
/// </summary>
public interface INetworkApi
{
    /// <summary>GET a resource (NSG, VM, NIC, subnet) as ARM JSON.</summary>
    Task<JsonNode> GetAsync(string resourceId, CancellationToken cancellationToken = default);

    /// <summary>PUT a security rule and wait for the long-running operation.</summary>
    Task PutSecurityRuleAsync(string ruleId, JsonObject properties, CancellationToken cancellationToken = default);

    /// <summary>DELETE a security rule and wait for the long-running operation.</summary>
    Task DeleteSecurityRuleAsync(string ruleId, CancellationToken cancellationToken = default);
}
