using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Audit;

/// <summary>
/// A previous audit's findings (<c>--baseline FILE</c>): an audit JSON document (audit/v3 or later) or a fleet's
/// (audit-fleet/v3 or later, also a merged one), each finding keyed by its server and fingerprint.
/// </summary>
/// <param name="File">The file as given.</param>
/// <param name="Findings">Every finding of the file.</param>
internal sealed record Baseline(string File, IReadOnlyList<FixedFindingView> Findings)
{
    private static readonly string[] Current = ["oec-cloudfw/audit/v3", "oec-cloudfw/audit/v4"];

    private static readonly string[] CurrentFleet = ["oec-cloudfw/audit-fleet/v3", "oec-cloudfw/audit-fleet/v4"];

    /// <summary>The servers and fingerprints of the findings.</summary>
    public HashSet<(string Server, string Fingerprint)> Keys { get; } = [.. Findings.Select(f => (f.Server, f.Fingerprint))];

    /// <summary>Reads the baseline; every problem is exit 2 naming the flag and the file.</summary>
    public static Baseline Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--baseline '{path}': cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)})");
        }

        return Parse(text, path);
    }

    /// <summary>Parses a baseline's text; <paramref name="path"/> is what messages call it.</summary>
    public static Baseline Parse(string text, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"--baseline '{path}': not JSON (line {(ex.LineNumber ?? 0) + 1}): give a previous audit's --output json");
        }

        var schema = root is JsonObject o && o["schema"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        IEnumerable<JsonNode?> documents;
        if (schema is not null && Current.Contains(schema))
        {
            documents = [root];
        }
        else if (schema is not null && CurrentFleet.Contains(schema))
        {
            documents = root!["servers"] as JsonArray ?? throw Malformed(path, "servers");
        }
        else if (schema is not null && (schema.StartsWith("oec-cloudfw/audit/", StringComparison.Ordinal) || schema.StartsWith("oec-cloudfw/audit-fleet/", StringComparison.Ordinal)))
        {
            throw new InvalidInputException($"--baseline '{path}': {schema} is from an older oec-cloudfw, whose findings have no fingerprint: run the audit again with this version (--output json) and use that as the baseline");
        }
        else
        {
            throw new InvalidInputException($"--baseline '{path}': not an audit's JSON (audit … --output json, schema oec-cloudfw/audit/v4 or audit-fleet/v4){(schema is null ? string.Empty : $"; its schema is {schema}")}");
        }

        var findings = new List<FixedFindingView>();
        foreach (var document in documents)
        {
            var server = Text(document?["server"]) ?? throw Malformed(path, "server");
            foreach (var finding in document!["findings"] as JsonArray ?? throw Malformed(path, $"{server}: findings"))
            {
                findings.Add(new FixedFindingView(
                    Text(finding?["id"]) ?? throw Malformed(path, $"{server}: a finding's id"),
                    Text(finding?["server"]) ?? server,
                    Text(finding?["message"]) ?? string.Empty,
                    Text(finding?["fingerprint"]) ?? throw Malformed(path, $"{server}: a finding's fingerprint")));
            }
        }

        return new Baseline(path, findings);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static InvalidInputException Malformed(string path, string what) =>
        new($"--baseline '{path}': {what} missing or malformed: give a previous audit's --output json as it printed it");
}
