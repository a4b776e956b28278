using System.Text.Json;
using OecCloudFw.Cli;
using OecCloudFw.Core;
using OecCloudFw.Hetzner.Tests.Fake;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Hetzner.Tests.Cli;

/// <summary>
/// Runs the whole tool in memory (<c>CliApp.RunAsync</c> with its own writers and an environment given as a
/// dictionary), and validates every JSON document it prints against the schema the tool ships for it.
/// </summary>
internal static class HetznerCli
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Json.Schema.JsonSchema> Schemas = new(StringComparer.Ordinal);

    /// <summary>The environment the hcloud CLI would read: the fake's token (or <paramref name="token"/>).</summary>
    public static Dictionary<string, string> Environment(HetznerFake fake, string? token = null) => new(StringComparer.Ordinal)
    {
        [HetznerProvider.TokenVariable] = token ?? fake.Token,
    };

    /// <summary>The test server over SSH, as root with its test key and its real host key.</summary>
    public static string[] Server(TestServer server) => ["--host", server.Address, "--identity", server.ClientKey, "--known-hosts", server.KnownHosts];

    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, new CliContext(output, error, new DictionaryEnvironment(environment)));
        var printed = output.ToString();
        ValidateAgainstSchema(printed, args);
        return new CliRun(exit, printed, error.ToString());
    }

    /// <summary>
    /// A document whose "schema" field names one of the tool's is validated against the schema shipped for it; a SARIF
    /// log (no such field) must at least be SARIF 2.1.0 with one run.
    /// </summary>
    private static void ValidateAgainstSchema(string printed, string[] args)
    {
        if (!printed.TrimStart().StartsWith('{'))
        {
            return;
        }

        using var parsed = JsonDocument.Parse(printed);
        if (!parsed.RootElement.TryGetProperty("schema", out var name) || name.GetString() is not { } id || !id.StartsWith("oec-cloudfw/", StringComparison.Ordinal))
        {
            if (parsed.RootElement.TryGetProperty("version", out var version))
            {
                Assert.Equal("2.1.0", version.GetString());
                Assert.Single(parsed.RootElement.GetProperty("runs").EnumerateArray());
            }

            return;
        }

        var schema = Schemas.GetOrAdd(id, key => Json.Schema.JsonSchema.FromText(
            OecCloudFw.Reports.DocumentSchemas.Read(key["oec-cloudfw/".Length..]) ?? throw new Xunit.Sdk.XunitException($"no schema is shipped for {key}"),
            new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() }));
        var result = schema.Evaluate(parsed.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(10);
            throw new Xunit.Sdk.XunitException($"{id} does not match its published schema ({string.Join(" ", args)}):\n{string.Join("\n", errors)}");
        }
    }

    private sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public JsonDocument Json() => JsonDocument.Parse(Output);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
