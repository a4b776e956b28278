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
    public static IReadOnlyList<Finding> Check(IEnumerable<Rule> rules, Func<Rule, CatalogPort?, IReadOnlyList<Fix>> fixes)
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
                    rule.ToString(), fixes(rule, null)) { Subject = new(null, null, rule.Protocol == Protocol.All ? null : "tcp", "cloud", rule.Id) });
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
                findings.Add(finding with { Subject = FindingSubject.Tcp(port.Port, "cloud", rule.Id) });
            }
        }

        return findings.OrderByDescending(f => f.Severity).ToList();
    }

    /// <summary>
    /// The same question asked of the layer as the provider evaluates it (the one engine, over address sets): a
    /// catalogued port is open to the internet when the layer admits it from the whole internet of a family, however
    /// the rules split the sources; one shadowed by denies is not. A port refused only because nothing can address the
    /// instance (no public address) but admitted by its filters is latent exposure, at a lower severity.
    /// </summary>
    /// <param name="view">The layer as read.</param>
    /// <param name="everyPort">The rules that open every port to the internet (a finding of their own), with their fixes.</param>
    /// <param name="fixes">The fix commands for a port: the rules that admit it from the internet, in the layer's own terms.</param>
    public static IReadOnlyList<Finding> Check(ILayerView view, IEnumerable<(string Title, string Rule, IReadOnlyList<Fix> Fixes)> everyPort, Func<CatalogPort, IReadOnlyList<Fix>> fixes)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(everyPort);
        ArgumentNullException.ThrowIfNull(fixes);
        var findings = new List<Finding>();
        var verdicts = PortCatalog.All.Where(p => p.InternetExposure is not null)
            .Select(p => (Port: p, V4: view.Evaluate(Protocol.Tcp, p.Port, Cidr.AnyIPv4), V6: view.Evaluate(Protocol.Tcp, p.Port, Cidr.AnyIPv6)))
            .ToList();
        var all = everyPort.ToList();
        if (all.Count > 0 && verdicts.Any(v => v.V4.Admitted || v.V6.Admitted))
        {
            foreach (var (title, rule, ruleFixes) in all)
            {
                findings.Add(new Finding(FindingIds.AllPortsOpenToInternet, Severity.Critical, title, rule, ruleFixes) { Subject = new(null, null, null, "cloud", view.Name) { Peer = rule } });
            }

            return findings;
        }

        foreach (var (port, v4, v6) in verdicts)
        {
            var open = v4.Admitted ? v4 : v6.Admitted ? v6 : null;
            var family = v4.Admitted && v6.Admitted ? "IPv4 and IPv6" : v4.Admitted ? "IPv4" : "IPv6";
            if (open is not null)
            {
                findings.Add((port.Port == PortCatalog.Ssh
                    ? new Finding(FindingIds.SshOpenToInternet, port.InternetExposure!.Value,
                        $"SSH ({port.Port}) is open to the internet ({family}): restrict it to the management IPs", open.Evidence, fixes(port))
                    : new Finding(FindingIds.PortOpenToInternet, port.InternetExposure!.Value,
                        $"{port.Name} ({port.Port}) is open to the internet ({family}){(port.Port == PortCatalog.PostgreSql ? ": your database is exposed; restrict it to specific IPs or use an SSH tunnel" : ": restrict it to specific IPs")}",
                        open.Evidence, fixes(port))) with { Subject = FindingSubject.Tcp(port.Port, "cloud", view.Name) });
            }
            else if ((v4.Latent ?? v6.Latent) is { Admitted: true } latent)
            {
                var refused = v4.Latent is { Admitted: true } ? v4 : v6;
                findings.Add(new Finding(FindingIds.LatentExposure, port.InternetExposure == Severity.Critical ? Severity.Warning : Severity.Info,
                    $"{port.Name} ({port.Port}) is not reachable from the internet now ({refused.Evidence}), but the filters would admit it from the whole internet were the instance given a public address: latent exposure, restrict it",
                    latent.Evidence, fixes(port)) { Subject = FindingSubject.Tcp(port.Port, "cloud", view.Name) });
            }
        }

        return findings.OrderByDescending(f => f.Severity).ToList();
    }
}
