using System.Globalization;
using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2;
using Amazon.EC2.Model;

/// <summary>
/// Seeded random AWS cases (each from its own seed): 1-3 interfaces, shared subnets / ACLs / groups, auto public IPs
/// and Elastic IPs, IPv6 addresses, prefix lists (readable or not), and CIDRs built from a few anchors per case so that
/// rules split, tile, nest and overlap (0/1 + 128/1, ::/0, /32 and /128 hosts, private and public prefixes).
/// </summary>
public static class AwsCaseGenerator
{
    /// <summary>The account of every generated resource (an Elastic IP's IpOwnerId).</summary>
    public const string AccountId = "123456789012";

    private const int SampleCapPerFamily = 96;

    /// <summary>Generates the case of <paramref name="caseSeed"/> (same seed, same case).</summary>
    public static AwsCase Generate(int caseSeed) => new Builder(caseSeed).Build();

    private sealed class Builder(int seed)
    {
        private static readonly int[] WellKnownPorts = [22, 80, 443, 5432];
        private static readonly string[] PrivateV4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

        private readonly Random _rng = new(seed);
        private readonly List<IpBlock> _v4Anchors = [];
        private readonly List<IpBlock> _v6Anchors = [];
        private readonly List<int> _portBoundaries = [];
        private int _budget;

        public AwsCase Build()
        {
            for (var i = 0; i < 3; i++)
            {
                _v4Anchors.Add(V4Anchor());
                _v6Anchors.Add(V6Anchor());
            }

            _budget = _rng.Next(10, 35);
            var vpc = "vpc-" + Hex(17);

            // Interfaces, subnets, groups.
            var eniCount = Pick(1, 1, 1, 2, 2, 3);
            var subnets = Enumerable.Range(0, _rng.Next(1, eniCount + 1)).Select(_ => "subnet-" + Hex(17)).ToList();
            var groups = Enumerable.Range(0, _rng.Next(1, 5)).Select(_ => "sg-" + Hex(17)).ToList();
            var groupNames = groups.Select((g, n) => (g, n)).ToDictionary(x => x.g, x => "group-" + x.n.ToString(CultureInfo.InvariantCulture));

            // Prefix lists.
            var prefixLists = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
            for (var i = _rng.Next(0, 3); i > 0; i--)
            {
                prefixLists["pl-" + Hex(17)] = Chance(70)
                    ? Enumerable.Range(0, _rng.Next(1, 5)).Select(_ => RandomCidr(Chance(35)).ToString()).Distinct().ToList()
                    : null;
            }

            var interfaces = new List<InstanceNetworkInterface>();
            for (var device = 0; device < eniCount; device++)
            {
                interfaces.Add(Interface(device, device == 0 ? subnets[0] : subnets[_rng.Next(subnets.Count)], vpc, groups, groupNames));
            }

            var acls = Acls(subnets, vpc);
            var rules = groups.SelectMany(g => GroupRules(g, groups, prefixLists.Keys.ToList())).ToList();

            var primary = interfaces[0];
            var instance = new Instance
            {
                InstanceId = "i-" + Hex(17),
                ImageId = "ami-" + Hex(17),
                InstanceType = InstanceType.T3Micro,
                State = new InstanceState { Code = 16, Name = InstanceStateName.Running },
                VpcId = vpc,
                SubnetId = primary.SubnetId,
                PrivateIpAddress = primary.PrivateIpAddress,
                PrivateDnsName = primary.PrivateDnsName,
                PublicIpAddress = primary.Association?.PublicIp,
                PublicDnsName = primary.Association?.PublicDnsName ?? "",
                SecurityGroups = [.. primary.Groups.Select(g => new GroupIdentifier { GroupId = g.GroupId, GroupName = g.GroupName })],
                NetworkInterfaces = Chance(70) ? interfaces : Shuffled(interfaces),
            };

            var input = new AwsWireInput(instance, rules, acls, prefixLists);
            var queries = Enumerable.Range(0, 3).Select(_ => Query(rules)).ToList();
            return new AwsCase(seed, input, queries, Samples(input, false), Samples(input, true));
        }

