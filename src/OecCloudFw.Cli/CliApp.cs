using Cocona;
using Cocona.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OecCloudFw.Cli.Commands;

namespace OecCloudFw.Cli;

/// <summary>Builds and runs the command tree; the whole tool, runnable in memory.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var builder = CoconaApp.CreateBuilder(args, options =>
        {
            options.EnableShellCompletionSupport = false;
            options.TreatPublicMethodsAsCommands = false;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton<Cocona.Application.ICoconaConsoleProvider, CliConsoleProvider>();
        builder.Services.AddSingleton<Cocona.Application.ICoconaApplicationMetadataProvider, CliMetadata>();
        var app = builder.Build();
        app.AddCommands<AuditCommand>();
        app.AddCommands<TestCommand>();
        app.AddCommands<SchemaCommand>();
        app.AddSubCommand("aws", aws => aws.AddCommands<AwsCommands>())
            .WithDescription("AWS EC2 security groups: open the policy's ports, close a port, show the rules.");
        app.AddSubCommand("azure", azure => azure.AddCommands<AzureCommands>())
            .WithDescription("Azure network security groups (by NSG or by VM): open, close, show; the same policy as aws.");
        app.AddSubCommand("server", server => server.AddCommands<ServerCommands>())
            .WithDescription("The server's own firewall over SSH or --local: preflight, configure (lockout-proof).");
        app.AddSubCommand("policy", policy => policy.AddCommands<PolicyCommands>())
            .WithDescription("The effective policy and the guide's port catalog (read-only, nothing remote).");
        var previous = Environment.ExitCode;
        try
        {
            await app.RunAsync();
            var code = Environment.ExitCode;

            // Cocona reports parse errors (unknown flag 129, missing option or unknown command 1) before any command
            // body runs: those are bad input, documented as exit code 2.
            if (!context.CommandStarted && code != 0 && !args.Any(a => a is "-h" or "--help" or "--version"))
            {
                return ExitCodes.BadInput;
            }

            return context.CommandStarted ? code : ExitCodes.Ok;
        }
        finally
        {
            Environment.ExitCode = previous;
        }
    }
}
