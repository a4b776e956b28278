namespace OecCloudFw.Core.Audit;

/// <summary>The audit of one server: the matrix and the findings.</summary>
public sealed record AuditReport(string Server, string? CloudLayer, string ServerLayer, string Vantage, IReadOnlyList<PortAssessment> Ports, IReadOnlyList<Finding> Findings)
{
    public Severity? Worst => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}