        // ---- interfaces -------------------------------------------------------------------------------------------

        private InstanceNetworkInterface Interface(
            int device, string subnet, string vpc, List<string> groups, Dictionary<string, string> groupNames)
        {
            var id = "eni-" + Hex(17);
            var privateIp = $"10.{_rng.Next(0, 256)}.{_rng.Next(0, 256)}.{_rng.Next(4, 255)}";
            var privateDns = $"ip-{privateIp.Replace('.', '-')}.ec2.internal";
            InstanceNetworkInterfaceAssociation? association = null;

            // An auto-assigned public IPv4 only exists on device 0 (IpOwnerId "amazon"); an Elastic IP on any device.
            var kind = device == 0 ? Pick("none", "auto", "auto", "eip", "eip") : Pick("none", "none", "eip");
            if (kind != "none")
            {
                var ip = $"{Pick(3, 18, 34, 44, 52, 54)}.{_rng.Next(0, 256)}.{_rng.Next(0, 256)}.{_rng.Next(1, 255)}";
                association = new InstanceNetworkInterfaceAssociation
                {
                    PublicIp = ip,
                    PublicDnsName = $"ec2-{ip.Replace('.', '-')}.compute-1.amazonaws.com",
                    IpOwnerId = kind == "auto" ? "amazon" : AccountId,
                };
            }

            var ipv6 = Chance(55)
                ? Enumerable.Range(0, _rng.Next(1, 3))
                    .Select(n => new InstanceIpv6Address
                    {
                        Ipv6Address = $"2600:1f18:{_rng.Next(0, 0x10000):x}:{_rng.Next(0, 0x10000):x}:{_rng.Next(1, 0x10000):x}:{_rng.Next(0, 0x10000):x}:{_rng.Next(0, 0x10000):x}:{_rng.Next(1, 0x10000):x}",
                        IsPrimaryIpv6 = false,
                    })
                    .ToList()
                : [];
            var mine = Shuffled(groups).Take(_rng.Next(1, Math.Min(3, groups.Count) + 1)).ToList();
            return new InstanceNetworkInterface
            {
                NetworkInterfaceId = id,
                SubnetId = subnet,
                VpcId = vpc,
                OwnerId = AccountId,
                Description = "",
                InterfaceType = "interface",
                MacAddress = string.Join(":", Enumerable.Range(0, 6).Select(_ => _rng.Next(0, 256).ToString("x2", CultureInfo.InvariantCulture))),
                Status = NetworkInterfaceStatus.InUse,
                SourceDestCheck = true,
                PrivateIpAddress = privateIp,
                PrivateDnsName = privateDns,
                PrivateIpAddresses =
                [
                    new InstancePrivateIpAddress
                    {
                        Primary = true, PrivateIpAddress = privateIp, PrivateDnsName = privateDns, Association = association,
                    },
                ],
                Association = association,
                Ipv6Addresses = ipv6,
                Groups = [.. mine.Select(g => new GroupIdentifier { GroupId = g, GroupName = groupNames[g] })],
                Attachment = new InstanceNetworkInterfaceAttachment
                {
                    AttachmentId = "eni-attach-" + Hex(17),
                    DeviceIndex = device,
                    NetworkCardIndex = 0,
                    Status = AttachmentStatus.Attached,
                    DeleteOnTermination = device == 0,
                },
            };
        }

        // ---- network ACLs -----------------------------------------------------------------------------------------

        private List<NetworkAcl> Acls(List<string> subnets, string vpc)
        {
            // Each subnet is associated with exactly one ACL; an ACL may serve several subnets.
            var owners = new List<List<string>>();
            foreach (var subnet in subnets)
            {
                if (owners.Count > 0 && Chance(25))
                {
                    owners[_rng.Next(owners.Count)].Add(subnet);
                }
                else
                {
                    owners.Add([subnet]);
                }
            }

            var acls = owners.Select(s => Acl(s, vpc, decoy: false)).ToList();
            if (Chance(30))
            {
                acls.Insert(_rng.Next(acls.Count + 1), Acl(["subnet-" + Hex(17)], vpc, decoy: true));
            }

            return acls;
        }

