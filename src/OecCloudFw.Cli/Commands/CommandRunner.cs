using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary>Runs a command body and maps failures to the documented exit codes, with one error line on stderr.</summary>
internal static class CommandRunner
{
    /// <param name="context">Where the error line goes.</param>
    /// <param name="body">The command.</param>
    /// <param name="cancellationToken">The command's token: cancelled by Ctrl+C or SIGTERM, which ends the command with exit 130.</param>
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        context.CommandStarted = true;
        try
        {
            return await body();
        }
        catch (InvalidInputException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (Core.Layers.LockoutRiskException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}; nothing was changed");
            return ExitCodes.RolledBack;
        }
        catch (LayerFailureException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.LayerFailure;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the operator: say what is still in flight (an armed rollback, say), exit as a shell does on SIGINT.
            await context.Error.WriteLineAsync(ex is OperationInterruptedException
                ? $"interrupted: {ex.Message}"
                : "interrupted: stopped before finishing; what was already changed stays (every change is idempotent: run the same command again to finish)");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message} (please report this)");
            return ExitCodes.Internal;
        }
    }
}
