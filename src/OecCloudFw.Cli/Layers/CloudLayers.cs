using OecCloudFw.Aws;
using OecCloudFw.Azure;
using OecCloudFw.Cli.Commands;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;

namespace OecCloudFw.Cli.Layers;

/// <summary>
/// The cloud adapters behind the <see cref="ICloudLayer"/> seam, one registration each: a new cloud is one adapter
/// project and one line in <see cref="Registrations"/> (plus its flags in <see cref="AuditCloudFlags"/>).
/// </summary>
internal static class CloudLayers
{
    private static readonly IReadOnlyList<Func<AuditCloudFlags, CliContext, CancellationToken, Task<CloudLayerHandle?>>> Registrations = [AwsAsync, AzureAsync];

    /// <summary>The cloud layer the flags name (validated before anything is read), or null when none is named.</summary>
    public static async Task<CloudLayerHandle?> CreateAsync(AuditCloudFlags cloud, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var named = new[] { cloud.AwsGroup is { Length: > 0 } || cloud.AwsInstance is not null, cloud.AzureNsg is not null || cloud.AzureVm is not null }.Count(x => x);
        if (named > 1)
        {
            throw new InvalidInputException("one cloud layer at a time: either --aws-group/--aws-instance or --azure-nsg/--azure-vm");
        }

        foreach (var registration in Registrations)
        {
            if (await registration(cloud, context, cancellationToken) is { } handle)
            {
                return handle;
            }
        }

        return null;
    }

    private static async Task<CloudLayerHandle?> AwsAsync(AuditCloudFlags cloud, CliContext context, CancellationToken cancellationToken)
    {
        var groups = PolicyFlags.Split(cloud.AwsGroup).Select(SecurityGroupId.Parse).ToList();
        if (groups.Count == 0 && cloud.AwsInstance is null)
        {
            return null;
        }

        if (groups.Count > 1 || (groups.Count == 1 && cloud.AwsInstance is not null))
        {
            throw new InvalidInputException("plan and apply change one security group: pass one --aws-group (or --aws-instance for its first group)");
        }

        if (cloud.AwsInstance is { } instance)
        {
            AwsIds.Instance(instance, "--aws-instance");
        }

        var (client, region) = new Ec2ClientFactory(context.Environment).Create(new Ec2ConnectionOptions { Region = cloud.AwsRegion, Profile = cloud.AwsProfile, EndpointUrl = cloud.AwsEndpointUrl });
        try
        {
            var layer = new SecurityGroupLayer(client, region);
            var group = groups.Count == 1 ? groups[0]
                : await layer.InstanceGroupsAsync(cloud.AwsInstance!, cancellationToken) is { Count: > 0 } instanceGroups
                    ? instanceGroups[0]
                    : throw new LayerFailureException($"instance {cloud.AwsInstance} has no security group");
            return new CloudLayerHandle(new SecurityGroupCloudLayer(layer, group), client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static Task<CloudLayerHandle?> AzureAsync(AuditCloudFlags cloud, CliContext context, CancellationToken cancellationToken)
    {
        if (cloud.AzureNsg is null && cloud.AzureVm is null)
        {
            return Task.FromResult<CloudLayerHandle?>(null);
        }

        var target = new AzureTarget(cloud.AzureNsg, cloud.ResourceGroup, cloud.AzureVm, cloud.Subscription, cloud.AzureEndpoint).Resolve(context.Environment, "azure-");
        var layer = new NsgLayer(context.Azure.Connect(cloud.AzureEndpoint, target.SubscriptionId, TimeProvider.System));
        return Task.FromResult<CloudLayerHandle?>(new CloudLayerHandle(new NsgCloudLayer(layer, target), null));
    }
}

/// <summary>A cloud layer and the client it owns (disposed with it).</summary>
internal sealed record CloudLayerHandle(ICloudLayer Layer, IDisposable? Owned) : IDisposable
{
    public void Dispose() => Owned?.Dispose();
}