        private NetworkAcl Acl(List<string> subnets, string vpc, bool decoy)
        {
            var id = "acl-" + Hex(17);
            var entries = new List<NetworkAclEntry>();
            foreach (var egress in new[] { false, true })
            {
                var used = new HashSet<int>();
                if (decoy || (Chance(35) && _budget > 0))
                {
                    _budget -= decoy ? 0 : 2;
                    entries.Add(Entry(egress, Number(used, 100), "-1", true, "0.0.0.0/0", null, null));
                    entries.Add(Entry(egress, Number(used, 101), "-1", true, "::/0", null, null));
                }

                for (var n = decoy ? 0 : _rng.Next(1, egress ? 5 : 6); n > 0 && _budget > 0; n--)
                {
                    entries.AddRange(egress ? OutboundEntries(used) : InboundEntries(used));
                }

                // Often a broad allow late in the table, so that the entries before it carve exceptions out of it.
                if (!decoy && Chance(75) && _budget > 0)
                {
                    _budget -= 2;
                    var late = _rng.Next(20_000, 32_700);
                    if (Chance(80))
                    {
                        entries.Add(Entry(egress, Number(used, late), "-1", true, Pick("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1"), null, null));
                    }

                    if (Chance(70))
                    {
                        entries.Add(Entry(egress, Number(used, late + 1), "-1", true, Pick("::/0", "::/0", "::/1", "8000::/1"), null, null));
                    }
                }

                // The '*' rules, as DescribeNetworkAcls shows them: 32767, all protocols, deny, both families.
                entries.Add(Entry(egress, 32767, "-1", false, "0.0.0.0/0", null, null));
                entries.Add(Entry(egress, 32767, "-1", false, "::/0", null, null));
            }

            // EC2 lists egress entries first, each direction by rule number; sometimes shuffle (order is not semantics).
            entries = Chance(75)
                ? [.. entries.OrderByDescending(e => e.Egress).ThenBy(e => e.RuleNumber)]
                : Shuffled(entries);
            return new NetworkAcl
            {
                NetworkAclId = id,
                VpcId = vpc,
                OwnerId = AccountId,
                IsDefault = decoy,
                Tags = [],
                Associations = [.. subnets.Select(s => new NetworkAclAssociation
                {
                    NetworkAclAssociationId = "aclassoc-" + Hex(17), NetworkAclId = id, SubnetId = s,
                })],
                Entries = entries,
            };
        }

        private IEnumerable<NetworkAclEntry> InboundEntries(HashSet<int> used)
        {
            var protocol = Pick("-1", "6", "6", "6", "17", "17", "1", "58", "50");
            var v6 = protocol switch { "1" => false, "58" => true, _ => Chance(40) };
            var ports = protocol is "6" or "17" ? InboundPorts() : ((int, int)?)null;
            var tiling = Tiling(v6);
            if (Chance(20) && tiling.Count <= _budget)
            {
                // A tiling: every piece of a split prefix, actions at random, consecutive rule numbers.
                var start = _rng.Next(1, 32000);
                var allow = Chance(50);
                foreach (var piece in tiling)
                {
                    _budget--;
                    allow = Chance(70) ? allow : !allow;
                    yield return Entry(false, Number(used, start++), protocol, allow, piece.ToString(), ports, null);
                }

                yield break;
            }

            _budget--;
            yield return Entry(false, Number(used, RuleNumber()), protocol, Chance(60), RandomCidr(v6).ToString(), ports, null);
        }

