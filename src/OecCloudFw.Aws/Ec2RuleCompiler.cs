using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Aws;

/// <summary>
/// EC2's rules as the one engine's chain rules, from the fields EC2 returns: the protocol by name or number (-1 is
/// every protocol; icmp is IPv4's, icmpv6 IPv6's; any other number matches no TCP, UDP or ICMP packet), the port range
/// (TCP/UDP) or ICMP type and code, and the remote end: a CIDR, a prefix list's entries (unknown when it could not be
/// read), or another group's members (perhaps a private address, never a public one: their addresses are not read).
/// </summary>
internal static class Ec2RuleCompiler
{
    /// <summary>The matches for a protocol and its ports (TCP/UDP: from-to; ICMP: type and code, -1 = any).</summary>
    public static List<RuleMatch> ProtocolAndPorts(string? protocol, int? from, int? to)
    {
        var text = (protocol ?? "-1").Trim().ToLowerInvariant();
        var matches = new List<RuleMatch>();
        switch (text)
        {
            case "-1" or "all":
                break;
            case "tcp" or "6" or "udp" or "17":
                matches.Add(new ProtocolMatch([text], false));
                if (from is { } f && f >= 0 && to is { } t && !(f <= PortRange.MinPort && t >= PortRange.MaxPort))
                {
                    matches.Add(f > t || t < PortRange.MinPort || f > PortRange.MaxPort
                        ? FixedMatch.No
                        : new PortMatch([new PortRange(Math.Max(f, PortRange.MinPort), Math.Min(t, PortRange.MaxPort))], false));
                }

                break;
            case "icmp" or "1" or "icmpv6" or "58":
                matches.Add(new ProtocolMatch([text], false));
                if (from is { } type && type >= 0)
                {
                    matches.Add(new IcmpTypeMatch(type));
                }

                // The evaluated ICMP packet is an echo request or reply, code 0.
                if (to is { } code && code > 0)
                {
                    matches.Add(FixedMatch.No);
                }

                break;
            default:
                matches.Add(new ProtocolMatch([text], false));
                break;
        }

        return matches;
    }

    /// <summary>The protocol and ports as evidence shows them: tcp/22, udp/1000-2000, icmp type 8, all.</summary>
    public static string Describe(string? protocol, int? from, int? to)
    {
        var text = (protocol ?? "-1").Trim().ToLowerInvariant();
        var name = ProtocolNames.TryParse(text, out var known) && known != Protocol.Icmp ? known.Value.ToName() : text switch
        {
            "1" => "icmp",
            "58" => "icmpv6",
            _ => text,
        };
        return name switch
        {
            "all" => "all",
            "tcp" or "udp" => $"{name}/{(from is { } f && f >= 0 && to is { } t && !(f <= PortRange.MinPort && t >= PortRange.MaxPort) ? (f == t ? Invariant(f) : $"{Invariant(f)}-{Invariant(t)}") : "all")}",
            "icmp" or "icmpv6" => from is { } type && type >= 0 ? $"{name} type {Invariant(type)}" : name,
            _ => $"protocol {name}",
        };
    }

    /// <summary>A security group rule (ingress or egress) from DescribeSecurityGroupRules; null when its remote end is none EC2 defines.</summary>
    public static CompiledRule? Rule(Amazon.EC2.Model.SecurityGroupRule rule, SecurityGroupId group, Func<string, IReadOnlyList<Cidr>?> prefixList, Func<string, string> unreadWhy)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var egress = rule.IsEgress == true;
        SourceMatch remote;
        string peer;
        if ((rule.CidrIpv4 ?? rule.CidrIpv6) is { } cidrText)
        {
            if (!Cidr.TryParse(cidrText, out var cidr))
            {
                return null;
            }

            remote = SourceMatch.Of([cidr], false);
            peer = cidr.ToString();
        }
        else if (rule.ReferencedGroupInfo?.GroupId is { } referenced)
        {
            remote = SourceMatch.Partly([], Cidr.Private, $"whether the address is a member of {referenced} is not known (the group's members' private addresses are not read)");
            peer = $"members of {referenced}";
        }
        else if (rule.PrefixListId is { } listId)
        {
            remote = prefixList(listId) is { } entries
                ? SourceMatch.Of(entries, false)
                : SourceMatch.Unreadable($"prefix list {listId} could not be read ({unreadWhy(listId)}): whether it holds the address is not known", false);
            peer = $"prefix list {listId}";
        }
        else
        {
            return null;
        }

        var matches = ProtocolAndPorts(rule.IpProtocol, rule.FromPort, rule.ToPort);
        matches.Add(remote);
        var text = $"{group}/{rule.SecurityGroupRuleId}: allow {Describe(rule.IpProtocol, rule.FromPort, rule.ToPort)} {(egress ? "to" : "from")} {peer}";
        return new CompiledRule(rule.SecurityGroupRuleId ?? string.Empty, new ChainRule { Matches = matches, Target = ChainTarget.Accept, Text = text });
    }

    /// <summary>A rule in Core terms (a planned one: the tool's own, a CIDR source).</summary>
    public static CompiledRule Rule(Rule rule, SecurityGroupId group)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var protocol = rule.Protocol switch
        {
            Protocol.Tcp => "tcp",
            Protocol.Udp => "udp",
            Protocol.Icmp => rule.Source.Family == IpFamily.IPv4 ? "icmp" : "icmpv6",
            _ => "-1",
        };
        var matches = ProtocolAndPorts(protocol, rule.Ports.IsAll ? -1 : rule.Ports.From, rule.Ports.IsAll ? -1 : rule.Ports.To);
        matches.Add(SourceMatch.Of([rule.Source], false));
        return new CompiledRule(rule.Id ?? string.Empty, new ChainRule { Matches = matches, Target = ChainTarget.Accept, Text = $"{group}/{rule.Id}: {rule}" });
    }

    /// <summary>A network ACL entry, in its ACL's chain of its direction.</summary>
    public static ChainRule Entry(NetworkAclEntry entry, string aclId, string subnetId)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var matches = entry.RawProtocol is { } raw
            ? ProtocolAndPorts(raw, entry.RawFrom, entry.RawTo)
            : ProtocolAndPorts(
                entry.Protocol switch
                {
                    Protocol.Tcp => "6",
                    Protocol.Udp => "17",
                    Protocol.Icmp => entry.Peer.Family == IpFamily.IPv4 ? "1" : "58",
                    Protocol.All => "-1",
                    _ => "other",
                },
                entry.Ports.IsAll ? -1 : entry.Ports.From,
                entry.Ports.IsAll ? -1 : entry.Ports.To);
        matches.Add(SourceMatch.Of([entry.Peer], false));
        return new ChainRule { Matches = matches, Target = entry.Allow ? ChainTarget.Accept : ChainTarget.Drop, Text = $"network ACL {aclId} ({subnetId}): {entry}" };
    }

    /// <summary>The closing rule of a chain: what nothing else matched.</summary>
    public static ChainRule Otherwise(bool admit, string text) => new() { Target = admit ? ChainTarget.Accept : ChainTarget.Drop, Text = text };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
