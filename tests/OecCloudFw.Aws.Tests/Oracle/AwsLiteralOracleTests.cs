using System.Net;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>
/// The oracle's shortcuts (ACL entries pre-filtered per query, the reply checked per port segment, unknowns as bit
/// masks) against a literal reading of the contract: every assignment as a dictionary, every client port 1024-65535
/// one by one, every rule re-read for every packet.
/// </summary>
public sealed class AwsLiteralOracleTests
{
    [Fact]
    public void The_oracle_agrees_with_the_literal_evaluation_on_generated_cases()
    {
        var rng = new Random(7);
        var compared = 0;
        var seen = new HashSet<OracleDecision>();
        foreach (var seed in Enumerable.Range(60_000, 30))
        {
            var c = AwsCaseGenerator.Generate(seed);
            foreach (var query in c.Queries)
            {
                foreach (var ipv6 in new[] { false, true })
                {
                    var oracle = AwsOracle.Compile(c.Input, query.Protocol, query.PortFor(ipv6), ipv6);
                    var samples = c.Samples(ipv6);
                    foreach (var address in Enumerable.Range(0, 4).Select(_ => samples[rng.Next(samples.Count)]))
                    {
                        var expected = Literal(c.Input, query.Protocol, query.Port, ipv6, address);
                        Assert.True(expected == oracle(address), $"{address} {query} {(ipv6 ? "v6" : "v4")}: oracle {oracle(address)}, literal {expected}\n{c}");
                        seen.Add(expected);
                        compared++;
                    }
                }
            }
        }

        Assert.Equal(30 * 3 * 2 * 4, compared);
        Assert.Equal(3, seen.Count);
    }

    private static OracleDecision Literal(AwsWireInput input, string protocol, int port, bool v6, IPAddress source)
    {
        var s = IpBlock.ToNumber(source);
        var isPrivate = IpBlock.IsPrivate(v6, s);
        var unknowns = input.Rules.Where(r => r.IsEgress == false)
            .Select(r => r.ReferencedGroupInfo?.GroupId is { } g && isPrivate ? "sg:" + g
                : r.PrefixListId is { } p && input.PrefixLists.GetValueOrDefault(p) is null ? "pl:" + p : null)
            .OfType<string>().Distinct().ToList();
        var answers = new HashSet<OracleDecision>();
        for (var bits = 0; bits < 1 << unknowns.Count; bits++)
        {
            var assignment = unknowns.Select((u, i) => (u, (bits >> i & 1) == 1)).ToDictionary(x => x.u, x => x.Item2);
            var perInterface = input.Instance.NetworkInterfaces.Select(eni => Interface(input, eni, protocol, port, v6, s, isPrivate, assignment)).ToList();
            answers.Add(perInterface.Contains(OracleDecision.Admitted) ? OracleDecision.Admitted
                : perInterface.All(d => d == OracleDecision.Refused) ? OracleDecision.Refused : OracleDecision.Indeterminate);
        }

        return answers.Count == 1 ? answers.Single() : OracleDecision.Indeterminate;
    }

    private static OracleDecision Interface(
        AwsWireInput input, InstanceNetworkInterface eni, string protocol, int port, bool v6, UInt128 s, bool isPrivate,
        Dictionary<string, bool> assignment)
    {
        var reachable = isPrivate || (v6 ? eni.Ipv6Addresses.Count > 0 : eni.Association?.PublicIp is not null);
        var acl = input.Acls.Single(a => a.Associations.Any(x => x.SubnetId == eni.SubnetId));
        var number = protocol switch { "tcp" => 6, "udp" => 17, _ => v6 ? 58 : 1 };
        var groups = eni.Groups.Select(g => g.GroupId).ToHashSet();
        var sg = input.Rules.Any(r => r.IsEgress == false && groups.Contains(r.GroupId) && SgMatches(r, number, port, v6, s, isPrivate, input, assignment));
        if (!reachable || !sg || !AclAllows(acl, false, number, port, v6 ? 128 : 8, v6, s))
        {
            return OracleDecision.Refused;
        }

        if (number is 1 or 58)
        {
            return AclAllows(acl, true, number, 0, v6 ? 129 : 0, v6, s) ? OracleDecision.Admitted : OracleDecision.Refused;
        }

        var allowed = Enumerable.Range(1024, 65535 - 1024 + 1).Count(p => AclAllows(acl, true, number, p, -1, v6, s));
        return allowed == 65535 - 1024 + 1 ? OracleDecision.Admitted : allowed == 0 ? OracleDecision.Refused : OracleDecision.Indeterminate;
    }

    private static bool AclAllows(NetworkAcl acl, bool egress, int number, int port, int icmpType, bool v6, UInt128 s)
    {
        foreach (var e in acl.Entries.Where(e => e.Egress == egress).OrderBy(e => e.RuleNumber))
        {
            var cidr = v6 ? e.Ipv6CidrBlock : e.CidrBlock;
            var protocolMatches = e.Protocol == "-1" || (int.Parse(e.Protocol, System.Globalization.CultureInfo.InvariantCulture) == number
                && (number is not (6 or 17) || (e.PortRange.From <= port && port <= e.PortRange.To))
                && (number is not (1 or 58) || e.IcmpTypeCode.Type == -1 || e.IcmpTypeCode.Type == icmpType));
            if (cidr is not null && IpBlock.Parse(cidr).Contains(v6, s) && protocolMatches)
            {
                return e.RuleAction.Value == "allow";
            }
        }

        return false;
    }

    private static bool SgMatches(
        SecurityGroupRule r, int number, int port, bool v6, UInt128 s, bool isPrivate, AwsWireInput input, Dictionary<string, bool> assignment)
    {
        var protocol = r.IpProtocol switch { "tcp" => 6, "udp" => 17, "icmp" => 1, "icmpv6" => 58, var p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) };
        var protocolMatches = protocol == -1 || (protocol == number && number switch
        {
            6 or 17 => r.FromPort <= port && port <= r.ToPort,
            _ => r.FromPort == -1 || r.FromPort == (v6 ? 128 : 8),
        });
        if (!protocolMatches)
        {
            return false;
        }

        if (r.ReferencedGroupInfo is { } g)
        {
            return isPrivate && assignment["sg:" + g.GroupId];
        }

        if (r.PrefixListId is { } pl)
        {
            return input.PrefixLists[pl] is { } cidrs ? cidrs.Any(c => IpBlock.Parse(c).Contains(v6, s)) : assignment["pl:" + pl];
        }

        var cidr = v6 ? r.CidrIpv6 : r.CidrIpv4;
        return cidr is not null && IpBlock.Parse(cidr).Contains(v6, s);
    }
}
