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
            return cloud.AwsSubnet is { Length: > 0 }
                ? throw new InvalidInputException("--aws-subnet filters a security group's traffic: name the group too (--aws-group or --aws-instance)")
                : null;
        }

        var namedSubnets = PolicyFlags.Split(cloud.AwsSubnet).ToList();
        namedSubnets.ForEach(s => AwsIds.Subnet(s, "--aws-subnet"));

        if (cloud.AwsInstance is { } instance)
        {
            AwsIds.Instance(instance, "--aws-instance");
        }

        var (client, region) = new Ec2ClientFactory(context.Environment).Create(new Ec2ConnectionOptions { Region = cloud.AwsRegion, Profile = cloud.AwsProfile, EndpointUrl = cloud.AwsEndpointUrl });
        try
        {
            // Every group of the instance (EC2 admits what any of them admits) and its subnets' network ACLs are read;
            // the tool's rules go to one group: the first --aws-group, else the instance's first group.
            var layer = new SecurityGroupLayer(client, region);
            var subnets = namedSubnets;
            var all = groups.Distinct().ToList();
            if (cloud.AwsInstance is not null)
            {
                var (instanceGroups, instanceSubnets) = await layer.InstanceNetworkAsync(cloud.AwsInstance, cancellationToken);
                if (instanceGroups.Count == 0)
                {
                    throw new LayerFailureException($"instance {cloud.AwsInstance} has no security group");
                }

                if (all.FirstOrDefault(g => !instanceGroups.Contains(g)) is { } stranger)
                {
                    throw new InvalidInputException($"--aws-group {stranger} is not a group of instance {cloud.AwsInstance} ({string.Join(", ", instanceGroups)}): name one of them, or leave --aws-group out");
                }

                all = [.. all, .. instanceGroups.Where(g => !all.Contains(g))];
                subnets = [.. subnets, .. instanceSubnets.Where(s => !subnets.Contains(s))];
            }

            return new CloudLayerHandle(new SecurityGroupCloudLayer(layer, all, all[0], subnets), client);
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
