using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Hetzner;

/// <summary>
/// The exact commands that fix a Hetzner finding: the tool's own verb first (it changes only its own rules, writes the
/// whole rule set back with everyone else's rules as they were, and checks nobody wrote meanwhile), then the hcloud CLI
/// (github.com/hetznercloud/cli: <c>hcloud firewall add-rule|delete-rule NAME --direction --protocol --port
/// --source-ips|--destination-ips --description</c>; delete-rule removes the rule equal to the one described).
/// </summary>
internal static class HetznerFixes
{
    private const string ManagementPlaceholder = "<management-ip>/32";

    public static IReadOnlyList<Fix> For(HetznerSnapshot read, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(sources);
        return kind switch
        {
            FixKind.CloudClose => RemoveInternet(read, port, [], restrict: false),
            FixKind.CloudRestrict => RemoveInternet(read, port, sources, restrict: true),
            FixKind.CloudEgress => Egress(read, port, sources.Count > 0 ? sources[0] : Cidr.AnyIPv4),
            _ => [new Fix(kind, "cloud", port, [.. sources.Where(s => !s.IsInternet)], Open(read, port, sources)) { Resource = read.WriteName }],
        };
    }

    /// <summary>Admit the port from the sources: the tool's open (it adds only what is missing), then the hcloud rule.</summary>
    public static IReadOnlyList<string> Open(HetznerSnapshot read, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(read);
        var firewall = read.WriteName;
        if (firewall is null)
        {
            return [$"oec-cloudfw hetzner open --server {Quote(read.Server?.Name ?? "<server>")} --firewall <firewall> --port {Invariant(port)}{SourceFlags(port, sources)}  ({read.NoWriteWhy ?? "name the firewall to change"})"];
        }

        var from = sources.Count == 0 ? [Cidr.AnyIPv4, Cidr.AnyIPv6] : sources;
        var rule = HetznerRules.ToHcloud(new Rule(Protocol.Tcp, PortRange.Single(port), from[0]));
        return
        [
            $"oec-cloudfw hetzner open --firewall {Quote(firewall)} --port {Invariant(port)}{SourceFlags(port, sources)}",
            $"hcloud firewall add-rule {Quote(firewall)} --direction in --protocol tcp --port {Invariant(port)} --source-ips {string.Join(',', from)} --description {Quote(rule.Description!)}",
        ];
    }

    /// <summary>
    /// Take the port away from the internet (or, restricting, from all but <paramref name="keep"/>): the narrow rule is
    /// added before any broad one goes; the tool's own rules through its close, anyone else's through hcloud (the whole
    /// rule deleted, what else it admitted added back).
    /// </summary>
    public static IReadOnlyList<Fix> RemoveInternet(HetznerSnapshot read, int port, IReadOnlyList<Cidr> keep, bool restrict)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(keep);
        var kind = restrict ? FixKind.CloudRestrict : FixKind.CloudClose;
        var fixes = new List<Fix>();
        var admitting = read.Firewalls.SelectMany(f => f.Firewall.Rules.Where(r => Admits(r, port)).Select(r => (f.Firewall, Rule: r))).ToList();
        if (admitting.Count == 0)
        {
            return fixes;
        }

        if (restrict)
        {
            // The narrow rule first; the tool's own broad rule goes with --prune in the same run, anyone else's after.
            var to = read.WriteName ?? admitting[0].Firewall.Name;
            var sources = keep.Where(s => !s.IsInternet).ToList();
            var flags = sources.Count > 0 ? SourceFlags(port, sources) : $" {(port == PortCatalog.Ssh ? "--ssh-source" : "--source")} {ManagementPlaceholder}";
            var prune = admitting.Any(a => HetznerRules.IsOwn(a.Rule)) ? " --prune" : string.Empty;
            fixes.Add(new Fix(kind, "cloud", port, sources, [$"oec-cloudfw hetzner open --firewall {Quote(to)} --port {Invariant(port)}{flags}{prune}"]) { Resource = to });
        }

