namespace OecCloudFw.Core.Audit;

/// <summary>The audit of one server: the matrix and the findings.</summary>
public sealed record AuditReport(string Server, string? CloudLayer, string ServerLayer, string Vantage, IReadOnlyList<PortAssessment> Ports, IReadOnlyList<Finding> Findings)
{
    /// <summary>Web checks from the vantage point: HTTP on 80 should redirect to HTTPS, 443 should complete TLS.</summary>
    public IReadOnlyList<(string What, bool Ok, string Result)> Web { get; init; } = [];

    /// <summary>The server's outbound needs, layer by layer.</summary>
    public IReadOnlyList<EgressAssessment> Egress { get; init; } = [];

    /// <summary>Parts of the cloud layer beyond its rules that decide verdicts (AWS network ACLs), for the report.</summary>
    public IReadOnlyList<LayerComponent> CloudComponents { get; init; } = [];

    /// <summary>What the cloud layer's verdicts assume without having read it.</summary>
    public IReadOnlyList<string> CloudAssumptions { get; init; } = [];

    /// <summary>The benchmark section checked (<c>audit --benchmark</c>); null when none was asked for.</summary>
    public Benchmarks.BenchmarkReport? Benchmark { get; init; }

    public Severity? Worst => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}
