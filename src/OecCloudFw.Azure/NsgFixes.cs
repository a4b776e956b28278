using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Azure;

/// <summary>The exact commands that fix a finding in an Azure NSG layer: the tool's own verbs where they do it, else <c>az</c>.</summary>
internal static class NsgFixes
{
    /// <summary>What the audit's fix of this kind is for the NSG (or the VM's NSGs) named by <paramref name="target"/>, as read in <paramref name="network"/>.</summary>
    public static IReadOnlyList<Fix> For(NsgTarget target, VmNetwork? network, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var which = target.Vm is not null ? $"--vm {target.Vm}" : $"--nsg {target.Nsg}";
        var named = sources.Any(s => !s.IsInternet);
        if (kind == FixKind.CloudClose && network is not null && Close(target, network, port) is { Count: > 0 } exact)
        {
            return exact;
        }

        IReadOnlyList<string> commands = kind switch
        {
            FixKind.CloudEgress =>
                [$"az network nsg rule create -g {target.ResourceGroup} --nsg-name {target.Nsg ?? "<the NIC's NSG>"} -n oecfw-out-tcp-{port} --priority <a free priority above the deny> --direction Outbound --access Allow --protocol Tcp --destination-address-prefixes {(sources[0].IsInternet ? "Internet" : sources[0].ToString())} --destination-port-ranges {port}"],
            FixKind.CloudClose => [$"oec-cloudfw azure close -g {target.ResourceGroup} {which} --port {port}"],
            FixKind.CloudRestrict =>
                [$"oec-cloudfw azure open -g {target.ResourceGroup} {which} --port {port}{SourceFlags(port, named ? sources : [])}{(named ? string.Empty : " --ssh-source <management-ip>/32")} --prune"],
            _ => [$"oec-cloudfw azure open -g {target.ResourceGroup} {which} --port {port}{SourceFlags(port, sources)}"],
        };
        return [new Fix(kind, "cloud", port, [.. sources.Where(s => !s.IsInternet)], commands) { Resource = target.Nsg ?? target.Vm }];
    }

    /// <summary>
    /// The rules that admit the port from the internet, where they decide: the NIC's NSG first (a subnet's rules serve
    /// every VM in it). The tool's own are closed by the tool; anyone else's are deleted with az, and one that admits
    /// more than this port is deleted only after the tool has given the guide's ports their own rule.
    /// </summary>
    private static List<Fix> Close(NsgTarget target, VmNetwork network, int port)
    {
        var fixes = new List<Fix>();
        var (paths, chains) = NsgPaths.Compile(network);
        var admitting = new[] { IpFamily.IPv4, IpFamily.IPv6 }.SelectMany(f => NsgExposure.Admitting(paths, chains, Protocol.Tcp, port, f, reach: false)).ToList();
        var nicTier = admitting.Where(a => !a.Chain.Label.StartsWith("subnet", StringComparison.Ordinal)).ToList();
        foreach (var group in (nicTier.Count > 0 ? nicTier : admitting).GroupBy(a => a.Chain.Nsg.Name, StringComparer.Ordinal))
        {
            var rules = group.Select(a => a.Rule).DistinctBy(r => r.Name).ToList();
            if (rules.Any(r => !r.IsOwn && !r.PortRanges.SequenceEqual([port.ToString(CultureInfo.InvariantCulture)])))
            {
                fixes.Add(new Fix(FixKind.CloudClose, "cloud", port, [], [$"oec-cloudfw azure open -g {target.ResourceGroup} --nsg {group.Key}"]) { Resource = group.Key });
            }

            foreach (var rule in rules)
            {
                fixes.Add(new Fix(FixKind.CloudClose, "cloud", port, [], [rule.IsOwn
                    ? $"oec-cloudfw azure close -g {target.ResourceGroup} --nsg {group.Key} --port {port}{(port == PortCatalog.Ssh ? " --force" : string.Empty)}"
                    : $"az network nsg rule delete -g {target.ResourceGroup} --nsg-name {group.Key} -n {rule.Name}"])
                {
                    Resource = group.Key,
                    Removes = rule.Name,
                });
            }
        }

        return [.. fixes.DistinctBy(f => string.Join('\n', f.Commands))];
    }

    /// <summary>What fixes one rule <c>azure show</c> flags: SSH narrowed to a management source first, then the rule closed (the tool's) or deleted (anyone else's, with az).</summary>
    public static IReadOnlyList<Fix> ForRule(NsgTarget target, string nsg, Rule rule, CatalogPort? port)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(rule);
        var name = rule.Id?.Split(' ')[0] ?? "?";
        var fixes = new List<string>();
        if (port?.Port == PortCatalog.Ssh)
        {
            fixes.Add($"oec-cloudfw azure open -g {target.ResourceGroup} --nsg {nsg} --port 22 --ssh-source <management-ip>/32");
        }

        fixes.Add(rule.Origin == RuleOrigin.Tool
            ? $"oec-cloudfw azure close -g {target.ResourceGroup} --nsg {nsg} --port {rule.Ports}{(port?.Port == PortCatalog.Ssh ? " --force" : string.Empty)}"
            : $"az network nsg rule delete -g {target.ResourceGroup} --nsg-name {nsg} -n {name}");
        return [new Fix(port?.Port == PortCatalog.Ssh ? FixKind.CloudRestrict : FixKind.CloudClose, "cloud", port?.Port ?? 0, [], fixes) { Resource = nsg, Removes = name }];
    }

    /// <summary>The policy's sources as the verbs take them (--ssh-source for SSH, --source otherwise); none for the internet.</summary>
    private static string SourceFlags(int port, IReadOnlyList<Cidr> sources) =>
        sources.Count == 0 || sources.Any(s => s.IsInternet) ? string.Empty
        : string.Concat(sources.Select(s => $" {(port == PortCatalog.Ssh ? "--ssh-source" : "--source")} {s}"));
}
