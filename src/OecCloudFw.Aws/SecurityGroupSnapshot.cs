using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>The ingress rules of one security group, read in one call and normalized.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="Region">Where it lives.</param>
/// <param name="Rules">Ingress rules with a CIDR source; <see cref="Rule.Id"/> is the security group rule id.</param>
/// <param name="ReferenceRules">Ingress rules whose source is another group or a prefix list, as text (they admit no CIDR).</param>
public sealed record SecurityGroupSnapshot(
    SecurityGroupId GroupId,
    string Region,
    IReadOnlyList<Rule> Rules,
    IReadOnlyList<string> ReferenceRules)
{
    /// <summary>How many inbound rules count against the per-family quota (references count for both families).</summary>
    public int CountFor(IpFamily family) => Rules.Count(r => r.Family == family) + ReferenceRules.Count;

    /// <summary>The layer's rule set: a union of allows over an implicit deny.</summary>
    public RuleSet ToRuleSet() => new(Rules, RuleAction.Deny);
}
