using OecCloudFw.Core;
using Spectre.Console;

namespace OecCloudFw.Cli;

/// <summary>What the CLI talks to: where output goes and the environment it reads. Tests give their own.</summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, IEnvironment environment, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Output = output;
        Error = error;
        Environment = environment;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Piped: tables are laid out for COLUMNS when it is set (200 otherwise); plain lines, commands among them,
            // are never wrapped (HumanRenderer.Line).
            Console.Profile.Width = int.TryParse(environment.Variable("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns >= 20
                ? columns
                : 200;
        }
    }

    /// <summary>Raw standard output, for machine formats (JSON) that must not be wrapped.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error, for error lines.</summary>
    public TextWriter Error { get; }

    public IEnvironment Environment { get; }

    /// <summary>The command line being run (set by <see cref="CliApp.RunAsync"/>): apply --plan checks no other flag rides along.</summary>
    public IReadOnlyList<string> Arguments { get; set; } = [];

    /// <summary>True when standard output is a terminal (colors, progress).</summary>
    public bool Interactive { get; }

    /// <summary>Human output (tables) over <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>How the Azure verbs reach ARM (tests give a fake endpoint's credential and transport).</summary>
    public OecCloudFw.Azure.AzureConnection Azure { get; init; } = new();

    /// <summary>The registered cloud providers (<see cref="Layers.CloudProviders"/>), made once with this context's connections.</summary>
    /// <remarks>Tests may give their own list (a provider of their own registered beside the real ones).</remarks>
    public IReadOnlyList<Core.Providers.ICloudProvider> Providers
    {
        get => _providers ??= Application.Providers.CloudProviders.For(Azure);
        init => _providers = value;
    }

    private IReadOnlyList<Core.Providers.ICloudProvider>? _providers;

    /// <summary>The clock: what "today" is for a suppression's expiry (tests give a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// A test seam: called with each fleet server's host and facts as they are read (tests make one server's facts throw,
    /// as a bug met on that server would). Never set by the tool itself.
    /// </summary>
    internal Action<string, OecCloudFw.Server.Facts.ServerFacts>? FleetFactsHook { get; init; }

    /// <summary>Set once a command body starts: anything failing before that is a parse error (bad input).</summary>
    public bool CommandStarted { get; set; }

    public static CliContext FromProcess() => new(
        System.Console.Out,
        System.Console.Error,
        ProcessEnvironment.Instance,
        !System.Console.IsOutputRedirected);
}
