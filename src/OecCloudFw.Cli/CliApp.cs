using System.CommandLine;
using OecCloudFw.Cli.Commands;

namespace OecCloudFw.Cli;

/// <summary>Builds and runs the command tree (System.CommandLine); the whole tool, runnable in memory.</summary>
public static class CliApp
{
    public const string Description = "Makes a Linux server's firewall right in both layers (cloud and server) and audits that they agree.";

    /// <summary>The tool's version, as SARIF logs and the policy recorded on a server name it.</summary>
    internal static string Version => typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        context.Arguments = args;
        var root = new RootCommand(Description);
        CommandHost.AddCommands<AuditCommand>(root, context);
        CommandHost.AddCommands<TestCommand>(root, context);
        CommandHost.AddCommands<SchemaCommand>(root, context);
        CommandHost.AddCommands<MergeCommand>(root, context);
        CommandHost.AddCommands<LayersCommands>(root, context);
        foreach (var provider in context.Providers)
        {
            // Every provider registered through the seam gets the same open/close/show.
            var group = new Command(provider.Name, $"{provider.Description} Open the policy's ports, close a port, show the rules and findings.");
            CommandHost.AddCommands<ProviderCommands>(group, context, provider);
            root.Subcommands.Add(group);
        }

        Group<ServerCommands>(root, context, "server", "The server's own firewall over SSH or --local: preflight, configure (lockout-proof).");
        Group<PolicyCommands>(root, context, "policy", "The effective policy and the guide's port catalog (read-only, nothing remote).");

        var completion = new Command("completion", "Print a shell completion script generated from the command tree: source <(oec-cloudfw completion bash).");
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        completion.Arguments.Add(shell);
        completion.SetAction(async (result, cancellationToken) =>
        {
            await context.Output.WriteAsync(CompletionScript.For(root, result.GetValue(shell)!));
            return ExitCodes.Ok;
        });
        root.Subcommands.Add(completion);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Parse errors (an unknown flag or command, a missing or malformed value) are bad input: exit 2, nothing run.
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            await context.Error.WriteLineAsync($"run 'oec-cloudfw {string.Join(' ', parsed.CommandResult.Command is RootCommand ? [] : CommandPath(parsed.CommandResult.Command))} --help' for the options");
            return ExitCodes.BadInput;
        }

        // The caller owns the signals (Program: Ctrl+C and SIGTERM cancel the token, the command says what is in flight
        // and exits 130); System.CommandLine's own handler would end the process 2 s later, mid-message.
        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error, ProcessTerminationTimeout = null }, cancellationToken);
        return code;
    }

    private static void Group<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicMethods | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] T>(
        RootCommand root, CliContext context, string name, string description)
    {
        var group = new Command(name, description);
        CommandHost.AddCommands<T>(group, context);
        root.Subcommands.Add(group);
    }

    private static List<string> CommandPath(Command command)
    {
        var path = new List<string>();
        for (var c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, c.Name);
        }

        return path;
    }
}
