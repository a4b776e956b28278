using OecCloudFw.Aws;
using OecCloudFw.Azure;
using OecCloudFw.Cli.Audit;
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
    private static readonly IReadOnlyList<Func<AuditCloudFlags, CliContext, CloudReadCache?, CancellationToken, Task<CloudLayerHandle?>>> Registrations = [AwsAsync, AzureAsync];

    /// <summary>The cloud layer the flags name (validated before anything is read), or null when none is named.</summary>
    /// <param name="cloud">The flags.</param>
    /// <param name="context">The environment, the Azure connector.</param>
    /// <param name="cache">A run's clients and reads, shared by the servers of a fleet (the audit's); null: this layer's own.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<CloudLayerHandle?> CreateAsync(AuditCloudFlags cloud, CliContext context, CloudReadCache? cache, CancellationToken cancellationToken)
    {
        if (!Validate(cloud, context))
        {
            return null;
        }

        foreach (var registration in Registrations)
        {
            if (await registration(cloud, context, cache, cancellationToken) is { } handle)
            {
                return handle;
            }
        }

        return null;
    }

    /// <summary>Checks the cloud flags before anything is read (bad input is exit 2); true when they name a cloud layer.</summary>
    public static bool Validate(AuditCloudFlags cloud, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(context);
        var aws = PolicyFlags.Split(cloud.AwsGroup).Select(SecurityGroupId.Parse).Any() || cloud.AwsInstance is not null;
        var azure = cloud.AzureNsg is not null || cloud.AzureVm is not null;
        if (aws && azure)
        {
            throw new InvalidInputException("one cloud layer at a time: either --aws-group/--aws-instance or --azure-nsg/--azure-vm");
        }

        if (cloud.AwsInstance is { } instance)
        {
            AwsIds.Instance(instance, "--aws-instance");
        }

        var subnets = PolicyFlags.Split(cloud.AwsSubnet).ToList();
        subnets.ForEach(s => AwsIds.Subnet(s, "--aws-subnet"));
        if (subnets.Count > 0 && !aws)
        {
            throw new InvalidInputException("--aws-subnet needs --aws-group or --aws-instance: the network ACL is evaluated with the security groups");
        }

        if (azure)
        {
            _ = AzureTargetOf(cloud, context);
        }

        return aws || azure;
    }

    private static NsgTarget AzureTargetOf(AuditCloudFlags cloud, CliContext context) =>
        new AzureTarget(cloud.AzureNsg, cloud.ResourceGroup, cloud.AzureVm, cloud.Subscription, cloud.AzureEndpoint).Resolve(context.Environment, "azure-");

    private static async Task<CloudLayerHandle?> AwsAsync(AuditCloudFlags cloud, CliContext context, CloudReadCache? cache, CancellationToken cancellationToken)
    {
        var groups = PolicyFlags.Split(cloud.AwsGroup).Select(SecurityGroupId.Parse).ToList();
        if (groups.Count == 0 && cloud.AwsInstance is null)
        {
            return null;
        }

        var namedSubnets = PolicyFlags.Split(cloud.AwsSubnet).ToList();
        var options = new Ec2ConnectionOptions { Region = cloud.AwsRegion, Profile = cloud.AwsProfile, EndpointUrl = cloud.AwsEndpointUrl };
        var key = $"aws|{options.Region}|{options.Profile}|{options.EndpointUrl}";
        var (client, region) = cache is null
            ? new Ec2ClientFactory(context.Environment).Create(options)
            : cache.Client(key, () => new Ec2Client(new Ec2ClientFactory(context.Environment).Create(options))).Value;
        var reads = cache is null ? null : new PrefixedReadCache(cache, key);
        try
        {
            // Every group of the instance (EC2 admits what any of them admits) and its subnets' network ACLs are read;
            // the tool's rules go to one group: the first --aws-group, else the instance's first group.
            var layer = new SecurityGroupLayer(client, region);
            var subnets = namedSubnets;
            var all = groups.Distinct().ToList();
            Ec2InstanceNetwork? network = null;
            if (cloud.AwsInstance is not null)
            {
                network = reads is null
                    ? await layer.InstanceNetworkAsync(cloud.AwsInstance, cancellationToken)
                    : (await reads.ReadAsync(cloud.AwsInstance, async () => new InstanceNetwork(await layer.InstanceNetworkAsync(cloud.AwsInstance, cancellationToken)))).Value;
                var (instanceGroups, instanceSubnets) = (network.Groups, network.Subnets);
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

            return new CloudLayerHandle(new SecurityGroupCloudLayer(layer, all, all[0], subnets, reads, network), cache is null ? client : null);
        }
        catch
        {
            if (cache is null)
            {
                client.Dispose();
            }

            throw;
        }
    }

    private static Task<CloudLayerHandle?> AzureAsync(AuditCloudFlags cloud, CliContext context, CloudReadCache? cache, CancellationToken cancellationToken)
    {
        if (cloud.AzureNsg is null && cloud.AzureVm is null)
        {
            return Task.FromResult<CloudLayerHandle?>(null);
        }

        var target = AzureTargetOf(cloud, context);
        var key = $"azure|{cloud.AzureEndpoint}|{target.SubscriptionId}";
        NsgLayer Connect() => new(context.Azure.Connect(cloud.AzureEndpoint, target.SubscriptionId, TimeProvider.System));
        var layer = cache is null ? Connect() : cache.Client(key, Connect);
        return Task.FromResult<CloudLayerHandle?>(new CloudLayerHandle(new NsgCloudLayer(layer, target, "--azure-nsg", cache is null ? null : new PrefixedReadCache(cache, key)), null));
    }

    /// <summary>An EC2 client and its region, made once per run when a cache holds it.</summary>
    private sealed record Ec2Client((Amazon.EC2.IAmazonEC2 Client, string Region) Value) : IDisposable
    {
        public void Dispose() => Value.Client.Dispose();
    }

    /// <summary>An instance's groups and subnets, as the run's cache holds them.</summary>
    private sealed record InstanceNetwork(Ec2InstanceNetwork Value);

    /// <summary>One cloud account's reads in the run's cache: keys under the account's own prefix.</summary>
    private sealed class PrefixedReadCache(CloudReadCache cache, string prefix) : ILayerReadCache
    {
        public Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
            where T : class => cache.ReadAsync($"{prefix}|{key}", read);
    }
}

/// <summary>A cloud layer and the client it owns (disposed with it).</summary>
internal sealed record CloudLayerHandle(ICloudLayer Layer, IDisposable? Owned) : IDisposable
{
    public void Dispose() => Owned?.Dispose();
}
