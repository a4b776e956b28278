using NJsonSchema;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Validates SARIF against the official SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json), which ./test.sh takes from
/// the npm package @microsoft/jest-sarif into artifacts/sarif-schema/.
/// </summary>
internal static class SarifSchema
{
    public static async Task<IReadOnlyList<string>> ValidateAsync(string sarif)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "OecCloudFw.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }

        var path = Path.Combine(dir, "artifacts", "sarif-schema", "sarif-2.1.0-rtm.5.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: ./test.sh fetches it (npm pack @microsoft/jest-sarif)");
        }

        var schema = await JsonSchema.FromFileAsync(path);
        return schema.Validate(sarif).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }
}
