using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Reports.Documents;

/// <summary>A rule as the JSON documents show it.</summary>
public sealed record RuleView(
    string? Id,
    string Action,
    string Protocol,
    string Ports,
    string Source,
    string? Description,
    string? Purpose,
    bool ManagedByTool)
{
    public static RuleView From(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new RuleView(rule.Id, rule.Action.ToString().ToLowerInvariant(), rule.Protocol.ToName(), rule.Ports.ToString(),
            rule.Source.ToString(), rule.Description, PurposeOf(rule), rule.Origin == RuleOrigin.Tool);
    }

    /// <summary>The catalog purpose of the ports a rule admits, e.g. "SSH access for OEC.sh management".</summary>
    private static string? PurposeOf(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Protocol == Core.Net.Protocol.All || rule.Ports.IsAll)
        {
            return "every port";
        }

        var entries = PortCatalog.Within(rule.Ports.From, rule.Ports.To).ToList();
        return entries.Count switch
        {
            0 => null,
            1 when rule.Ports.IsSingle => entries[0].Purpose,
            _ => "includes " + string.Join(", ", entries.Select(e => $"{e.Port} {e.Name}")),
        };
    }
}
