using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>
/// Builds the ARM client: DefaultAzureCredential (environment service principal, workload identity, managed identity,
/// Azure CLI login), the public cloud or another ARM endpoint, and pinned api-versions (no provider lookups).
/// Tests give their own credential and transport (a fake ARM endpoint over TLS with a test certificate).
/// </summary>
public sealed class AzureConnection(TokenCredential? credential = null, HttpPipelineTransport? transport = null)
{
    public INetworkApi Connect(string? endpoint, string subscriptionId, TimeProvider time)
    {
        var options = new ArmClientOptions();
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != "https")
            {
                throw new InvalidInputException($"--endpoint '{endpoint}' is not an https URL of an ARM endpoint (e.g. https://management.usgovcloudapi.net)");
            }

            options.Environment = new ArmEnvironment(uri, uri.GetLeftPart(UriPartial.Authority));
        }

        foreach (var type in new[] { "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/networkSecurityGroups/securityRules", "Microsoft.Network/networkInterfaces", "Microsoft.Network/virtualNetworks/subnets", "Microsoft.Network/publicIPAddresses" })
        {
            options.SetApiVersion(new ResourceType(type), ArmRestNetworkApi.NetworkApiVersion);
        }

        options.SetApiVersion(new ResourceType("Microsoft.Compute/virtualMachines"), ArmRestNetworkApi.ComputeApiVersion);
        options.Retry.MaxRetries = 4;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        if (transport is not null)
        {
            options.Transport = transport;
        }

        var client = new ArmClient(credential ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ExcludeInteractiveBrowserCredential = true }), subscriptionId, options);
        return new ArmRestNetworkApi(client, time);
    }
}
