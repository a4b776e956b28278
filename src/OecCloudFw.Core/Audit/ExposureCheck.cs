using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Audit;

/// <summary>
/// Flags the allow rules of a layer that admit the whole internet to a port the guide says should not be
/// (PostgreSQL is critical, SSH is a warning to restrict to the management sources).
/// </summary>
public static class ExposureCheck
{
    /// <param name="rules">The layer's rules.</param>
    /// <param name="fixes">The fix commands for a rule in the layer's own terms (the adapter knows its CLI verbs).</param>
    public static IReadOnlyList<Finding> Check(IEnumerable<Rule> rules, Func<Rule, CatalogPort?, IReadOnlyList<string>> fixes)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(fixes);
        var findings = new List<Finding>();
        foreach (var rule in rules.Where(r => r.Action == RuleAction.Allow && r.Source.IsInternet))
        {
            if (rule.Protocol is Protocol.All or Protocol.Tcp && rule.Ports.IsAll)
            {
                findings.Add(new Finding(FindingIds.AllPortsOpenToInternet, Severity.Critical,
                    $"every {(rule.Protocol == Protocol.All ? "port and protocol" : "TCP port")} is open to the internet ({rule.Source}), the database included",
                    rule.ToString(), fixes(rule, null)));
                continue;
            }

            if (!rule.Protocol.Covers(Protocol.Tcp))
            {
                continue;
            }

            foreach (var port in PortCatalog.Within(rule.Ports.From, rule.Ports.To).Where(p => p.InternetExposure is not null))
            {
                var finding = port.Port == PortCatalog.Ssh
                    ? new Finding(FindingIds.SshOpenToInternet, port.InternetExposure!.Value,
                        $"SSH ({port.Port}) is open to the internet ({rule.Source}): restrict it to the management IPs",
                        rule.ToString(), fixes(rule, port))
                    : new Finding(FindingIds.PortOpenToInternet, port.InternetExposure!.Value,
                        $"{port.Name} ({port.Port}) is open to the internet ({rule.Source}){(port.Port == PortCatalog.PostgreSql ? ": your database is exposed; restrict it to specific IPs or use an SSH tunnel" : ": restrict it to specific IPs")}",
                        rule.ToString(), fixes(rule, port));
                findings.Add(finding);
            }
        }

        return findings.OrderByDescending(f => f.Severity).ToList();
    }
}