        foreach (var (firewall, rule) in admitting)
        {
            var broad = (rule.SourceIps ?? []).Where(IsBroad).ToList();
            if (HetznerRules.IsOwn(rule))
            {
                if (!restrict)
                {
                    var force = HetznerRules.TryPorts(rule.Port, out var range) && range.Contains(PortCatalog.Ssh) ? " --force" : string.Empty;
                    fixes.Add(new Fix(kind, "cloud", port, [], [$"oec-cloudfw hetzner close --firewall {Quote(firewall.Name)} --port {rule.Port}{string.Concat(broad.Select(s => $" --source {s}"))}{force}"])
                    {
                        Resource = firewall.Name,
                        Removes = HetznerRules.Describe(firewall, rule),
                    });
                }

                continue;
            }

            var rest = (rule.SourceIps ?? []).Where(s => !IsBroad(s)).ToList();
            fixes.Add(new Fix(kind, "cloud", port, [], rest.Count > 0 ? [Delete(firewall, rule), Add(firewall, rule with { SourceIps = rest })] : [Delete(firewall, rule)])
            {
                Resource = firewall.Name,
                Removes = HetznerRules.Describe(firewall, rule),
            });
        }

        return fixes;
    }

    /// <summary>An outbound need: the provider's block needs an unblock request; a firewall's outbound rules need an outbound rule.</summary>
    public static IReadOnlyList<Fix> Egress(HetznerSnapshot read, int port, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(destination);
        var fixes = new List<Fix>();
        if (port is 25 or 465 && !read.SmtpUnblocked)
        {
            fixes.Add(new Fix(FixKind.CloudEgress, "cloud", port, [destination], [$"request an unblock of outbound port {Invariant(port)} from Hetzner (Cloud Console: the project's Limits page, or a support request, once the account has paid its first invoice); then pass --smtp-unblocked true"]) { Resource = "hetzner (provider block)" });
        }

        var outbound = read.Firewalls.Where(f => f.Firewall.Rules.Any(r => r.Direction == "out")).ToList();
        foreach (var f in outbound)
        {
            var rule = new HcloudRule("out", "tcp", Invariant(port), [], [destination.ToString()], $"{HetznerRules.Marker} allow out tcp/{Invariant(port)} to {destination}");
            fixes.Add(new Fix(FixKind.CloudEgress, "cloud", port, [destination], [Add(f.Firewall, rule)]) { Resource = f.Firewall.Name });
            break;
        }

        return fixes;
    }

    /// <summary>The hcloud command that deletes exactly this rule.</summary>
    public static string Delete(HcloudFirewall firewall, HcloudRule rule) => $"hcloud firewall delete-rule {Quote(firewall.Name)}{Flags(rule)}";

    /// <summary>The hcloud command that adds exactly this rule.</summary>
    public static string Add(HcloudFirewall firewall, HcloudRule rule) => $"hcloud firewall add-rule {Quote(firewall.Name)}{Flags(rule)}";

    private static string Flags(HcloudRule rule)
    {
        var peers = rule.Direction == "in" ? $" --source-ips {string.Join(',', rule.SourceIps ?? [])}" : $" --destination-ips {string.Join(',', rule.DestinationIps ?? [])}";
        var port = rule.Port is null ? string.Empty : $" --port {rule.Port}";
        var description = string.IsNullOrEmpty(rule.Description) ? string.Empty : $" --description {Quote(rule.Description)}";
        return $" --direction {rule.Direction} --protocol {rule.Protocol}{port}{peers}{description}";
    }

    private static bool Admits(HcloudRule rule, int port) =>
        rule.Direction == "in" && rule.Protocol == "tcp" && HetznerRules.TryPorts(rule.Port, out var range) && range.Contains(port) && (rule.SourceIps ?? []).Any(IsBroad);

    /// <summary>A source that stands for the internet: the whole of it, or a public prefix of /8 (IPv6 /16) or wider (several of them tile it).</summary>
    private static bool IsBroad(string cidr) =>
        Cidr.TryParse(cidr, out var c) && !c.IsPrivate && c.PrefixLength <= (c.Family == IpFamily.IPv4 ? 8 : 16);

    private static string SourceFlags(int port, IReadOnlyList<Cidr> sources)
    {
        if (sources.Count == 0 || sources.Any(s => s.IsInternet))
        {
            return string.Empty;
        }

        var flag = port == PortCatalog.Ssh ? "--ssh-source" : "--source";
        return string.Concat(sources.Select(s => $" {flag} {s}"));
    }

    /// <summary>A shell word: as is when it is plain, else single-quoted.</summary>
    public static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or ',' or '=')
            ? text
            : $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
