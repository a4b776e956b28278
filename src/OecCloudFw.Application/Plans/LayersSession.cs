using OecCloudFw.Application.Providers;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Application.Plans;

/// <summary>The cloud layer and the server connection one plan (and its apply, and the audit after) use: opened once.</summary>
internal sealed class LayersSession : IAsyncDisposable
{
    private LayersSession(LayersTargets targets, CloudLayerHandle? cloud, IServerShell shell, Func<SshConnectionOptions, SshConnectionOptions>? route)
    {
        Targets = targets;
        Cloud = cloud;
        Shell = shell;
        Route = route;
    }

    public LayersTargets Targets { get; }

    public CloudLayerHandle? Cloud { get; }

    public IServerShell Shell { get; }

    /// <summary>The inventory entry's jump hosts, for the audit's connections.</summary>
    public Func<SshConnectionOptions, SshConnectionOptions>? Route { get; }

    /// <summary>Validates the targets (bad input before anything is read), makes the cloud layer, connects to the server.</summary>
    public static async Task<LayersSession> OpenAsync(LayersTargets targets, IEnvironment environment, IReadOnlyList<ICloudProvider> providers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Server.Host is null && !targets.Server.Local)
        {
            throw new InvalidInputException("name the server: --host HOST (over SSH) or --local (this machine)");
        }

        var route = targets.Route(environment, providers);
        var cloud = await CloudLayers.CreateAsync(targets.Cloud, environment, null, cancellationToken);
        try
        {
            var shell = await targets.ConnectAsync(environment, route, cancellationToken);
            return new LayersSession(targets, cloud, shell, route);
        }
        catch
        {
            cloud?.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Shell.DisposeAsync();
        Cloud?.Dispose();
    }
}
