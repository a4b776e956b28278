// The AWS brute-force oracle: written from the providers' documentation only (no product code read).
//
// Pages used (AWS documentation):
//  - Network ACL rules (first match by ascending rule number, the '*' rule, protocol numbers, port ranges, CIDRs):
//      https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
//      https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html   (the 100/110/120/130/140/* example)
//      https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html  (100 / 101 allow, '*' deny, both families)
//      http://docs.amazonwebservices.com/AmazonVPC/latest/UserGuide/VPC_ACLs.html (one ACL per subnet; stateless)
//  - Ephemeral ports (replies leave through the outbound rules to the client's port; clients use 1024-65535):
//      https://docs.amazonaws.cn/vpc/latest/userguide/nacl-ephemeral-ports.html
//  - NetworkAclEntry (Protocol "-1" = all, CidrBlock / Ipv6CidrBlock, PortRange, IcmpTypeCode type -1 = all):
//      https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAclEntry.html
//      https://boto3.amazonaws.com/v1/documentation/api/1.34.7/reference/services/ec2/networkacl/entries.html
//  - Security group rules (allow only, rules of all groups aggregated, the most permissive wins, stateful):
//      https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
//  - Security group rule fields (CidrIpv4 / CidrIpv6 / PrefixListId / ReferencedGroupId; FromPort = ICMP type or -1;
//    protocol by name or number; -1 = all):
//      https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html
//      https://boto3.amazonaws.com/v1/documentation/api/1.37.0/reference/services/ec2/securitygroup/ip_permissions.html
//  - A referenced group admits the private addresses of its members, never public or Elastic IPs:
//      https://runebook.dev/en/aws/ec2/ReferencedSecurityGroup (summarising the EC2 user guide)
//  - Instance interfaces (Association.PublicIp = public or Elastic IP, IpOwnerId = owner of the Elastic IP):
//      https://docs.aws.amazon.com/goto/WebAPI/ec2-2016-11-15/InstanceNetworkInterfaceAssociation
//      https://boto3.amazonaws.com/v1/documentation/api/1.26.81/reference/services/ec2/instance/network_interfaces_attribute.html
using System.Globalization;
using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>
/// Brute-force evaluation of "is a NEW inbound packet from S admitted to the instance?" over every assignment of the
/// unknown memberships (referenced security groups for private S, unreadable prefix lists for every S).
/// </summary>
public static class AwsOracle
{
    private const int FirstClientPort = 1024;
    private const int LastClientPort = 65535;

    /// <summary>One answer: compiles the case for the query and looks <paramref name="source"/> up.</summary>
    public static OracleDecision Evaluate(AwsWireInput input, string protocol, int port, IPAddress source) =>
        Compile(input, protocol, port, IpBlock.IsV6(source))(source);

