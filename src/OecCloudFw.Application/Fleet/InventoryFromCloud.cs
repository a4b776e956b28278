using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Fleet;

/// <summary>An inventory listed from a cloud (<c>--inventory aws:tag:Role=web</c>).</summary>
public sealed partial class Inventory
{
    /// <summary>
    /// The running servers <paramref name="source"/> selects, listed from the provider's API: each one reached by the
    /// address <paramref name="address"/> chooses (a server without one is that server's error, never the fleet's),
    /// over the connection the flags give (<paramref name="connection"/>: user, keys, known_hosts, jump hosts, ssh
    /// config; its host is each server's address), its cloud layer the provider's own settings naming it, the
    /// provider's connection settings given (a region, an endpoint, a subscription) shared by all.
    /// </summary>
    public static async Task<Inventory> FromCloudAsync(
        CloudInventorySource source,
        CloudAddress address,
        SshTarget connection,
        CloudFlags given,
        IEnvironment environment,
        IReadOnlyList<ICloudProvider> providers,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(providers);
        if (connection.Host is not null || connection.Local)
        {
            throw new InvalidInputException($"--inventory {source.Spec} lists the servers: do not give --host or --local with it");
        }

        var provider = source.Provider;
        if (given.Given.FirstOrDefault(g => g.Provider.IsNamed(g.Values)) is { Provider: { } named, Values: { } values })
        {
            throw new InvalidInputException($"--inventory {source.Spec} names each server's cloud layer: do not give {string.Join("/", named.Settings.Where(s => s.NamesLayer).Select(s => values.Flag(s.Name)))} with it");
        }

        // What would name or narrow a layer (a group, a subnet, an SMTP unblock), or another provider's settings, cannot
        // apply to every listed server: refused rather than ignored.
        foreach (var (other, its) in given.Given)
        {
            if (its.Given.FirstOrDefault(name => other != provider || other.Settings.Any(s => s.Name == name && (s.NamesLayer || s.NeedsLayer || s.Repeatable))) is { } name)
            {
                throw new InvalidInputException(other == provider
                    ? $"--inventory {source.Spec} reads each server's own cloud layer: {its.Flag(name)} cannot be given for all of them"
                    : $"--inventory {source.Spec} lists {provider.Name} servers: {its.Flag(name)} is a {other.Name} setting");
            }
        }

        var settings = given.Of(provider);
        var listed = await provider.ListServersAsync(source.Selector, settings, new ProviderContext(environment, time, ILayerReadCache.None), cancellationToken);
        if (listed.Count == 0)
        {
            throw new InvalidInputException($"inventory '{source.Spec}' lists no servers: no running {provider.Name} server matches {source.Selector}");
        }

        var keys = provider.Settings.Where(s => !s.VerbOnly).ToDictionary(s => s.Name, s => s.InventoryKeyFor(provider.Prefix), StringComparer.Ordinal);
        var defaults = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var name in settings.Given.Where(keys.ContainsKey))
        {
            defaults[keys[name]] = settings.All(name);
        }

        var inventory = new Inventory
        {
            _file = source.Spec,
            _providers = providers,
            _connection = connection,
            Defaults = new Entry { Cloud = defaults },
        };
        if (listed.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new LayerFailureException($"{provider.Name} listed two servers named '{twice.Key}' for {source.Spec}: a fleet names each server once");
        }

        foreach (var server in listed)
        {
            if (server.Layer.Keys.FirstOrDefault(k => !keys.ContainsKey(k)) is { } unknown)
            {
                throw new InvalidOperationException($"{provider.Name} listed server '{server.Name}' with layer setting '{unknown}', which it does not declare");
            }

            var reach = address == CloudAddress.Public ? server.PublicAddresses : server.PrivateAddresses;
            var groups = new HashSet<string>(StringComparer.Ordinal) { "all", provider.Name };
            groups.UnionWith(server.Groups);
            inventory.Servers.Add(new Entry
            {
                Host = reach.Count > 0 ? reach[0] : null,
                Name = server.Name,
                Listed = true,
                Groups = groups,
                Cloud = server.Layer.ToDictionary(kv => keys[kv.Key], kv => (IReadOnlyList<string>)[kv.Value], StringComparer.Ordinal),
                Unreachable = reach.Count > 0 ? null : address == CloudAddress.Public
                    ? "no public address: reach it by its private one with --address private (from inside its network, over a VPN, or through --jump)"
                    : "no private address: reach it by its public one (--address public)",
            });
        }

        return inventory;
    }
}
