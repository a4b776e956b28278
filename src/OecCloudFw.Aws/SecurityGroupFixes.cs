using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Aws;

/// <summary>
/// The exact commands that fix a security-group finding, in an order that never cuts a wanted port: for the group
/// that holds the rule, in its region; the tool's own rules through its own verbs, anyone else's by rule id.
/// </summary>
internal static class SecurityGroupFixes
{
    private const string ManagementPlaceholder = "<management-ip>/32";

    /// <summary>What the audit's fix of this kind is for the groups (and network ACLs) of <paramref name="view"/>: exact commands for the group or ACL that holds the rule, in its region.</summary>
    public static IReadOnlyList<Fix> For(SecurityGroupsView view, string region, FixKind kind, int port, IReadOnlyList<Cidr> sources)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(sources);
        return kind switch
        {
            FixKind.CloudClose => RemoveInternet(view.Groups, region, port, [], restrict: false),
            FixKind.CloudRestrict => RemoveInternet(view.Groups, region, port, sources, restrict: true),
            FixKind.CloudEgress => Egress(view, region, port, sources[0]),
            _ => Open(view, region, port, sources, kind),
        };
    }

    /// <summary>
    /// A port the policy wants that the cloud does not admit from its sources: add it where the tool keeps its rules;
    /// where the groups admit it and a subnet's network ACL refuses it (or its replies), the ACL entries that fix it.
    /// </summary>
    public static IReadOnlyList<Fix> Open(SecurityGroupsView view, string region, int port, IReadOnlyList<Cidr> sources, FixKind kind = FixKind.CloudOpen)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(sources);
        var groups = view.Groups;
        var fixes = new List<(string, string?, string?)>();
        // As the audit judges a port: from its IPv4 sources when it has any (IPv6 rules are the policy's --ipv6 choice).
        sources = sources.Any(s => s.Family == IpFamily.IPv4) ? sources.Where(s => s.Family == IpFamily.IPv4).ToList() : sources;
        var groupsOnly = new SecurityGroupsView(groups);
        if (sources.Any(s => groupsOnly.Evaluate(Protocol.Tcp, port, s).Refused))
        {
            var group = groups.FirstOrDefault(g => g.Rules.Any(r => r.Origin == RuleOrigin.Tool)) ?? (groups.Count > 0 ? groups[0] : null);
            if (group is not null)
            {
                fixes.Add(($"oec-cloudfw aws open --group {group.GroupId} --port {port}{SourceFlags(port, sources)} --region {region}", group.GroupId.ToString(), null));
            }
        }

        foreach (var acl in view.NetworkAcls)
        {
            var alone = new SecurityGroupsView([], [acl]);
            foreach (var source in sources.Where(s => alone.Evaluate(Protocol.Tcp, port, s).Refused))
            {
                fixes.AddRange(AclEntries(acl, region, egress: false, PortRange.Single(port), source).Select(c => (c, (string?)acl.AclId, (string?)null)));
                fixes.AddRange(AclEntries(acl, region, egress: true, PathSet.ClientPorts, source).Select(c => (c, (string?)acl.AclId, (string?)null)));
            }
        }

        return Fix.Each(kind, port, sources, fixes.Distinct());
    }

    /// <summary>An outbound need the cloud blocks: an egress rule on the first group, and the ACL entries both ways.</summary>
    public static IReadOnlyList<Fix> Egress(SecurityGroupsView view, string region, int port, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(destination);
        var fixes = new List<(string, string?, string?)>();
        if (new SecurityGroupsView(view.Groups).EvaluateEgress(Protocol.Tcp, port, destination).Refused && view.Groups.Count > 0)
        {
            var range = destination.Family == IpFamily.IPv4 ? $"IpRanges=[{{CidrIp={destination}}}]" : $"Ipv6Ranges=[{{CidrIpv6={destination}}}]";
            fixes.Add(($"aws ec2 authorize-security-group-egress --group-id {view.Groups[0].GroupId} --ip-permissions IpProtocol=tcp,FromPort={port},ToPort={port},{range} --region {region}", view.Groups[0].GroupId.ToString(), null));
        }

        foreach (var acl in view.NetworkAcls.Where(a => new SecurityGroupsView([], [a]).EvaluateEgress(Protocol.Tcp, port, destination).Refused))
        {
            fixes.AddRange(AclEntries(acl, region, egress: true, PortRange.Single(port), destination).Select(c => (c, (string?)acl.AclId, (string?)null)));
            fixes.AddRange(AclEntries(acl, region, egress: false, PathSet.ServerEphemeralPorts, destination).Select(c => (c, (string?)acl.AclId, (string?)null)));
        }

        return Fix.Each(FixKind.CloudEgress, port, [destination], fixes.Distinct());
    }

    /// <summary>An allow entry ahead of whatever denies these packets now, at the highest free rule number below it.</summary>
    private static IEnumerable<string> AclEntries(NetworkAclSnapshot acl, string region, bool egress, PortRange ports, Cidr peer)
    {
        var decision = acl.Decide(egress, Protocol.Tcp, ports, peer);
        if (decision != Core.Rules.Decision.Refused)
        {
            yield break;
        }

        var entries = acl.Entries.Where(e => e.Egress == egress).ToList();
        var firstDeny = entries.Where(e => !e.Allow && !e.NoPort && e.Peer.Family == peer.Family && e.Peer.Contains(peer) && e.Ports.Overlaps(ports) && (e.Protocol is null || e.Protocol.Value.Covers(Protocol.Tcp)))
            .Select(e => e.RuleNumber).DefaultIfEmpty(32767).Min();
        var used = entries.Select(e => e.RuleNumber).ToHashSet();
        var number = Enumerable.Range(1, Math.Max(0, firstDeny - 1)).Reverse().FirstOrDefault(n => !used.Contains(n));
        var cidr = peer.Family == IpFamily.IPv4 ? $"--cidr-block {peer}" : $"--ipv6-cidr-block {peer}";
        yield return number == 0
            ? $"renumber network ACL {acl.AclId}: no free rule number below {firstDeny} for an allow of tcp/{ports} {(egress ? "to" : "from")} {peer}"
            : $"aws ec2 create-network-acl-entry --network-acl-id {acl.AclId} {(egress ? "--egress" : "--ingress")} --rule-number {number} --protocol 6 --port-range From={ports.From},To={ports.To} {cidr} --rule-action allow --region {region}";
    }

    /// <summary>
    /// A port admitted from the internet that should be restricted to <paramref name="keep"/> (SSH: the management
    /// sources) or, with no sources, closed. The narrow rule is added before any broad one goes.
    /// </summary>
    public static IReadOnlyList<Fix> RemoveInternet(IReadOnlyList<SecurityGroupSnapshot> groups, string region, int port, IReadOnlyList<Cidr> keep, bool restrict)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(keep);
        var fixes = new List<Fix>();
        foreach (var group in groups)
        {
            // Every rule that admits the port from the internet: one from 0.0.0.0/0, or wide public prefixes that together
            // cover it (a /8 or wider; a management host's /32 is not one of them).
            foreach (var rule in group.Rules.Where(r => r.Protocol.Covers(Protocol.Tcp) && r.Ports.Contains(port) && !r.Source.IsPrivate &&
                                                        r.Source.PrefixLength <= (r.Source.Family == IpFamily.IPv4 ? 8 : 16)))
            {
                var commands = ForRule(group.GroupId, region, rule, restrict ? port : null, keep);
                if (commands.Count > 0 && !fixes.Any(f => f.Commands.SequenceEqual(commands)))
                {
                    fixes.Add(new Fix(restrict ? FixKind.CloudRestrict : FixKind.CloudClose, "cloud", port, restrict ? [.. keep.Where(s => !s.IsInternet)] : [], commands)
                    {
                        Resource = group.GroupId.ToString(),
                        Removes = rule.Id,
                    });
                }
            }
        }

        return fixes;
    }

    /// <summary>Taking one internet-open rule away (every port: <c>aws show</c>'s finding), as a fix.</summary>
    public static Fix RemoveRule(SecurityGroupId group, string region, Rule rule) =>
        new(FixKind.CloudClose, "cloud", 0, [], ForRule(group, region, rule, null, [])) { Resource = group.ToString(), Removes = rule.Id };

    /// <summary>The commands that take one internet-open rule away; <paramref name="restrictPort"/> keeps that port for <paramref name="keep"/> first.</summary>
    public static IReadOnlyList<string> ForRule(SecurityGroupId group, string region, Rule rule, int? restrictPort, IReadOnlyList<Cidr> keep)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(keep);
        var fixes = new List<string>();
        var revoke = $"aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {rule.Id} --region {region}";
        var viaList = rule.Description?.StartsWith("via prefix list", StringComparison.Ordinal) == true;
        if (restrictPort is { } port)
        {
            var sources = keep.Where(s => !s.IsInternet).ToList();
            var flags = sources.Count > 0 ? SourceFlags(port, sources) : $" {(port == PortCatalog.Ssh ? "--ssh-source" : "--source")} {ManagementPlaceholder}";
            // The tool's own broad rule goes with --prune in the same run; anyone else's after the narrow rule exists.
            fixes.Add($"oec-cloudfw aws open --group {group} --port {port}{flags}{(rule.Origin == RuleOrigin.Tool ? " --prune" : string.Empty)} --region {region}");
            if (rule.Origin != RuleOrigin.Tool)
            {
                fixes.Add(viaList ? $"{revoke} (the rule that references {rule.Description![4..]}; or remove {rule.Source} from the list)" : revoke);
            }

            return fixes;
        }

        if (rule.Ports.IsAll || rule.Protocol == Protocol.All)
        {
            // Re-add the guide's ports as exact rules first: the broad rule may be what admits 22, 80 and 443 today.
            fixes.Add($"oec-cloudfw aws open --group {group} --region {region}");
        }

        fixes.Add(rule.Origin == RuleOrigin.Tool
            ? $"oec-cloudfw aws close --group {group} --port {rule.Ports} --source {rule.Source}{(rule.Ports.Contains(PortCatalog.Ssh) ? " --force" : string.Empty)} --region {region}"
            : viaList ? $"{revoke} (the rule that references {rule.Description![4..]}; or remove {rule.Source} from the list)" : revoke);
        return fixes;
    }

    private static string SourceFlags(int port, IReadOnlyList<Cidr> sources)
    {
        if (sources.Count == 0 || sources.Any(s => s.IsInternet))
        {
            return port is PortCatalog.PostgreSql or 6432 or 6433 ? " --source anywhere" : string.Empty;
        }

        var flag = port == PortCatalog.Ssh ? "--ssh-source" : "--source";
        return string.Concat(sources.Select(s => string.Create(CultureInfo.InvariantCulture, $" {flag} {s}")));
    }
}
