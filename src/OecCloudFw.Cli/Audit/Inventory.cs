using OecCloudFw.Cli.Commands;
using OecCloudFw.Core;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace OecCloudFw.Cli.Audit;

/// <summary>A fleet inventory (<c>fleet.yaml</c>): defaults, then one entry per server with its cloud layer. See examples/fleet.yaml.</summary>
public sealed class Inventory
{
    public Entry Defaults { get; set; } = new();

    public List<Entry> Servers { get; set; } = [];

    public static Inventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"inventory '{path}' not found");
        }

        InventoryShape.Check(File.ReadAllText(path), path);
        try
        {
            var inventory = new StaticDeserializerBuilder(new InventoryYamlContext()).WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
                .Deserialize<Inventory?>(File.ReadAllText(path)) ?? new Inventory();
            if (inventory.Servers.Count == 0)
            {
                throw new InvalidInputException($"inventory '{path}' lists no servers");
            }

            if (inventory.Servers.FirstOrDefault(s => string.IsNullOrWhiteSpace(s.Host)) is not null)
            {
                throw new InvalidInputException($"inventory '{path}': every server needs a host");
            }

            return inventory;
        }
        catch (YamlException ex)
        {
            throw new InvalidInputException($"inventory '{path}': line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>The connection of one server, defaults filled in.</summary>
    public ServerTarget Target(Entry server) => new(
        server.Host,
        server.Port ?? Defaults.Port,
        server.User ?? Defaults.User,
        server.Identity ?? Defaults.Identity,
        server.PasswordEnv ?? Defaults.PasswordEnv,
        server.KnownHosts ?? Defaults.KnownHosts,
        server.HostKeyPolicy ?? Defaults.HostKeyPolicy ?? "strict");

    /// <summary>The cloud layer of one server, defaults filled in.</summary>
    public AuditCloudFlags Cloud(Entry server) => new(
        server.AwsGroups?.ToArray(),
        server.AwsInstance,
        server.AwsRegion ?? Defaults.AwsRegion,
        server.AwsProfile ?? Defaults.AwsProfile,
        server.AwsEndpointUrl ?? Defaults.AwsEndpointUrl,
        server.AzureNsg,
        server.AzureVm,
        server.ResourceGroup ?? Defaults.ResourceGroup,
        server.Subscription ?? Defaults.Subscription,
        server.AzureEndpoint ?? Defaults.AzureEndpoint,
        server.AwsSubnets?.ToArray());

    public sealed class Entry
    {
        public string? Host { get; set; }

        public List<string>? AwsSubnets { get; set; }

        public int? Port { get; set; }

        public string? User { get; set; }

        public string? Identity { get; set; }

        public string? PasswordEnv { get; set; }

        public string? KnownHosts { get; set; }

        public string? HostKeyPolicy { get; set; }

        public string? Policy { get; set; }

        public List<string>? AwsGroups { get; set; }

        public string? AwsInstance { get; set; }

        public string? AwsRegion { get; set; }

        public string? AwsProfile { get; set; }

        public string? AwsEndpointUrl { get; set; }

        public string? AzureNsg { get; set; }

        public string? AzureVm { get; set; }

        public string? ResourceGroup { get; set; }

        public string? Subscription { get; set; }

        public string? AzureEndpoint { get; set; }
    }
}
