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
public sealed record Baseline(string File, IReadOnlyList<FixedFindingView> Findings)
{
    private static readonly string[] Current = ["oec-cloudfw/audit/v3", "oec-cloudfw/audit/v4"];

    private static readonly string[] CurrentFleet = ["oec-cloudfw/audit-fleet/v3", "oec-cloudfw/audit-fleet/v4"];

    /// <summary>The servers and fingerprints of the findings.</summary>
    public HashSet<(string Server, string Fingerprint)> Keys { get; } = [.. Findings.Select(f => (f.Server, f.Fingerprint))];

    /// <summary>
    /// Parses a baseline's text; <paramref name="path"/> is the file as given. A mistake is bad input (exit 2) saying
    /// what is wrong; the caller names the file and where it came from.
    /// </summary>
    public static Baseline Parse(string text, string path)
    {
        var (root, schema) = JsonTree.Parse(text, line => $"not JSON (line {line}): give a previous audit's --output json");
        IEnumerable<JsonNode?> documents;
        if (schema is not null && Current.Contains(schema))
        {
            documents = [root];
        }
        else if (schema is not null && CurrentFleet.Contains(schema))
        {
            documents = root!["servers"] as JsonArray ?? throw Malformed("servers");
        }
        else if (schema is not null && (schema.StartsWith("oec-cloudfw/audit/", StringComparison.Ordinal) || schema.StartsWith("oec-cloudfw/audit-fleet/", StringComparison.Ordinal)))
        {
            throw new InvalidInputException($"{schema} is from an older oec-cloudfw, whose findings have no fingerprint: run the audit again with this version (--output json) and use that as the baseline");
        }
        else
        {
            throw new InvalidInputException($"not an audit's JSON (audit … --output json, schema oec-cloudfw/audit/v4 or audit-fleet/v4){(schema is null ? string.Empty : $"; its schema is {schema}")}");
        }

        var findings = new List<FixedFindingView>();
        foreach (var document in documents)
        {
            var server = JsonTree.Text(document?["server"]) ?? throw Malformed("server");
            foreach (var finding in document!["findings"] as JsonArray ?? throw Malformed($"{server}: findings"))
            {
                findings.Add(new FixedFindingView(
                    JsonTree.Text(finding?["id"]) ?? throw Malformed($"{server}: a finding's id"),
                    JsonTree.Text(finding?["server"]) ?? server,
                    JsonTree.Text(finding?["message"]) ?? string.Empty,
                    JsonTree.Text(finding?["fingerprint"]) ?? throw Malformed($"{server}: a finding's fingerprint")));
            }
        }

        return new Baseline(path, findings);
    }

    private static InvalidInputException Malformed(string what) =>
        new($"{what} missing or malformed: give a previous audit's --output json as it printed it");
}
