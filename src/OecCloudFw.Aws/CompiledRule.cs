using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Aws;

/// <summary>A security group rule as the engine evaluates it, with the rule id it came from (to leave out what a plan revokes).</summary>
/// <param name="RuleId">The security group rule id (sgr-…), or the planned rule's placeholder.</param>
/// <param name="Rule">Its matches (protocol, ports or ICMP type, source or destination) and its text.</param>
internal sealed record CompiledRule(string RuleId, ChainRule Rule);
