using System.Text.Json.Nodes;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>The Azure VM this machine is, from the Azure Instance Metadata Service (Metadata: true).</summary>
public static class AzureInstanceIdentity
{
    private const string AzureChassisTag = "7783-7084-3265-9085-8269-3286-77";

    public static async Task<(string Vm, string ResourceGroup, string Subscription)?> DiscoverAsync(IEnvironment environment, CancellationToken cancellationToken = default)
    {
        var endpoint = InstanceMetadataEndpoint.Resolve(environment, () => InstanceMetadataEndpoint.ReadDmi("chassis_asset_tag") == AzureChassisTag);
        if (endpoint is null)
        {
            return null;
        }

        using var http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(2) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metadata/instance/compute?api-version=2021-02-01");
        request.Headers.Add("Metadata", "true");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var compute = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return compute?["name"]?.GetValue<string>() is { } name && compute["resourceGroupName"]?.GetValue<string>() is { } group && compute["subscriptionId"]?.GetValue<string>() is { } subscription
                ? (name, group, subscription)
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
