namespace OecCloudFw.Reports.Documents;

/// <summary>
/// The suppressions file (<c>--suppressions FILE</c>, YAML) as a JSON Schema describes it (<c>oec-cloudfw schema
/// suppressions/v1</c>, for editors): read by <see cref="Core.Audit.SuppressionFile"/>, never written by the tool.
/// </summary>
internal sealed record SuppressionsDocument(IReadOnlyList<SuppressionEntryView> Suppressions);

/// <summary>One accepted finding: its id, a host or glob of hosts, the port (any when absent), why, who, and the last day it holds (YYYY-MM-DD).</summary>
internal sealed record SuppressionEntryView(string Id, string Server, int? Port, string Reason, string Owner, string Expires);
