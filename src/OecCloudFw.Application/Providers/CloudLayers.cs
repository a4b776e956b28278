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
