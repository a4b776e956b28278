using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>The generator: deterministic per seed, well-formed like EC2's answers, and covering the stress features.</summary>
public sealed class AwsCaseGeneratorTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<AwsCase> Cases = [.. Enumerable.Range(50_000, 2_000).Select(AwsCaseGenerator.Generate)];

    [Fact]
    public void Same_seed_same_case_and_different_seeds_differ()
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seed in new[] { 0, 1, 2, 42, -7, int.MaxValue, int.MinValue, 123_456 })
        {
            var a = AwsCaseGenerator.Generate(seed);
            var b = AwsCaseGenerator.Generate(seed);
            Assert.Equal(seed, a.Seed);
            Assert.Equal(a.ToString(), b.ToString());
            Assert.Equal(a.Queries, b.Queries);
            Assert.Equal(a.V4Samples, b.V4Samples);
            Assert.Equal(a.V6Samples, b.V6Samples);
            Assert.Equal(a.Input.Rules.Select(r => r.SecurityGroupRuleId), b.Input.Rules.Select(r => r.SecurityGroupRuleId));
            texts.Add(a.ToString());
        }

        Assert.Equal(8, texts.Count);
    }

    [Fact]
    public void Cases_are_shaped_like_what_EC2_returns()
    {
        foreach (var c in Cases)
        {
            var input = c.Input;
            var interfaces = input.Instance.NetworkInterfaces;
            Assert.InRange(interfaces.Count, 1, 3);
            Assert.Equal(Enumerable.Range(0, interfaces.Count), interfaces.Select(n => n.Attachment.DeviceIndex ?? -1).Order());
            var primary = interfaces.Single(n => n.Attachment.DeviceIndex == 0);
            Assert.Equal(primary.Association?.PublicIp, input.Instance.PublicIpAddress);
            Assert.Equal(primary.SubnetId, input.Instance.SubnetId);
            var groupsWithRules = input.Rules.Select(r => r.GroupId).ToHashSet();
            foreach (var eni in interfaces)
            {
                // Exactly one ACL per subnet; groups 1-3, each described (its default egress rule at least).
                Assert.Single(input.Acls, a => a.Associations.Any(s => s.SubnetId == eni.SubnetId));
                Assert.InRange(eni.Groups.Count, 1, 3);
                Assert.All(eni.Groups, g => Assert.Contains(g.GroupId, groupsWithRules));
                if (eni.Association?.IpOwnerId == "amazon")
                {
                    Assert.Equal(0, eni.Attachment.DeviceIndex); // an auto-assigned public IP: the primary interface only
                }
            }

            foreach (var acl in input.Acls)
            {
                var stars = acl.Entries.Where(e => e.RuleNumber == 32767).ToList();
                Assert.Equal(4, stars.Count);
                Assert.All(stars, e => Assert.Equal("deny", e.RuleAction.Value));
                Assert.All(acl.Entries.Where(e => e.RuleNumber != 32767), e => Assert.InRange(e.RuleNumber ?? 0, 1, 32766));
                foreach (var direction in acl.Entries.Where(e => e.RuleNumber != 32767).GroupBy(e => e.Egress))
                {
                    Assert.Equal(direction.Count(), direction.Select(e => e.RuleNumber).Distinct().Count());
                }

                Assert.All(acl.Entries, e => Assert.True((e.CidrBlock is null) != (e.Ipv6CidrBlock is null)));
                Assert.All(acl.Entries, e => Assert.Equal(e.Protocol is "6" or "17", e.PortRange is not null));
                Assert.All(acl.Entries, e => Assert.Equal(e.Protocol is "1" or "58", e.IcmpTypeCode is { Type: -1 }));
            }

            foreach (var rule in input.Rules)
            {
                var sources = new object?[] { rule.CidrIpv4, rule.CidrIpv6, rule.PrefixListId, rule.ReferencedGroupInfo };
                Assert.Equal(1, sources.Count(s => s is not null));
                if (rule.PrefixListId is { } pl)
                {
                    Assert.True(input.PrefixLists.ContainsKey(pl));
                }
            }

            // Canonical CIDRs (EC2 canonicalizes them).
            var cidrs = input.Rules.SelectMany(r => new[] { r.CidrIpv4, r.CidrIpv6 })
                .Concat(input.Acls.SelectMany(a => a.Entries).SelectMany(e => new[] { e.CidrBlock, e.Ipv6CidrBlock }))
                .Concat(input.PrefixLists.Values.SelectMany(v => v ?? []))
                .OfType<string>();
            Assert.All(cidrs, cidr => Assert.Equal(IPAddress.Parse(cidr.Split('/')[0]).ToString(), IpBlock.Parse(cidr).ToString().Split('/')[0]));

            // Small enough: <= ~40 rules besides the '*' and the default egress rules.
            var instanceAcls = input.Acls.Where(a => a.Associations.Any(s => interfaces.Any(n => n.SubnetId == s.SubnetId)));
            var custom = instanceAcls.Sum(a => a.Entries.Count(e => e.RuleNumber != 32767)) + input.Rules.Count(r => r.IsEgress != true);
            Assert.InRange(custom, 1, 40);
            var unknowns = input.Rules.Where(r => r.IsEgress != true).Select(r => r.ReferencedGroupInfo?.GroupId)
                .Concat(input.PrefixLists.Where(p => p.Value is null).Select(p => p.Key)).OfType<string>().Distinct().Count();
            Assert.InRange(unknowns, 0, 8);

            Assert.Equal(3, c.Queries.Count);
            Assert.All(c.V4Samples, a => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, a.AddressFamily));
            Assert.All(c.V6Samples, a => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, a.AddressFamily));
            Assert.InRange(c.V4Samples.Count, 10, 120);
            Assert.InRange(c.V6Samples.Count, 10, 120);
        }
    }

    [Fact]
    public void The_generator_covers_the_stress_features()
    {
        var features = new Dictionary<string, Func<AwsCase, bool>>
        {
            ["three interfaces"] = c => c.Input.Instance.NetworkInterfaces.Count == 3,
            ["two interfaces in one subnet"] = c => c.Input.Instance.NetworkInterfaces.GroupBy(n => n.SubnetId).Any(g => g.Count() > 1),
            ["an ACL shared by two subnets"] = c => c.Input.Acls.Any(a => a.Associations.Count > 1),
            ["an ACL of another subnet"] = c => c.Input.Acls.Any(a => a.Associations.All(s => c.Input.Instance.NetworkInterfaces.All(n => n.SubnetId != s.SubnetId))),
            ["an Elastic IP"] = c => c.Input.Instance.NetworkInterfaces.Any(n => n.Association?.IpOwnerId == AwsCaseGenerator.AccountId),
            ["an auto-assigned public IP"] = c => c.Input.Instance.NetworkInterfaces.Any(n => n.Association?.IpOwnerId == "amazon"),
            ["an Elastic IP on a secondary interface"] = c => c.Input.Instance.NetworkInterfaces.Any(n => n.Attachment.DeviceIndex > 0 && n.Association is not null),
            ["an IPv6 address"] = c => c.Input.Instance.NetworkInterfaces.Any(n => n.Ipv6Addresses.Count > 0),
            ["no public address at all"] = c => c.Input.Instance.NetworkInterfaces.All(n => n.Association is null && n.Ipv6Addresses.Count == 0),
            ["an unreadable prefix list"] = c => c.Input.PrefixLists.Values.Any(v => v is null),
            ["a readable prefix list in use"] = c => c.Input.Rules.Any(r => r.PrefixListId is { } p && c.Input.PrefixLists[p] is not null),
            ["a self-referencing group"] = c => c.Input.Rules.Any(r => r.ReferencedGroupInfo?.GroupId == r.GroupId),
            ["a group referencing an outside group"] = c => c.Input.Rules.Any(r => r.ReferencedGroupInfo is { } g && c.Input.Rules.All(x => x.GroupId != g.GroupId)),
            ["0.0.0.0/1 and 128.0.0.0/1 together"] = c => Cidrs(c).Contains("0.0.0.0/1") && Cidrs(c).Contains("128.0.0.0/1"),
            ["::/1 and 8000::/1 together"] = c => Cidrs(c).Contains("::/1") && Cidrs(c).Contains("8000::/1"),
            ["0.0.0.0/0 in a group rule"] = c => c.Input.Rules.Any(r => r.IsEgress != true && r.CidrIpv4 == "0.0.0.0/0"),
            ["::/0 in a custom ACL entry"] = c => c.Input.Acls.SelectMany(a => a.Entries).Any(e => e.RuleNumber != 32767 && e.Ipv6CidrBlock == "::/0"),
            ["a /32 host"] = c => Cidrs(c).Any(x => x.EndsWith("/32", StringComparison.Ordinal) && !x.Contains(':', StringComparison.Ordinal)),
            ["a /128 host"] = c => Cidrs(c).Any(x => x.EndsWith("/128", StringComparison.Ordinal)),
            ["a tiling of 8 pieces"] = c => c.Input.Acls.SelectMany(a => a.Entries).GroupBy(e => e.RuleNumber / 8).Any(g => g.Count() >= 8),
            ["nested prefixes"] = c => Nested(c),
            ["a private prefix"] = c => Cidrs(c).Any(x => x is "10.0.0.0/8" or "172.16.0.0/12" or "192.168.0.0/16" or "100.64.0.0/10" or "fc00::/7"),
            ["an IPv4-mapped IPv6 prefix"] = c => Cidrs(c).Any(x => x.StartsWith("::ffff:", StringComparison.Ordinal)),
            ["SG protocol -1"] = c => SgProtocols(c).Contains("-1"),
            ["SG protocol tcp by name and number"] = c => SgProtocols(c).Contains("tcp") && SgProtocols(c).Contains("6"),
            ["SG protocol icmp and icmpv6"] = c => SgProtocols(c).Contains("icmp") && SgProtocols(c).Contains("icmpv6"),
            ["SG protocol 50"] = c => SgProtocols(c).Contains("50"),
            ["SG icmp type 3"] = c => c.Input.Rules.Any(r => r.IpProtocol is "icmp" or "1" && r.FromPort == 3),
            ["SG echo type 128"] = c => c.Input.Rules.Any(r => r.IpProtocol is "icmpv6" or "58" && r.FromPort == 128),
            ["SG ports 0-65535"] = c => c.Input.Rules.Any(r => r.IpProtocol is "tcp" or "udp" && r.FromPort == 0 && r.ToPort == 65535),
            ["ACL protocols -1 6 17 1 58 50"] = c => new[] { "-1", "6", "17", "1", "58", "50" }.All(p => c.Input.Acls.SelectMany(a => a.Entries).Any(e => e.Protocol == p)),
            ["ACL outbound 32768-65535"] = c => Out(c).Any(e => e.PortRange is { From: 32768, To: 65535 }),
            ["ACL outbound deny 2049 before allow 1024-65535"] = c => Out(c).Any(d => d.RuleAction.Value == "deny" && d.PortRange is { From: 2049, To: 2049 }
                && Out(c).Any(a => a.RuleAction.Value == "allow" && a.PortRange is { From: 1024, To: 65535 } && a.RuleNumber > d.RuleNumber)),
            ["ACL entries listed out of rule order"] = c => c.Input.Acls.Any(a => !a.Entries.Select(e => e.RuleNumber).SequenceEqual(
                a.Entries.OrderByDescending(e => e.Egress).ThenBy(e => e.RuleNumber).Select(e => e.RuleNumber))),
            ["a query on a rule boundary"] = c => c.Queries.Any(q => q.Protocol != "icmp" && q.Port is not (22 or 80 or 443 or 5432)),
            ["an icmp query"] = c => c.Queries.Any(q => q.Protocol == "icmp"),
        };

        var missing = features.Where(f => !Cases.Any(f.Value)).Select(f => f.Key).ToList();
        foreach (var (name, has) in features)
        {
            output.WriteLine($"{name}: {Cases.Count(has)} of {Cases.Count}");
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void The_oracle_answers_all_three_ways_on_generated_cases()
    {
        var counts = new Dictionary<OracleDecision, int>();
        foreach (var c in Cases.Take(500))
        {
            foreach (var query in c.Queries)
            {
                foreach (var ipv6 in new[] { false, true })
                {
                    var oracle = AwsOracle.Compile(c.Input, query.Protocol, query.PortFor(ipv6), ipv6);
                    foreach (var address in c.Samples(ipv6))
                    {
                        var d = oracle(address);
                        counts[d] = counts.GetValueOrDefault(d) + 1;
                    }
                }
            }
        }

        var total = counts.Values.Sum();
        output.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value} ({100.0 * kv.Value / total:F1}%)")));
        // Enough of each for the differential to bite: admissions >= 5%, refusals >= 5%, indeterminate >= 1%.
        Assert.True(counts.GetValueOrDefault(OracleDecision.Admitted) * 20 >= total, $"admitted: {counts.GetValueOrDefault(OracleDecision.Admitted)} of {total}");
        Assert.True(counts.GetValueOrDefault(OracleDecision.Refused) * 20 >= total, $"refused: {counts.GetValueOrDefault(OracleDecision.Refused)} of {total}");
        Assert.True(counts.GetValueOrDefault(OracleDecision.Indeterminate) * 100 >= total, $"indeterminate: {counts.GetValueOrDefault(OracleDecision.Indeterminate)} of {total}");
    }

    private static IEnumerable<NetworkAclEntry> Out(AwsCase c) => c.Input.Acls.SelectMany(a => a.Entries).Where(e => e.Egress == true);

    private static HashSet<string> SgProtocols(AwsCase c) => c.Input.Rules.Where(r => r.IsEgress != true).Select(r => r.IpProtocol).ToHashSet();

    private static HashSet<string> Cidrs(AwsCase c) =>
        c.Input.Rules.SelectMany(r => new[] { r.CidrIpv4, r.CidrIpv6 })
            .Concat(c.Input.Acls.SelectMany(a => a.Entries).Where(e => e.RuleNumber != 32767).SelectMany(e => new[] { e.CidrBlock, e.Ipv6CidrBlock }))
            .Concat(c.Input.PrefixLists.Values.SelectMany(v => v ?? []))
            .OfType<string>().ToHashSet();

    private static bool Nested(AwsCase c)
    {
        var blocks = Cidrs(c).Select(IpBlock.Parse).Distinct().ToList();
        return blocks.Any(a => blocks.Any(b => a != b && a.V6 == b.V6 && a.First <= b.First && b.Last <= a.Last && a.PrefixLength > 0));
    }
}
