using OecCloudFw.Core;

namespace OecCloudFw.Cli.Output;

/// <summary>table for people, json for machines (documented schema).</summary>
internal enum OutputFormat
{
    Table,
    Json,
}

/// <summary>Parses --output.</summary>
internal static class OutputFormats
{
    public static OutputFormat Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "table" => OutputFormat.Table,
        "json" => OutputFormat.Json,
        _ => throw new InvalidInputException($"--output '{text}' is not a format: use table or json"),
    };
}
