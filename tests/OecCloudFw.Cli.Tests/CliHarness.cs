using OecCloudFw.Core;

namespace OecCloudFw.Cli.Tests;

/// <summary>Runs the whole tool in memory, as CommandAppTester does for Spectre.Console.Cli.</summary>
internal static class CliHarness
{
    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) => RunAsync(environment, null, args);

    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, OecCloudFw.Azure.AzureConnection? azure, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, new DictionaryEnvironment(environment ?? new Dictionary<string, string>()))
        {
            Azure = azure ?? new OecCloudFw.Azure.AzureConnection(),
        };
        var exit = await CliApp.RunAsync(args, context);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(null, args);

    private sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