        private IEnumerable<NetworkAclEntry> OutboundEntries(HashSet<int> used)
        {
            var protocol = Pick("6", "6", "6", "17", "17", "-1", "1", "58", "50");
            var v6 = protocol switch { "1" => false, "58" => true, _ => Chance(40) };
            var cidr = Chance(50) ? (v6 ? "::/0" : "0.0.0.0/0") : RandomCidr(v6).ToString();
            if (protocol is "6" or "17" && Chance(25))
            {
                // A deny of one port inside the ephemeral range placed before the wide allow (or after it).
                var deny = Pick(2049, 1024, 65535, _rng.Next(1024, 65536));
                var n = RuleNumber();
                _budget -= 2;
                yield return Entry(true, Number(used, n), protocol, false, cidr, (deny, deny), null);
                yield return Entry(true, Number(used, Chance(80) ? n + 10 : Math.Max(1, n - 10)), protocol, true, cidr, (1024, 65535), null);
                yield break;
            }

            _budget--;
            var ports = protocol is "6" or "17" ? OutboundPorts() : ((int, int)?)null;
            yield return Entry(true, Number(used, RuleNumber()), protocol, Chance(70), cidr, ports, null);
        }

        private NetworkAclEntry Entry(bool egress, int number, string protocol, bool allow, string cidr, (int From, int To)? ports, int? icmpType)
        {
            var v6 = cidr.Contains(':', StringComparison.Ordinal);
            if (ports is { } p && !egress)
            {
                AddPortBoundaries(p.From, p.To);
            }

            return new NetworkAclEntry
            {
                RuleNumber = number,
                Egress = egress,
                Protocol = protocol,
                RuleAction = allow ? RuleAction.Allow : RuleAction.Deny,
                CidrBlock = v6 ? null : cidr,
                Ipv6CidrBlock = v6 ? cidr : null,
                PortRange = protocol is "6" or "17" ? new PortRange { From = ports?.From ?? 0, To = ports?.To ?? 65535 } : null,
                IcmpTypeCode = protocol is "1" or "58" ? new IcmpTypeCode { Type = icmpType ?? -1, Code = -1 } : null,
            };
        }

        private int RuleNumber() => Pick(0, 1, 2) switch
        {
            0 => _rng.Next(1, 33) * 10,
            1 => _rng.Next(1, 200),
            _ => _rng.Next(1, 32767),
        };

        private static int Number(HashSet<int> used, int wanted)
        {
            var n = Math.Clamp(wanted, 1, 32766);
            while (!used.Add(n))
            {
                n = n % 32766 + 1;
            }

            return n;
        }

        private (int, int) InboundPorts() => Pick(0, 0, 0, 1, 1, 2, 3) switch
        {
            0 => Single(Chance(75) ? Pick(WellKnownPorts) : _rng.Next(0, 65536)),
            1 => Range(),
            2 => (0, 65535),
            _ => Pick((1024, 65535), (0, 1023), (1, 1024), (5000, 6000)),
        };

        private (int, int) OutboundPorts() => Pick(0, 1, 2, 3, 4, 5, 6, 7, 8) switch
        {
            0 => (1024, 65535),
            1 => (32768, 65535),
            2 => (49152, 65535),
            3 => (0, 65535),
            4 => (32768, 61000),
            5 => (1025, 5000),
            6 => (1024, 2048),
            7 => Single(Pick(2049, 80, 443, 1024, 65535)),
            _ => Range(),
        };

        private static (int, int) Single(int port) => (port, port);

        private (int, int) Range()
        {
            var a = _rng.Next(0, 65536);
            var b = Math.Min(65535, a + Pick(1, 10, 100, 1000, 30000));
            return (a, b);
        }

        private void AddPortBoundaries(int from, int to)
        {
            foreach (var p in new[] { from, to, from - 1, to + 1 })
            {
                if (p is >= 0 and <= 65535)
                {
                    _portBoundaries.Add(p);
                }
            }
        }

        // ---- security groups --------------------------------------------------------------------------------------

        private IEnumerable<SecurityGroupRule> GroupRules(string group, List<string> groups, List<string> prefixLists)
        {
            for (var n = _rng.Next(0, 5); n > 0 && _budget > 0; n--)
            {
                _budget--;
                yield return SgRule(group, false, SgInbound(groups, prefixLists));
            }

            // The default egress rule (all traffic to 0.0.0.0/0), sometimes with its IPv6 twin.
            yield return SgRule(group, true, ("-1", -1, -1, "0.0.0.0/0", null, null, null));
            if (Chance(40))
            {
                yield return SgRule(group, true, ("-1", -1, -1, null, "::/0", null, null));
            }
        }

