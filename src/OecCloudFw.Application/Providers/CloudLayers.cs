using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Providers;

/// <summary>The cloud layer the flags name, made by its provider's registration (<see cref="CloudProviders"/>).</summary>
public static class CloudLayers
{
    /// <summary>The cloud layer the flags name (validated before anything is read), or null when none is named.</summary>
    /// <param name="cloud">The flags.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="cache">A run's clients and reads, shared by the servers of a fleet (the audit's); null: this layer's own.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<CloudLayerHandle?> CreateAsync(CloudFlags cloud, Core.IEnvironment environment, CloudReadCache? cache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(environment);
        if (cloud.Validate(environment) is not { } named)
        {
            return null;
        }

        var layer = await named.Provider.CreateAsync(named.Values, new ProviderContext(environment, TimeProvider.System, (ILayerReadCache?)cache ?? ILayerReadCache.None), cancellationToken);
        return new CloudLayerHandle(layer);
    }

    /// <summary>The layer a provider's own verb acts on (<c>&lt;provider&gt; open|close|show</c>): its settings validated, the layer required.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="settings">Its settings, spelled as its verbs spell them.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<CloudLayerHandle> CreateAsync(ICloudProvider provider, ProviderSettings settings, Core.IEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);
        provider.Validate(settings, environment);
        if (!provider.IsNamed(settings))
        {
            var flags = provider.Settings.Where(s => s.NamesLayer).Select(s => settings.Flag(s.Name)).ToList();
            throw new Core.InvalidInputException($"{flags[0]} is required{(flags.Count > 1 ? $" (or {string.Join(" or ", flags.Skip(1))})" : string.Empty)}: name the {provider.Name} layer to act on");
        }

        return new CloudLayerHandle(await provider.CreateAsync(settings, new ProviderContext(environment, TimeProvider.System, ILayerReadCache.None), cancellationToken));
    }

    /// <summary>Checks the cloud flags before anything is read (bad input is exit 2); true when they name a cloud layer.</summary>
    public static bool Validate(CloudFlags cloud, Core.IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(environment);
        return cloud.Validate(environment) is not null;
    }
}

/// <summary>A cloud layer, disposed (with the client it owns, if any) at the end of its use.</summary>
public sealed record CloudLayerHandle(ICloudLayer Layer) : IDisposable
{
    public void Dispose() => (Layer as IDisposable)?.Dispose();
}
