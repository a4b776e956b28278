using OecCloudFw.Core;

namespace OecCloudFw.Cli.Tests;

/// <summary>Runs the whole tool in memory, as CommandAppTester does for Spectre.Console.Cli.</summary>
internal static class CliHarness
{
    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) => RunAsync(environment, null, args);

    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, OecCloudFw.Azure.AzureConnection? azure, params string[] args) => RunAsync(environment, azure, null, args);

    /// <summary>Runs the tool with <paramref name="time"/> as its clock (a suppression's expiry).</summary>
    public static Task<CliRun> RunAsync(TimeProvider time, params string[] args) => RunAsync(null, null, time, args);

    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, OecCloudFw.Azure.AzureConnection? azure, TimeProvider? time, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, new DictionaryEnvironment(environment ?? new Dictionary<string, string>()))
        {
            Azure = azure ?? new OecCloudFw.Azure.AzureConnection(),
            Time = time ?? TimeProvider.System,
        };
        var exit = await CliApp.RunAsync(args, context);
        var printed = output.ToString();
        ValidateAgainstSchema(printed, args);
        return new CliRun(exit, printed, error.ToString());
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Json.Schema.JsonSchema> Schemas = new(StringComparer.Ordinal);

    /// <summary>
    /// Every JSON document any test gets is first validated against the schema the tool ships for it (its "schema"
    /// field names it): a document that drifts from its published schema fails whichever test printed it.
    /// </summary>
    internal static void ValidateAgainstSchema(string printed, string[] args)
    {
        if (!printed.TrimStart().StartsWith('{') || args.Contains("schema"))
        {
            return;
        }

        var document = System.Text.Json.Nodes.JsonNode.Parse(printed);
        if (document?["schema"]?.GetValue<string>() is not { } id || !id.StartsWith("oec-cloudfw/", StringComparison.Ordinal))
        {
            return;
        }

        var schema = Schemas.GetOrAdd(id, name => Json.Schema.JsonSchema.FromText(
            OecCloudFw.Reports.DocumentSchemas.Read(name["oec-cloudfw/".Length..]) ?? throw new Xunit.Sdk.XunitException($"no schema is shipped for {name}"),
            new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() }));
        using var parsed = System.Text.Json.JsonDocument.Parse(printed);
        var result = schema.Evaluate(parsed.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(10);
            throw new Xunit.Sdk.XunitException($"{id} does not match its published schema ({string.Join(" ", args)}):\n{string.Join("\n", errors)}");
        }
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync((IReadOnlyDictionary<string, string>?)null, args);

    private sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