        private (string Protocol, int From, int To, string? V4, string? V6, string? Group, string? PrefixList) SgInbound(
            List<string> groups, List<string> prefixLists)
        {
            var protocol = Pick("tcp", "tcp", "tcp", "tcp", "udp", "udp", "-1", "-1", "icmp", "icmpv6", "6", "17", "50", "58", "1");
            int from, to;
            switch (protocol)
            {
                case "tcp" or "udp" or "6" or "17":
                    (from, to) = InboundPorts();
                    AddPortBoundaries(from, to);
                    break;
                case "icmp" or "1":
                    (from, to) = (Pick(-1, 8, 3), -1);
                    break;
                case "icmpv6" or "58":
                    (from, to) = (Pick(-1, 128, 3), -1);
                    break;
                default:
                    (from, to) = (-1, -1);
                    break;
            }

            var family = protocol switch { "icmp" or "1" => false, "icmpv6" or "58" => true, _ => Chance(40) };
            var kind = _rng.Next(100);
            if (kind < 35)
            {
                // A broad rule: all ports (or all protocols) from a large part of the internet.
                var broad = family ? Pick("::/0", "::/0", "::/1", "8000::/1") : Pick("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1");
                if (Chance(50))
                {
                    (protocol, from, to) = ("-1", -1, -1);
                }
                else if (protocol is "tcp" or "udp" or "6" or "17")
                {
                    (from, to) = Chance(50) ? (0, 65535) : (from, to);
                }

                return (protocol, from, to, family ? null : broad, family ? broad : null, null, null);
            }

            kind = _rng.Next(100);
            if (kind < 20)
            {
                var referenced = Chance(60) ? Pick([.. groups]) : "sg-" + Hex(17);
                return (protocol, from, to, null, null, referenced, null);
            }

            if (kind < 40 && prefixLists.Count > 0)
            {
                return (protocol, from, to, null, null, null, Pick([.. prefixLists]));
            }

            var cidr = RandomCidr(family).ToString();
            return (protocol, from, to, family ? null : cidr, family ? cidr : null, null, null);
        }

        private SecurityGroupRule SgRule(
            string group, bool egress, (string Protocol, int From, int To, string? V4, string? V6, string? Group, string? PrefixList) r)
        {
            var id = "sgr-" + Hex(17);
            return new SecurityGroupRule
            {
                SecurityGroupRuleId = id,
                SecurityGroupRuleArn = $"arn:aws:ec2:us-east-1:{AccountId}:security-group-rule/{id}",
                GroupId = group,
                GroupOwnerId = AccountId,
                IsEgress = egress,
                IpProtocol = r.Protocol,
                FromPort = r.From,
                ToPort = r.To,
                CidrIpv4 = r.V4,
                CidrIpv6 = r.V6,
                PrefixListId = r.PrefixList,
                ReferencedGroupInfo = r.Group is null ? null : new ReferencedSecurityGroup { GroupId = r.Group, UserId = AccountId },
                Tags = [],
            };
        }

        // ---- queries and samples ----------------------------------------------------------------------------------

        private AwsQuery Query(List<SecurityGroupRule> rules)
        {
            var ported = rules.Where(r => r.IsEgress != true && r.IpProtocol is "tcp" or "udp" or "6" or "17").ToList();
            if (ported.Count > 0 && Chance(45))
            {
                // Aim at a group rule: its first or last port, or one inside.
                var rule = Pick([.. ported]);
                var from = rule.FromPort ?? 0;
                var to = rule.ToPort ?? 65535;
                return new AwsQuery(rule.IpProtocol is "tcp" or "6" ? "tcp" : "udp", Pick(from, to, _rng.Next(from, to + 1)));
            }

            var protocol = Pick("tcp", "tcp", "tcp", "udp", "udp", "icmp");
            if (protocol == "icmp")
            {
                return new AwsQuery("icmp", 0);
            }

            var port = _portBoundaries.Count > 0 && Chance(70) ? Pick([.. _portBoundaries]) : Pick(WellKnownPorts);
            return new AwsQuery(protocol, port);
        }

