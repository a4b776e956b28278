using OecCloudFw.Core.Audit;

namespace OecCloudFw.Reports.Documents;

/// <summary>A finding as the JSON documents show it.</summary>
public sealed record FindingView(string Id, Severity Severity, string Message, string Evidence, IReadOnlyList<string> Fixes)
{
    public static FindingView From(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new FindingView(finding.Id, finding.Severity, finding.Message, finding.Evidence, finding.Fixes);
    }
}
