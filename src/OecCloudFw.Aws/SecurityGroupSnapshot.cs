using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>The ingress rules of one security group, read in one call and normalized.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="Region">Where it lives.</param>
/// <param name="Rules">
/// Ingress rules with a CIDR source, and one rule per entry of every readable prefix list a rule references (same
/// rule id, never the tool's own); <see cref="Rule.Id"/> is the security group rule id.
/// </param>
/// <param name="Peers">Ingress rules whose source is another group or a prefix list.</param>
public sealed record SecurityGroupSnapshot(
    SecurityGroupId GroupId,
    string Region,
    IReadOnlyList<Rule> Rules,
    IReadOnlyList<PeerRule> Peers)
{
    /// <summary>
    /// Egress rules with a CIDR destination (in <see cref="Rule.Source"/>: the remote end), readable prefix lists
    /// expanded; a group as destination never reaches the internet.
    /// </summary>
    public IReadOnlyList<Rule> Egress { get; init; } = [];

    /// <summary>Egress rules whose destination is a prefix list that could not be read.</summary>
    public IReadOnlyList<PeerRule> UnreadEgress { get; init; } = [];

    /// <summary>The rules whose source is not a CIDR, as text.</summary>
    public IReadOnlyList<string> ReferenceRules => Peers.Select(p => p.ToString()).ToList();

    /// <summary>
    /// How many inbound rules count against the per-family quota, as EC2 counts them: a CIDR rule for its family, a
    /// prefix-list rule as the list's maximum entries, a group reference once in each family.
    /// </summary>
    public int CountFor(IpFamily family) =>
        Rules.Count(r => r.Family == family && !Peers.Any(p => p.RuleId == r.Id)) +
        Peers.Where(p => p.Family is null || p.Family == family).Sum(p => p.QuotaWeight);

    /// <summary>The layer's rule set: a union of allows over an implicit deny.</summary>
    public RuleSet ToRuleSet() => new(Rules, RuleAction.Deny);
}
