using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// Which server and which cloud layer plan and apply act on: the connection inputs as given (flags, an inventory entry,
/// a saved plan), resolved only when a session is opened.
/// </summary>
/// <param name="Server">The server's connection inputs.</param>
/// <param name="Cloud">Each provider's settings (one at most names a layer).</param>
/// <param name="Inventory">The inventory entry the target was taken from, whose <c>jump:</c> hosts the connection goes through.</param>
public sealed record LayersTargets(SshTarget Server, CloudFlags Cloud, SavedInventoryEntry? Inventory = null)
{
    /// <summary>Adds the inventory entry's <c>jump:</c> hosts to a resolved connection (null without an inventory).</summary>
    public Func<SshConnectionOptions, SshConnectionOptions>? Route(IEnvironment environment, IReadOnlyList<ICloudProvider> providers)
    {
        if (Inventory is null)
        {
            return null;
        }

        var inventory = Fleet.Inventory.Load(Inventory.File, environment, providers);
        var entry = inventory.Servers.SingleOrDefault(s => string.Equals(s.Host, Inventory.Server, StringComparison.OrdinalIgnoreCase))
                    ?? throw new InvalidInputException($"inventory '{Inventory.File}' has no server with host '{Inventory.Server}'");
        return ssh => inventory.Route(entry, ssh);
    }

    /// <summary>Connects to the server (through <paramref name="route"/>: the inventory entry's jump hosts, where it has them).</summary>
    public async Task<IServerShell> ConnectAsync(IEnvironment environment, Func<SshConnectionOptions, SshConnectionOptions>? route, CancellationToken cancellationToken = default)
    {
        if (route is null)
        {
            return await Server.ConnectAsync(environment, cancellationToken);
        }

        var ssh = Server.Resolve(environment);
        return ssh is null ? new LocalShell() : await SshShell.ConnectAsync(route(ssh), cancellationToken);
    }

    /// <summary>The targets as a plan file saves them: the server's paths made absolute, the cloud layer's provider and settings.</summary>
    public SavedTargets Save(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        static string? Absolute(string? path) =>
            path is null || path.StartsWith('~') || Path.IsPathRooted(path) ? path : Path.GetFullPath(path);
        var named = Cloud.Validate(environment);
        return new SavedTargets(
            Server with { Identity = Absolute(Server.Identity), KnownHosts = Absolute(Server.KnownHosts), SshConfig = Absolute(Server.SshConfig) },
            named is { } n
                ? new SavedCloudTarget(n.Provider.Name, n.Provider.Settings.Select(s => (s.Name, Values: n.Values.All(s.Name))).Where(s => s.Values.Count > 0)
                    .ToDictionary(s => s.Name, s => s.Values, StringComparer.Ordinal))
                : null,
            Inventory);
    }

    /// <summary>The targets a saved plan names; a provider this version does not know is bad input naming the file.</summary>
    public static LayersTargets From(SavedTargets saved, IReadOnlyList<ICloudProvider> providers, string file)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(providers);
        if (saved.Cloud is not { } cloud)
        {
            return new LayersTargets(saved.Server, CloudFlags.None, saved.Inventory);
        }

        var provider = providers.FirstOrDefault(p => p.Name == cloud.Provider)
                       ?? throw new InvalidInputException($"--plan {file}: targets.cloud.provider '{cloud.Provider}' is not a provider: use {string.Join(", ", providers.Select(p => p.Name))}");
        var unknown = cloud.Settings.Keys.FirstOrDefault(k => provider.Settings.All(s => s.Name != k));
        if (unknown is not null)
        {
            throw new InvalidInputException($"--plan {file}: targets.cloud.settings.{unknown} is not a {provider.Name} setting");
        }

        var values = new ProviderSettings(cloud.Settings, name => $"--plan {file}: targets.cloud.settings.{name}");
        return new LayersTargets(saved.Server, new CloudFlags([(provider, values)]), saved.Inventory);
    }
}
