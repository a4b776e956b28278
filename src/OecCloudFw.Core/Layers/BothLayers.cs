using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// Plans and applies a policy across the cloud layer and the server, in the order that never cuts access: the cloud
/// layer first for anything that opens, the server lockout-proof (rollback-armed), then the cloud layer's removals.
/// A layer that fails stops what comes after it; what was already applied is reported, with its undo.
/// </summary>
public static class BothLayers
{
    /// <summary>Reads both layers once, in parallel.</summary>
    public static async Task<LayersState> ReadAsync(ICloudLayer? cloud, IServerLayer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var cloudRead = cloud?.ReadAsync(cancellationToken) ?? Task.FromResult<CloudLayerState>(null!);
        var serverRead = server.ReadAsync(cancellationToken);
        await Task.WhenAll(cloudRead, serverRead);
        return new LayersState(cloud is null ? null : await cloudRead, await serverRead);
    }

    public static LayersPlan Plan(ICloudLayer? cloud, IServerLayer server, LayersState state, FirewallPolicy policy, bool prune)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(state);
        return new LayersPlan(
            cloud is null || state.Cloud is null ? null : cloud.Plan(state.Cloud, policy, prune),
            server.Plan(state.Server, policy));
    }

    /// <summary>What moved since a plan was made: per layer whose digest no longer matches, the lines gone and the lines new.</summary>
    public static IReadOnlyList<LayerDrift> Drift(SavedLayerState? savedCloud, SavedLayerState savedServer, LayersState now)
    {
        ArgumentNullException.ThrowIfNull(savedServer);
        ArgumentNullException.ThrowIfNull(now);
        var drift = new List<LayerDrift>();
        if (savedCloud is not null && now.Cloud is not null && savedCloud.Digest != now.Cloud.Digest)
        {
            drift.Add(LayerDrift.Between(savedCloud, now.Cloud.Target, now.Cloud.Lines, now.Cloud.Digest));
        }

        if (savedServer.Digest != now.Server.Digest)
        {
            drift.Add(LayerDrift.Between(savedServer, now.Server.Target, now.Server.Lines, now.Server.Digest));
        }

        return drift;
    }

    public static async Task<LayersApplyResult> ApplyAsync(ICloudLayer? cloud, IServerLayer server, LayersPlan plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(plan);
        CloudApplyResult? opened = null;
        if (cloud is not null && plan.Cloud is { Opens: true } open)
        {
            try
            {
                opened = await cloud.OpenAsync(open, cancellationToken);
            }
            catch (LayerFailureException ex)
            {
                return new LayersApplyResult(LayersApplyOutcome.CloudOpenFailed, null, null, null, open.Target, ex.Message, []);
            }
        }

        IReadOnlyList<string> Undo() => cloud is not null && opened is { Changed: true } && plan.Cloud is { } cloudPlan ? cloud.UndoCommands(cloudPlan, opened) : [];
        ServerApplyResult applied;
        try
        {
            applied = await server.ApplyAsync(plan.Server, confirmTimeout, cancellationToken);
        }
        catch (LayerFailureException ex)
        {
            return new LayersApplyResult(LayersApplyOutcome.ServerFailed, opened, null, null, server.Target, ex.Message, Undo());
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && opened is { Created.Count: > 0 })
        {
            // Stopped by the operator: the server's message says what happens there; what the cloud step opened stays,
            // and is said with its undo, as a failure would say it.
            throw new OperationInterruptedException(
                $"{(ex is OperationInterruptedException ? ex.Message : $"{server.Target}: stopped during the server's apply")}; already done before that: created {string.Join(", ", opened.Created)} in {opened.Target} (to undo: {string.Join("; ", Undo())})",
                ex, cancellationToken);
        }

        if (applied.Restored)
        {
            return new LayersApplyResult(LayersApplyOutcome.ServerRolledBack, opened, applied, null, server.Target, applied.Detail, Undo());
        }

        CloudApplyResult? closed = null;
        if (cloud is not null && plan.Cloud is { Closes: true } close)
        {
            try
            {
                closed = await cloud.CloseAsync(close, cancellationToken);
            }
            catch (LayerFailureException ex)
            {
                return new LayersApplyResult(LayersApplyOutcome.CloudCloseFailed, opened, applied, null, close.Target, ex.Message, []);
            }
        }

        return new LayersApplyResult(LayersApplyOutcome.Applied, opened, applied, closed, null, null, []);
    }
}