        private List<IPAddress> Samples(AwsWireInput input, bool v6)
        {
            var blocks = new List<IpBlock>();
            foreach (var rule in input.Rules)
            {
                AddBlock(blocks, rule.CidrIpv4, v6);
                AddBlock(blocks, rule.CidrIpv6, v6);
            }

            foreach (var list in input.PrefixLists.Values)
            {
                foreach (var cidr in list ?? [])
                {
                    AddBlock(blocks, cidr, v6);
                }
            }

            foreach (var entry in input.Acls.SelectMany(a => a.Entries))
            {
                AddBlock(blocks, entry.CidrBlock, v6);
                AddBlock(blocks, entry.Ipv6CidrBlock, v6);
            }

            var max = IpBlock.MaxOf(v6);
            var boundaries = new List<UInt128>();
            foreach (var block in blocks.Concat(IpBlock.PrivateRanges.Where(p => p.V6 == v6)))
            {
                boundaries.Add(block.First);
                boundaries.Add(block.Last);
                if (block.First > UInt128.Zero)
                {
                    boundaries.Add(block.First - UInt128.One);
                }

                if (block.Last < max)
                {
                    boundaries.Add(block.Last + UInt128.One);
                }
            }

            var special = v6
                ? new[] { "::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.0.0.1", "::ffff:8.8.8.8", "fe80::1", "2001:db8::1" }
                : ["0.0.0.0", "255.255.255.255", "127.0.0.1", "169.254.169.254", "8.8.8.8"];
            var random = new List<UInt128>();
            for (var i = 0; i < 4; i++)
            {
                random.Add(RandomNumber(v6));
                if (blocks.Count > 0)
                {
                    var b = Pick([.. blocks]);
                    random.Add(b.First + (RandomNumber(true) % (b.Last - b.First + UInt128.One == UInt128.Zero ? max : b.Last - b.First + UInt128.One)));
                }
            }

            var distinct = boundaries.Distinct().ToList();
            if (distinct.Count > SampleCapPerFamily)
            {
                distinct = [.. Shuffled(distinct).Take(SampleCapPerFamily)];
            }

            return [.. distinct.Concat(special.Select(s => IpBlock.ToNumber(IPAddress.Parse(s)))).Concat(random)
                .Distinct().Select(n => IpBlock.ToAddress(v6, n))];
        }

        private static void AddBlock(List<IpBlock> blocks, string? cidr, bool v6)
        {
            if (!string.IsNullOrEmpty(cidr) && cidr.Contains(':', StringComparison.Ordinal) == v6)
            {
                blocks.Add(IpBlock.Parse(cidr));
            }
        }

        // ---- CIDRs ------------------------------------------------------------------------------------------------

        private IpBlock V4Anchor() => Pick(0, 1, 2, 3, 4, 4, 4) switch
        {
            0 => Sub(IpBlock.Parse("10.0.0.0/8"), _rng.Next(0, 17)),
            1 => Sub(IpBlock.Parse("172.16.0.0/12"), _rng.Next(0, 13)),
            2 => Sub(IpBlock.Parse("192.168.0.0/16"), _rng.Next(0, 13)),
            3 => Sub(IpBlock.Parse("100.64.0.0/10"), _rng.Next(0, 11)),
            _ => Sub(IpBlock.Parse($"{Pick(1, 3, 8, 13, 34, 52, 54, 64, 128, 198, 203, 223)}.0.0.0/8"), _rng.Next(-4, 21)),
        };

        private IpBlock V6Anchor() => Pick(0, 1, 2, 3, 4, 5) switch
        {
            0 => Sub(IpBlock.Parse("fd00::/8"), _rng.Next(8, 57)),
            1 => IpBlock.Parse("fc00::/7"),
            2 => Sub(IpBlock.Parse("2001:db8::/32"), _rng.Next(0, 33)),
            3 => Sub(IpBlock.Parse("2600:1f18::/32"), _rng.Next(0, 25)),
            4 => Sub(IpBlock.Parse("2000::/3"), _rng.Next(9, 62)),
            _ => IpBlock.Parse("::ffff:0:0/96"),
        };

