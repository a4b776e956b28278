using OecCloudFw.Cli.Audit;
using OecCloudFw.Cli.Commands;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Cli.Layers;

/// <summary>The cloud layer the flags name, made by its provider's registration (<see cref="CloudProviders"/>).</summary>
internal static class CloudLayers
{
    /// <summary>The cloud layer the flags name (validated before anything is read), or null when none is named.</summary>
    /// <param name="cloud">The flags.</param>
    /// <param name="context">The environment.</param>
    /// <param name="cache">A run's clients and reads, shared by the servers of a fleet (the audit's); null: this layer's own.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<CloudLayerHandle?> CreateAsync(CloudFlags cloud, CliContext context, CloudReadCache? cache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(context);
        if (cloud.Validate(context.Environment) is not { } named)
        {
            return null;
        }

        var layer = await named.Provider.CreateAsync(named.Values, new ProviderContext(context.Environment, TimeProvider.System, (ILayerReadCache?)cache ?? ILayerReadCache.None), cancellationToken);
        return new CloudLayerHandle(layer);
    }

    /// <summary>Checks the cloud flags before anything is read (bad input is exit 2); true when they name a cloud layer.</summary>
    public static bool Validate(CloudFlags cloud, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(context);
        return cloud.Validate(context.Environment) is not null;
    }
}

/// <summary>A cloud layer, disposed (with the client it owns, if any) at the end of its use.</summary>
internal sealed record CloudLayerHandle(ICloudLayer Layer) : IDisposable
{
    public void Dispose() => (Layer as IDisposable)?.Dispose();
}
