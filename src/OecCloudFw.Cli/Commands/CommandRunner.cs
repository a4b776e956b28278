using OecCloudFw.Core;

namespace OecCloudFw.Cli.Commands;

/// <summary>Runs a command body and maps failures to the documented exit codes, with one error line on stderr.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
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
        catch (LayerFailureException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.LayerFailure;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message} (please report this)");
            return ExitCodes.Internal;
        }
    }
}
