using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Reports.Documents;

/// <summary>JSON of <c>policy show</c> (schema oec-cloudfw/policy/v1).</summary>
public sealed record PolicyDocument(bool Ipv6, IReadOnlyList<PolicyPortView> Ports, IReadOnlyList<FindingView> Findings)
{
    public string Schema { get; } = "oec-cloudfw/policy/v1";

    /// <summary>The effective policy, each requirement with its catalog purpose, and what is flagged in it.</summary>
    public static PolicyDocument From(FirewallPolicy policy, IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyDocument(
            policy.Ipv6,
            policy.Requirements.Select(r => new PolicyPortView(
                r.Ports.ToString(), r.Protocol.ToString().ToLowerInvariant(), r.Sources.Select(s => s.ToString()).ToList(),
                r.Description, r.IsSsh, r.Ports.IsSingle ? PortCatalog.Find(r.Ports.From)?.Purpose : null)).ToList(),
            findings.Select(FindingView.From).ToList());
    }
}

/// <summary>One requirement of the policy.</summary>
public sealed record PolicyPortView(string Ports, string Protocol, IReadOnlyList<string> Sources, string Description, bool Ssh, string? Purpose);
