using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Azure;

/// <summary>
/// What <c>azure show</c> flags, from the same verdicts as its ports table and the audit (the compiled paths): a
/// catalogued port admitted from the internet (however its sources are split across rules), every port admitted, and a
/// database or SSH port admitted from a service tag that stands for other Azure tenants. Each names the rules that
/// admit it and how to fix them.
/// </summary>
internal static class NsgExposure
{
    /// <param name="paths">The compiled paths.</param>
    /// <param name="chains">The NSG chains on them.</param>
    /// <param name="fixes">The fix commands for one rule of one NSG.</param>
    public static IReadOnlyList<Finding> Check(PathSet paths, IReadOnlyList<NsgChain> chains, Func<NsgSnapshot, Rule, CatalogPort?, IReadOnlyList<Fix>> fixes)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(fixes);
        var findings = new List<Finding>();
        var allPorts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in PortCatalog.All.Where(p => p.InternetExposure is not null))
        {
            foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 })
            {
                var internet = Cidr.Internet(family);
                var verdict = PathView.ToVerdict(paths.Inbound(Protocol.Tcp, port.Port, AddressSet.Of(internet)));
                if (!verdict.Admitted)
                {
                    continue;
                }

                var rules = Admitting(paths, chains, Protocol.Tcp, port.Port, family);
                var everyPort = rules.Where(r => IsEveryPort(r.Rule)).ToList();
                foreach (var (chain, rule) in everyPort.Where(r => allPorts.Add($"{r.Chain.Nsg.Id}/{r.Rule.Name}")))
                {
                    var core = Core(rule);
                    findings.Add(new Finding(FindingIds.AllPortsOpenToInternet, Severity.Critical,
                        $"every {(rule.Protocol is "*" or "Any" ? "port and protocol" : "TCP port")} is open to the internet ({internet}), the database included",
                        $"{chain.Label}: {core}", fixes(chain.Nsg, core, null)) { Subject = new(null, null, null, "cloud", chain.Nsg.Name) { Peer = rule.Name } });
                }

                if (everyPort.Count > 0 && everyPort.Count == rules.Count)
                {
                    break;
                }

                var fix = rules.Where(r => !IsEveryPort(r.Rule)).SelectMany(r => fixes(r.Chain.Nsg, Core(r.Rule), port)).DistinctBy(f => string.Join('\n', f.Commands)).ToList();
                findings.Add((port.Port == PortCatalog.Ssh
                    ? new Finding(FindingIds.SshOpenToInternet, port.InternetExposure!.Value,
                        $"SSH ({port.Port}) is open to the internet ({internet}): restrict it to the management IPs", verdict.Evidence, fix)
                    : new Finding(FindingIds.PortOpenToInternet, port.InternetExposure!.Value,
                        $"{port.Name} ({port.Port}) is open to the internet ({internet}){(port.Port == PortCatalog.PostgreSql ? ": your database is exposed; restrict it to specific IPs or use an SSH tunnel" : ": restrict it to specific IPs")}",
                        verdict.Evidence, fix)) with { Subject = FindingSubject.Tcp(port.Port, "cloud", string.Join(", ", rules.Select(r => r.Chain.Nsg.Name).Distinct(StringComparer.Ordinal))) });
                break;
            }
        }

        findings.AddRange(OtherTenants(paths, chains, fixes));
        return findings.OrderByDescending(f => f.Severity).ToList();
    }

    /// <summary>The database and SSH ports: what other tenants must not reach.</summary>
    public static bool IsSensitive(CatalogPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return port.Port is PortCatalog.Ssh or PortCatalog.PostgreSql || port.Name.StartsWith("PgBouncer", StringComparison.Ordinal);
    }

    /// <summary>The allow rules behind what the paths admit (or may admit) from the public internet to the port, NIC NSGs before subnet NSGs.</summary>
    public static List<(NsgChain Chain, NsgRule Rule)> Admitting(PathSet paths, IReadOnlyList<NsgChain> chains, Protocol protocol, int port, IpFamily family, bool maybe = false, bool reach = true)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(chains);
        var pieces = paths.Inbound(protocol, port, NsgAddresses.Public(family), reach)
            .Where(p => p.Decision == Decision.Admitted || (maybe && p.Decision == Decision.Indeterminate)).ToList();
        return chains.OrderBy(c => c.Label.StartsWith("subnet", StringComparison.Ordinal) ? 1 : 0)
            .SelectMany(c => pieces.SelectMany(p => c.RulesIn(p.Evidence)).Where(r => string.Equals(r.Access, "Allow", StringComparison.OrdinalIgnoreCase)).Distinct().Select(r => (c, r)))
            .ToList();
    }

    private static IEnumerable<Finding> OtherTenants(PathSet paths, IReadOnlyList<NsgChain> chains, Func<NsgSnapshot, Rule, CatalogPort?, IReadOnlyList<Fix>> fixes)
    {
        foreach (var port in PortCatalog.All.Where(IsSensitive))
        {
            var tagged = new[] { IpFamily.IPv4, IpFamily.IPv6 }
                .SelectMany(f => Admitting(paths, chains, Protocol.Tcp, port.Port, f, maybe: true))
                .Select(r => (r.Chain, r.Rule, Tags: r.Rule.SourcePrefixes.Where(NsgAddresses.IsOtherTenantsTag).ToList()))
                .Where(r => r.Tags.Count > 0)
                .DistinctBy(r => $"{r.Chain.Nsg.Id}/{r.Rule.Name}")
                .ToList();
            if (tagged.Count == 0)
            {
                continue;
            }

            var tags = string.Join(", ", tagged.SelectMany(t => t.Tags).Distinct(StringComparer.Ordinal));
            yield return new Finding(FindingIds.OtherTenants, port.Port == PortCatalog.PostgreSql ? Severity.Critical : Severity.Warning,
                $"{port.Name} ({port.Port}) is admitted from service tag {tags}: those are the addresses of every Azure customer (other tenants), not only yours; restrict it to specific IPs",
                string.Join("; ", tagged.Select(t => t.Chain.Text(t.Rule))),
                tagged.SelectMany(t => fixes(t.Chain.Nsg, Core(t.Rule), port)).DistinctBy(f => string.Join('\n', f.Commands)).ToList())
            {
                Subject = FindingSubject.Tcp(port.Port, "cloud", string.Join(", ", tagged.Select(t => t.Chain.Nsg.Name).Distinct(StringComparer.Ordinal))),
            };
        }
    }

    private static bool IsEveryPort(NsgRule rule) =>
        rule.Protocol is "*" or "Any" or "Tcp" or "tcp" && rule.PortRanges.Any(p => NsgRule.ParsePorts(p).IsAll);

    /// <summary>The rule in Core terms (for the fix commands): its name, ports and origin.</summary>
    private static Rule Core(NsgRule rule) =>
        rule.ToCoreRules().FirstOrDefault()
        ?? new Rule(Protocol.Tcp, NsgRule.ParsePorts(rule.PortRanges.Count > 0 ? rule.PortRanges[0] : "*"), Cidr.AnyIPv4, RuleAction.Allow, rule.Description,
            rule.IsOwn ? RuleOrigin.Tool : RuleOrigin.Foreign, $"{rule.Name} (priority {rule.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
}