    /// <summary>
    /// Compiles the case for one (protocol, port, family) query; the function answers per source address of that
    /// family. <paramref name="protocol"/>: "tcp", "udp" (to destination <paramref name="port"/>) or "icmp" (an echo
    /// request, type 8 / ICMPv6 type 128; <paramref name="port"/> is ignored).
    /// </summary>
    public static Func<IPAddress, OracleDecision> Compile(AwsWireInput input, string protocol, int port, bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(input);
        var packet = new Packet(protocol switch
        {
            "tcp" => 6,
            "udp" => 17,
            "icmp" => ipv6 ? 58 : 1,
            _ => throw new ArgumentException($"protocol must be tcp, udp or icmp: '{protocol}'", nameof(protocol)),
        }, port, ipv6);
        if (packet.IsPorted && (port < 0 || port > 65535))
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "a tcp/udp port is 0-65535");
        }

        var unknowns = new List<string>();
        var prefixLists = new Dictionary<string, IpBlock[]?>(StringComparer.Ordinal);
        foreach (var (id, cidrs) in input.PrefixLists)
        {
            prefixLists[id] = cidrs?.Select(IpBlock.Parse).ToArray();
        }

        var interfaces = (input.Instance.NetworkInterfaces ?? [])
            .Select(eni => CompileInterface(input, eni, packet, prefixLists, unknowns))
            .ToArray();
        if (unknowns.Count > 20)
        {
            throw new InvalidOperationException($"{unknowns.Count} unknowns: too many to enumerate");
        }

        return source =>
        {
            ArgumentNullException.ThrowIfNull(source);
            if (IpBlock.IsV6(source) != ipv6)
            {
                throw new ArgumentException($"{source} is not of the query's family", nameof(source));
            }

            return Decide(interfaces, unknowns.Count, ipv6, IpBlock.ToNumber(source));
        };
    }

    private static OracleDecision Decide(CompiledInterface[] interfaces, int unknownCount, bool v6, UInt128 s)
    {
        var isPrivate = IpBlock.IsPrivate(v6, s);
        var fixedParts = new Tri[interfaces.Length];
        var definiteSg = new bool[interfaces.Length];
        var masks = new long[interfaces.Length];
        for (var i = 0; i < interfaces.Length; i++)
        {
            var eni = interfaces[i];
            fixedParts[i] = eni.FixedPart(v6, s, isPrivate);
            (definiteSg[i], masks[i]) = eni.SecurityGroups(v6, s, isPrivate);
        }

        OracleDecision? answer = null;
        for (long assignment = 0; assignment < 1L << unknownCount; assignment++)
        {
            var anyAdmitted = false;
            var allRefused = true;
            for (var i = 0; i < interfaces.Length; i++)
            {
                var sg = definiteSg[i] || (assignment & masks[i]) != 0;
                var eniAnswer = !sg ? Tri.No : fixedParts[i];
                anyAdmitted |= eniAnswer == Tri.Yes;
                allRefused &= eniAnswer == Tri.No;
            }

            var instance = anyAdmitted ? OracleDecision.Admitted
                : allRefused ? OracleDecision.Refused
                : OracleDecision.Indeterminate;
            if (answer is null)
            {
                answer = instance;
            }
            else if (answer != instance)
            {
                return OracleDecision.Indeterminate;
            }
        }

        return answer ?? OracleDecision.Refused;
    }

    private static CompiledInterface CompileInterface(
        AwsWireInput input, InstanceNetworkInterface eni, Packet packet,
        Dictionary<string, IpBlock[]?> prefixLists, List<string> unknowns)
    {
        // 1. Reachability: a public address of the family. IPv4: the interface's public or Elastic IP (the instance's
        //    PublicIpAddress is the device-0 interface's). IPv6: any IPv6 address of the interface.
        var hasPublicV4 = !string.IsNullOrEmpty(eni.Association?.PublicIp)
            || (eni.Attachment?.DeviceIndex == 0 && !string.IsNullOrEmpty(input.Instance.PublicIpAddress));
        var hasV6 = eni.Ipv6Addresses?.Any(a => !string.IsNullOrEmpty(a.Ipv6Address)) ?? false;

        // 2 + 3. The subnet's network ACL.
        var acl = input.Acls.SingleOrDefault(a => a.Associations?.Any(s => s.SubnetId == eni.SubnetId) ?? false)
            ?? throw new InvalidOperationException($"no network ACL is associated with {eni.SubnetId}");
        var entries = acl.Entries ?? [];
        var inbound = entries
            .Where(e => e.Egress != true && AclEntryMatchesPacket(e, packet.Protocol, packet.V6, packet.RequestIcmpType, packet.Port))
            .OrderBy(e => e.RuleNumber ?? int.MaxValue)
            .Select(e => new AclLine(AclBlock(e), 0, 65535, IsAllow(e)))
            .ToArray();
        var outbound = entries
            .Where(e => e.Egress == true && AclEntryMatchesReplyProtocol(e, packet))
            .OrderBy(e => e.RuleNumber ?? int.MaxValue)
            .Select(e => packet.IsPorted && Ported(e)
                ? new AclLine(AclBlock(e), e.PortRange?.From ?? 0, e.PortRange?.To ?? 65535, IsAllow(e))
                : new AclLine(AclBlock(e), 0, 65535, IsAllow(e)))
            .ToArray();

        // 4. Security groups: the inbound rules of the interface's groups that match protocol and port.
        var groups = new HashSet<string>((eni.Groups ?? []).Select(g => g.GroupId), StringComparer.Ordinal);
        var sources = new List<SgSource>();
        foreach (var rule in input.Rules)
        {
            if (rule.IsEgress == true || !groups.Contains(rule.GroupId) || !SgRuleMatchesPacket(rule, packet))
            {
                continue;
            }

            if (!string.IsNullOrEmpty(rule.CidrIpv4))
            {
                sources.Add(new SgSource([IpBlock.Parse(rule.CidrIpv4)], -1, false));
            }
            else if (!string.IsNullOrEmpty(rule.CidrIpv6))
            {
                sources.Add(new SgSource([IpBlock.Parse(rule.CidrIpv6)], -1, false));
            }
            else if (!string.IsNullOrEmpty(rule.ReferencedGroupInfo?.GroupId))
            {
                sources.Add(new SgSource(null, UnknownIndex(unknowns, "sg:" + rule.ReferencedGroupInfo.GroupId), true));
            }
            else if (!string.IsNullOrEmpty(rule.PrefixListId))
            {
                if (prefixLists.TryGetValue(rule.PrefixListId, out var blocks) && blocks is not null)
                {
                    sources.Add(new SgSource(blocks, -1, false));
                }
                else
                {
                    sources.Add(new SgSource(null, UnknownIndex(unknowns, "pl:" + rule.PrefixListId), false));
                }
            }
        }

        return new CompiledInterface(hasPublicV4, hasV6, inbound, outbound, packet.IsPorted, [.. sources]);
    }

    private static int UnknownIndex(List<string> unknowns, string key)
    {
        var index = unknowns.IndexOf(key);
        if (index >= 0)
        {
            return index;
        }

        unknowns.Add(key);
        return unknowns.Count - 1;
    }

    private static bool IsAllow(NetworkAclEntry e) =>
        string.Equals(e.RuleAction?.Value, "allow", StringComparison.OrdinalIgnoreCase);

    private static IpBlock? AclBlock(NetworkAclEntry e) =>
        !string.IsNullOrEmpty(e.CidrBlock) ? IpBlock.Parse(e.CidrBlock)
        : !string.IsNullOrEmpty(e.Ipv6CidrBlock) ? IpBlock.Parse(e.Ipv6CidrBlock)
        : null;

    /// <summary>An ACL protocol as a number: "-1" = all (-1); names are accepted too; null = unknown text.</summary>
    private static int? ProtocolNumber(string? text) => text?.ToLowerInvariant() switch
    {
        "-1" or "all" => -1,
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "icmpv6" => 58,
        null => null,
        var t => int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null,
    };

    private static bool Ported(NetworkAclEntry e) => ProtocolNumber(e.Protocol) is 6 or 17;

    /// <summary>Protocol (-1 all; 6; 17; 1 only for IPv4; 58 only for IPv6), port range, ICMP type.</summary>
    private static bool AclEntryMatchesPacket(NetworkAclEntry e, int protocol, bool v6, int icmpType, int port)
    {
        var number = ProtocolNumber(e.Protocol);
        if (number == -1)
        {
            return true;
        }

        if (number != protocol)
        {
            return false;
        }

        return protocol switch
        {
            6 or 17 => e.PortRange is null || ((e.PortRange.From ?? 0) <= port && port <= (e.PortRange.To ?? 65535)),
            1 => !v6 && IcmpTypeMatches(e.IcmpTypeCode, icmpType),
            58 => v6 && IcmpTypeMatches(e.IcmpTypeCode, icmpType),
            _ => false,
        };
    }

    private static bool IcmpTypeMatches(IcmpTypeCode? code, int type) =>
        code?.Type is null or -1 || (code.Type == type && code.Code is null or -1 or 0);

    /// <summary>The reply: same protocol; for ICMP the echo reply's type; the client port is checked per address.</summary>
    private static bool AclEntryMatchesReplyProtocol(NetworkAclEntry e, Packet packet)
    {
        var number = ProtocolNumber(e.Protocol);
        if (number == -1)
        {
            return true;
        }

        if (number != packet.Protocol)
        {
            return false;
        }

        return packet.Protocol switch
        {
            6 or 17 => true,
            1 => !packet.V6 && IcmpTypeMatches(e.IcmpTypeCode, 0),
            58 => packet.V6 && IcmpTypeMatches(e.IcmpTypeCode, 129),
            _ => false,
        };
    }

    private static bool SgRuleMatchesPacket(SecurityGroupRule rule, Packet packet)
    {
        var number = ProtocolNumber(rule.IpProtocol);
        if (number == -1)
        {
            return true;
        }

        if (number != packet.Protocol)
        {
            return false;
        }

        switch (packet.Protocol)
        {
            case 6 or 17:
                return (rule.FromPort ?? 0) <= packet.Port && packet.Port <= (rule.ToPort ?? 65535);
            case 1 or 58:
                // FromPort = ICMP type (-1 = all types), ToPort = ICMP code (-1 = all codes); an echo request's code is 0.
                var type = rule.FromPort ?? -1;
                var code = rule.ToPort ?? -1;
                return type == -1 || (type == packet.RequestIcmpType && code is -1 or 0);
            default:
                return false;
        }
    }

    private enum Tri { No, Yes, Maybe }

    private readonly record struct Packet(int Protocol, int Port, bool V6)
    {
        public bool IsPorted => Protocol is 6 or 17;

        public int RequestIcmpType => V6 ? 128 : 8;
    }

    private sealed record AclLine(IpBlock? Block, int From, int To, bool Allow)
    {
        public bool Covers(bool v6, UInt128 s) => Block is { } b && b.Contains(v6, s);
    }

    /// <summary>Blocks: the CIDRs (or a readable prefix list); else an unknown (Unknown index) or a referenced group.</summary>
    private sealed record SgSource(IpBlock[]? Blocks, int Unknown, bool ReferencedGroup);

    private sealed record CompiledInterface(
        bool HasPublicV4, bool HasV6, AclLine[] Inbound, AclLine[] Outbound, bool Ported, SgSource[] Sources)
    {
        /// <summary>Reachability AND the inbound ACL AND the outbound ACL for the reply (Maybe: depends on the client port).</summary>
        public Tri FixedPart(bool v6, UInt128 s, bool isPrivate)
        {
            if (!isPrivate && !(v6 ? HasV6 : HasPublicV4))
            {
                return Tri.No;
            }

            var inbound = FirstMatch(Inbound, v6, s, 0);
            if (!inbound)
            {
                return Tri.No;
            }

            if (!Ported)
            {
                return FirstMatch(Outbound, v6, s, 0) ? Tri.Yes : Tri.No;
            }

            // Every elementary segment of 1024-65535 starts at 1024 or at a From / To+1 of an entry covering S.
            var anyAllowed = false;
            var anyDenied = false;
            Check(FirstClientPort);
            foreach (var line in Outbound)
            {
                if (line.Covers(v6, s))
                {
                    if (line.From > FirstClientPort && line.From <= LastClientPort)
                    {
                        Check(line.From);
                    }

                    if (line.To + 1 > FirstClientPort && line.To + 1 <= LastClientPort)
                    {
                        Check(line.To + 1);
                    }
                }
            }

            return anyAllowed && anyDenied ? Tri.Maybe : anyAllowed ? Tri.Yes : Tri.No;

            void Check(int clientPort)
            {
                if (FirstMatch(Outbound, v6, s, clientPort))
                {
                    anyAllowed = true;
                }
                else
                {
                    anyDenied = true;
                }
            }
        }

        private static bool FirstMatch(AclLine[] lines, bool v6, UInt128 s, int port)
        {
            foreach (var line in lines)
            {
                if (line.Covers(v6, s) && line.From <= port && port <= line.To)
                {
                    return line.Allow;
                }
            }

            return false;
        }

        /// <summary>(a rule matches S for sure, the unknowns any of which would make a rule match).</summary>
        public (bool Definite, long Mask) SecurityGroups(bool v6, UInt128 s, bool isPrivate)
        {
            long mask = 0;
            foreach (var source in Sources)
            {
                if (source.Blocks is { } blocks)
                {
                    foreach (var block in blocks)
                    {
                        if (block.Contains(v6, s))
                        {
                            return (true, 0);
                        }
                    }
                }
                else if (!source.ReferencedGroup || isPrivate)
                {
                    mask |= 1L << source.Unknown;
                }
            }

            return (false, mask);
        }
    }
}
