namespace OecCloudFw.Reports.Documents;

/// <summary>JSON of <c>policy show</c> (schema oec-cloudfw/policy/v1).</summary>
public sealed record PolicyDocument(bool Ipv6, IReadOnlyList<PolicyPortView> Ports, IReadOnlyList<FindingView> Findings)
{
    public string Schema { get; } = "oec-cloudfw/policy/v1";
}

/// <summary>One requirement of the policy.</summary>
public sealed record PolicyPortView(string Ports, string Protocol, IReadOnlyList<string> Sources, string Description, bool Ssh, string? Purpose);