        /// <summary>A CIDR related to the case's anchors (itself, inside, around), or a global / private / fresh one.</summary>
        private IpBlock RandomCidr(bool v6)
        {
            var anchors = v6 ? _v6Anchors : _v4Anchors;
            var anchor = Pick([.. anchors]);
            var bits = v6 ? 128 : 32;
            var r = _rng.Next(100);
            return r switch
            {
                < 6 => IpBlock.Parse(v6 ? "::/0" : "0.0.0.0/0"),
                < 12 => IpBlock.Parse(v6 ? Pick("::/1", "8000::/1") : Pick("0.0.0.0/1", "128.0.0.0/1")),
                < 40 => anchor,
                < 60 => Sub(anchor, _rng.Next(1, 9)),
                < 68 => Sub(anchor, -_rng.Next(1, 5)),
                < 82 => Sub(anchor, bits),
                < 90 => IpBlock.Parse(v6 ? "fc00::/7" : Pick(PrivateV4)),
                _ => v6 ? V6Anchor() : V4Anchor(),
            };
        }

        /// <summary>All 2^j pieces of a split prefix (the whole space, an anchor or a sub-prefix of one).</summary>
        private List<IpBlock> Tiling(bool v6)
        {
            var bits = v6 ? 128 : 32;
            var baseBlock = Pick(0, 1, 2) switch
            {
                0 => IpBlock.Parse(v6 ? "::/0" : "0.0.0.0/0"),
                1 => Pick([.. v6 ? _v6Anchors : _v4Anchors]),
                _ => Sub(Pick([.. v6 ? _v6Anchors : _v4Anchors]), _rng.Next(1, 4)),
            };
            var j = Math.Min(_rng.Next(1, 4), bits - baseBlock.PrefixLength);
            var pieceHostBits = bits - baseBlock.PrefixLength - j;
            var pieces = Enumerable.Range(0, 1 << j)
                .Select(k => new IpBlock(v6, baseBlock.First + ((UInt128)(uint)k << pieceHostBits),
                    (baseBlock.First + ((UInt128)(uint)k << pieceHostBits)) | IpBlock.HostMask(pieceHostBits)))
                .ToList();
            return Chance(50) ? pieces : Shuffled(pieces);
        }

        /// <summary>A prefix <paramref name="extra"/> bits longer (random position inside) or shorter (the supernet).</summary>
        private IpBlock Sub(IpBlock block, int extra)
        {
            var bits = block.Bits;
            var length = Math.Clamp(block.PrefixLength + extra, 0, bits);
            var hostBits = bits - length;
            var host = IpBlock.HostMask(hostBits);
            UInt128 first;
            if (length <= block.PrefixLength)
            {
                first = block.First & ~host;
            }
            else
            {
                var span = block.Last - block.First;
                first = (block.First + (RandomNumber(true) & span)) & ~host;
            }

            return new IpBlock(block.V6, first, first | host);
        }

        // ---- randomness -------------------------------------------------------------------------------------------

        private UInt128 RandomNumber(bool v6)
        {
            var bytes = new byte[16];
            _rng.NextBytes(bytes);
            var value = UInt128.Zero;
            foreach (var b in bytes)
            {
                value = (value << 8) | b;
            }

            return v6 ? value : value & uint.MaxValue;
        }

        private bool Chance(int percent) => _rng.Next(100) < percent;

        private T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];

        private List<T> Shuffled<T>(IEnumerable<T> items)
        {
            var list = items.ToList();
            for (var i = list.Count - 1; i > 0; i--)
            {
                var k = _rng.Next(i + 1);
                (list[i], list[k]) = (list[k], list[i]);
            }

            return list;
        }

        private string Hex(int length) =>
            string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[_rng.Next(16)]));
    }
}
