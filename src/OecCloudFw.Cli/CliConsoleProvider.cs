using Cocona.Application;

namespace OecCloudFw.Cli;

/// <summary>Sends Cocona's own help and parse errors to the context's writers.</summary>
internal sealed class CliConsoleProvider(CliContext context) : ICoconaConsoleProvider
{
    public TextWriter Output => context.Output;

    public TextWriter Error => context.Error;
}
