using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Aws;

/// <summary>
/// AWS behind the provider seam: an instance's security groups and its subnets' network ACLs (or the groups named),
/// read side by side, the tool's rules written to one group.
/// </summary>
public sealed class AwsProvider : ICloudProvider
{
    public string Name => "aws";

    public string Description => "AWS EC2 security groups and network ACLs.";

    public string Prefix => "aws";

    public IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("group", "An AWS security group on the server's ENI (repeatable; the union of all is evaluated).") { Repeatable = true, NamesLayer = true, InventoryKey = "aws_groups" },
        new("instance", "An EC2 instance: every security group on every one of its ENIs.") { NamesLayer = true },
        new("region", "AWS region of the groups (default: the SDK chain).") { LayerAliases = ["region"] },
        new("profile", "AWS profile.") { LayerAliases = ["profile"] },
        new("endpoint-url", "EC2 endpoint (LocalStack, moto, a fake).") { LayerAliases = ["endpoint-url"] },
        new("subnet", "The server's subnet (subnet-…): its network ACL is evaluated too (automatic with --aws-instance; repeatable; show takes it alone).") { Repeatable = true, NeedsLayer = true, InventoryKey = "aws_subnets" },
        new("rules-quota", $"Inbound rules per family the account allows (EC2 default {SecurityGroupLayer.DefaultRulesQuota}): open refuses to go over it.") { VerbOnly = true },
        new("retry-mode", "SDK retry mode for throttling and 5xx: standard (default) or adaptive.") { VerbOnly = true },
        new("max-attempts", "Attempts per call, the first included (default 4).") { VerbOnly = true },
        new("timeout", "Seconds one HTTP attempt may take (default 30).") { VerbOnly = true },
    ];

    public bool IsNamed(ProviderSettings values)
    {
        ArgumentNullException.ThrowIfNull(values);
        // show reads a subnet's network ACL alone; open and close need a group to write to.
        return values.All("group").Count > 0 || values.Single("instance") is not null || (values.ReadOnly && values.All("subnet").Count > 0);
    }

    public void Validate(ProviderSettings values, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(values);
        _ = values.All("group").Select(SecurityGroupId.Parse).ToList();
        if (values.Single("instance") is { } instance)
        {
            AwsIds.Instance(instance, values.Flag("instance"));
        }

        var subnets = values.All("subnet");
        foreach (var subnet in subnets)
        {
            AwsIds.Subnet(subnet, values.Flag("subnet"));
        }

        if (subnets.Count > 0 && !IsNamed(values))
        {
            throw new InvalidInputException($"{values.Flag("subnet")} needs {values.Flag("group")} or {values.Flag("instance")}: the network ACL is evaluated with the security groups");
        }

        _ = Connection(values);
        _ = RulesQuota(values);
    }

    /// <summary>How EC2 is reached: region, profile, endpoint, and the SDK's retries (checked: bad input names the flag).</summary>
    private static Ec2ConnectionOptions Connection(ProviderSettings values)
    {
        var maxAttempts = Number(values, "max-attempts", 4, 1, 20, string.Empty);
        var timeout = Number(values, "timeout", 30, 1, 600, " seconds");
        var retryMode = values.Single("retry-mode") ?? "standard";
        if (retryMode.ToLowerInvariant() is not ("standard" or "adaptive"))
        {
            throw new InvalidInputException($"{values.Flag("retry-mode")} '{retryMode}' is not a retry mode: use standard or adaptive");
        }

        return new Ec2ConnectionOptions
        {
            Region = values.Single("region"),
            Profile = values.Single("profile"),
            EndpointUrl = values.Single("endpoint-url"),
            RetryMode = retryMode,
            MaxAttempts = maxAttempts,
            Timeout = TimeSpan.FromSeconds(timeout),
        };
    }

    private static int RulesQuota(ProviderSettings values) => Number(values, "rules-quota", SecurityGroupLayer.DefaultRulesQuota, 1, 1000, string.Empty);

    private static int Number(ProviderSettings values, string name, int fallback, int min, int max, string unit)
    {
        if (values.Single(name) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new InvalidInputException($"{values.Flag(name)} {text} is out of range: use {min}-{max}{unit}");
    }

    public async Task<ICloudLayer> CreateAsync(ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        Validate(values, context.Environment);
        var groups = values.All("group").Select(SecurityGroupId.Parse).Distinct().ToList();
        var instance = values.Single("instance");
        var (client, key) = Client(values, context);
        var owned = context.Reads.OwnsClients ? null : client;
        try
        {
            // Every group of the instance (EC2 admits what any of them admits) and its subnets' network ACLs are read;
            // the tool's rules go to one group: the first named group, else the instance's first group.
            var reads = new PrefixedReadCache(context.Reads, key);
            var layer = new SecurityGroupLayer(client.Value.Client, client.Value.Region, RulesQuota(values));
            var subnets = values.All("subnet").ToList();
            Ec2InstanceNetwork? network = null;
            if (instance is not null)
            {
                network = (await reads.ReadAsync(instance, async () => new InstanceNetwork(await layer.InstanceNetworkAsync(instance, cancellationToken)))).Value;
                if (network.Groups.Count == 0)
                {
                    throw new LayerFailureException($"instance {instance} has no security group");
                }

                if (groups.FirstOrDefault(g => !network.Groups.Contains(g)) is { } stranger)
                {
                    throw new InvalidInputException($"{values.Flag("group")} {stranger} is not a group of instance {instance} ({string.Join(", ", network.Groups)}): name one of them, or leave {values.Flag("group")} out");
                }

                groups = [.. groups, .. network.Groups.Where(g => !groups.Contains(g))];
                subnets = [.. subnets, .. network.Subnets.Where(s => !subnets.Contains(s))];
            }

            // A subnet's network ACL alone (show) is read, never written: no group to write to.
            return new OwningLayer(new SecurityGroupCloudLayer(layer, groups, groups.Count > 0 ? groups[0] : null, subnets, reads, network), owned);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>Instances by tag: <c>--inventory aws:tag:Role=web</c>, <c>aws:tag:Role=web,Env=prod</c>, <c>aws:tag:Role</c> (any value).</summary>
    public string? ServerSelector => "tag:KEY=VALUE";

    /// <summary>
    /// The running instances carrying every tag of the selector (DescribeInstances, every page), ordered by id, each
    /// named by its id with its cloud layer the instance (its security groups and subnets' network ACLs).
    /// </summary>
    public async Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var tags = Ec2TagSelector.Parse(selector);
        var (client, _) = Client(values, context);
        try
        {
            return await Ec2Inventory.ListAsync(client.Value.Client, client.Value.Region, tags, cancellationToken);
        }
        finally
        {
            if (!context.Reads.OwnsClients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// The EC2 client the values reach (region, profile, endpoint, retries; checked, bad input naming the flag), the
    /// run's own when the run holds clients, and the cache key of that account and endpoint.
    /// </summary>
    private static (Ec2Client Client, string Key) Client(ProviderSettings values, ProviderContext context)
    {
        var options = Connection(values);
        var key = $"aws|{options.Region}|{options.Profile}|{options.EndpointUrl}";
        return (context.Reads.Client(key, () => new Ec2Client(new Ec2ClientFactory(context.Environment).Create(options))), key);
    }

    public async Task<ProviderSettings?> DiscoverAsync(IEnvironment environment, ProviderSettings given, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(given);
        return await Ec2InstanceIdentity.DiscoverAsync(environment, cancellationToken) is { } ec2
            ? given.With("instance", ec2.InstanceId).With("region", ec2.Region, overwrite: false)
            : null;
    }

    /// <summary>An EC2 client and its region, made once per run when the run holds it.</summary>
    private sealed record Ec2Client((Amazon.EC2.IAmazonEC2 Client, string Region) Value) : IDisposable
    {
        public void Dispose() => Value.Client.Dispose();
    }

    /// <summary>An instance's groups and subnets, as the run's cache holds them.</summary>
    private sealed record InstanceNetwork(Ec2InstanceNetwork Value);
}
