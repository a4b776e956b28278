using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>Every security group on an ENI as one audit layer: a union of allows, over an implicit deny.</summary>
public sealed class SecurityGroupsView(IReadOnlyList<SecurityGroupSnapshot> groups) : ILayerView
{
    private readonly RuleSet _rules = new(groups.SelectMany(g => g.Rules.Select(r => r with { Id = $"{g.GroupId}/{r.Id}" })), RuleAction.Deny);

    public string Name => "aws " + string.Join("+", groups.Select(g => g.GroupId.Value));

    public bool Filters => true;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        var verdict = _rules.Evaluate(protocol, port, source);
        return new LayerVerdict(verdict.Admitted, verdict.DecidedBy is { } rule ? $"{rule.Id}: {rule}" : $"no rule of {string.Join(", ", groups.Select(g => g.GroupId.Value))} admits it");
    }
}
