using System.Net;
using static OecCloudFw.Aws.Tests.Oracle.AwsWireBuilder;

namespace OecCloudFw.Aws.Tests.Oracle;

using Amazon.EC2.Model;

/// <summary>
/// The oracle on the providers' published examples, with the answers the documentation states (pages cited at the
/// top of AwsOracle.cs). The security groups of the ACL examples allow everything, so the ACL decides.
/// </summary>
public sealed class AwsOracleDocumentedExamplesTests
{
    private const string Client = "198.51.100.10";
    private const string Home = "192.0.2.10";

    private static OracleDecision Ask(AwsWireInput input, string protocol, int port, string source) =>
        AwsOracle.Evaluate(input, protocol, port, IPAddress.Parse(source));

    private static AwsWireBuilder OpenGroup(AwsWireBuilder b) =>
        b.Group("sg-open", FromCidr("-1", -1, -1, "0.0.0.0/0"), FromCidr("-1", -1, -1, "::/0"));

    /// <summary>custom-network-acl.html, inbound table: 100 HTTP, 110 HTTPS, 120 SSH and 130 RDP from 192.0.2.0/24,
    /// 140 TCP 32768-65535, '*' deny; here with outbound 1024-65535 open (nacl-ephemeral-ports.html: "in practice ...
    /// you can open ephemeral ports 1024-65535").</summary>
    private static AwsWireInput CustomAcl(params NetworkAclEntry[] outbound) => OpenGroup(new AwsWireBuilder())
        .Acl("subnet-web",
        [
            In(100, "6", true, "0.0.0.0/0", 80, 80),
            In(110, "6", true, "0.0.0.0/0", 443, 443),
            In(120, "6", true, "192.0.2.0/24", 22, 22),
            In(130, "6", true, "192.0.2.0/24", 3389, 3389),
            In(140, "6", true, "0.0.0.0/0", 32768, 65535),
            .. outbound,
        ])
        .Interface("subnet-web", "54.1.2.3", elastic: false, ipv6: "2600:1f18::10", "sg-open")
        .Build();

    private static readonly NetworkAclEntry[] OpenEphemeral = [Out(120, "6", true, "0.0.0.0/0", 1024, 65535)];

    [Theory]
    [InlineData("tcp", 80, Client, OracleDecision.Admitted)]      // rule 100: HTTP from any IPv4 address
    [InlineData("tcp", 443, Client, OracleDecision.Admitted)]     // rule 110: HTTPS from any IPv4 address
    [InlineData("tcp", 22, Home, OracleDecision.Admitted)]        // rule 120: SSH from the home network
    [InlineData("tcp", 3389, Home, OracleDecision.Admitted)]      // rule 130: RDP from the home network
    [InlineData("tcp", 22, Client, OracleDecision.Refused)]       // not the home network: no rule matches, '*' denies
    [InlineData("tcp", 3389, "192.0.3.1", OracleDecision.Refused)] // just past 192.0.2.0/24
    [InlineData("tcp", 139, Client, OracleDecision.Refused)]      // no rule matches: '*' denies
    [InlineData("tcp", 32768, Client, OracleDecision.Admitted)]   // rule 140 (stateless: a new connection too)
    [InlineData("tcp", 32767, Client, OracleDecision.Refused)]    // just below rule 140
    [InlineData("udp", 80, Client, OracleDecision.Refused)]       // the rules are TCP
    [InlineData("icmp", 0, Client, OracleDecision.Refused)]
    [InlineData("tcp", 80, "2001:db8::1", OracleDecision.Refused)] // "a VPC that supports IPv4 only": the IPv6 '*' denies
    public void Custom_acl_inbound_table(string protocol, int port, string source, OracleDecision expected) =>
        Assert.Equal(expected, Ask(CustomAcl(OpenEphemeral), protocol, port, source));

    [Fact]
    public void Custom_acl_reply_through_32768_65535_only_depends_on_the_client_port()
    {
        // custom-network-acl.html: outbound 140 "covers ephemeral ports 32768-65535"; nacl-ephemeral-ports.html: a NAT
        // gateway or ELB client uses 1024-65535, Windows 2003 1025-5000 -> whether the reply leaves depends on the client.
        var input = CustomAcl(Out(140, "6", true, "0.0.0.0/0", 32768, 65535));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 80, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 139, Client)); // the inbound '*' decides first
    }

    [Fact]
    public void Custom_acl_without_an_outbound_rule_for_the_reply_refuses()
    {
        // Network ACLs are stateless (VPC_ACLs.html): with only the outbound '*' the response never leaves.
        var input = CustomAcl(Out(100, "6", true, "0.0.0.0/0", 80, 80), Out(110, "6", true, "0.0.0.0/0", 443, 443));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 80, Client));
    }

    [Fact]
    public void Ephemeral_ports_deny_placed_earlier_than_the_wide_allow_makes_the_reply_port_dependent()
    {
        // nacl-ephemeral-ports.html: open 1024-65535 and deny malicious ports "earlier in the table".
        var denyFirst = CustomAcl(Out(100, "6", false, "0.0.0.0/0", 2049, 2049), Out(110, "6", true, "0.0.0.0/0", 1024, 65535));
        Assert.Equal(OracleDecision.Indeterminate, Ask(denyFirst, "tcp", 443, Client));

        // Placed after the allow, the deny never matches (first match wins, nacl-rules.html).
        var denyLater = CustomAcl(Out(110, "6", false, "0.0.0.0/0", 2049, 2049), Out(100, "6", true, "0.0.0.0/0", 1024, 65535));
        Assert.Equal(OracleDecision.Admitted, Ask(denyLater, "tcp", 443, Client));
    }

    [Theory]
    [InlineData(1024, 65535, OracleDecision.Admitted)]       // every client port
    [InlineData(1025, 65535, OracleDecision.Indeterminate)]  // not a client on port 1024 (ELB, NAT gateway: 1024-65535)
    [InlineData(1024, 65534, OracleDecision.Indeterminate)]  // not a client on port 65535
    [InlineData(0, 1023, OracleDecision.Refused)]            // no client port at all
    [InlineData(0, 65535, OracleDecision.Admitted)]
    [InlineData(49152, 65535, OracleDecision.Indeterminate)] // Windows Server 2008 and later only
    public void Ephemeral_ports_the_reply_must_leave_for_every_client_port_1024_65535(int from, int to, OracleDecision expected)
    {
        // nacl-ephemeral-ports.html: the client chooses its port; clients use ranges from 1024 up to 65535.
        Assert.Equal(expected, Ask(CustomAcl(Out(120, "6", true, "0.0.0.0/0", from, to)), "tcp", 443, Client));
        Assert.Equal(expected, Ask(CustomAcl(Out(120, "6", false, "0.0.0.0/0", 1, 1023), Out(130, "6", true, "0.0.0.0/0", from, to)), "tcp", 443, Client));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(65535)]
    [InlineData(32768)]
    public void Ephemeral_ports_a_single_denied_client_port_makes_the_reply_port_dependent(int denied)
    {
        var input = CustomAcl(Out(100, "6", false, "0.0.0.0/0", denied, denied), Out(110, "6", true, "0.0.0.0/0", 1024, 65535));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 443, Client));
        var otherDestination = CustomAcl(Out(100, "6", false, "203.0.113.0/24", denied, denied), Out(110, "6", true, "0.0.0.0/0", 1024, 65535));
        Assert.Equal(OracleDecision.Admitted, Ask(otherDestination, "tcp", 443, Client));
        Assert.Equal(OracleDecision.Indeterminate, Ask(otherDestination, "tcp", 443, "203.0.113.255"));
        var udpDeny = CustomAcl(Out(100, "17", false, "0.0.0.0/0", denied, denied), Out(110, "6", true, "0.0.0.0/0", 1024, 65535));
        Assert.Equal(OracleDecision.Admitted, Ask(udpDeny, "tcp", 443, Client)); // a UDP entry never matches the TCP reply
    }

    [Fact]
    public void Default_acl_allows_all_traffic_of_both_families()
    {
        // default-network-acl.html: 100 all IPv4 allow, 101 all IPv6 allow, '*' deny, inbound and outbound.
        var input = OpenGroup(new AwsWireBuilder()).DefaultAcl("subnet-a")
            .Interface("subnet-a", "54.1.2.3", elastic: true, ipv6: "2600:1f18::10", "sg-open").Build();
        foreach (var (protocol, port) in new[] { ("tcp", 22), ("udp", 53), ("icmp", 0), ("tcp", 65535) })
        {
            Assert.Equal(OracleDecision.Admitted, Ask(input, protocol, port, Client));
            Assert.Equal(OracleDecision.Admitted, Ask(input, protocol, port, "2a00:1450::1"));
            Assert.Equal(OracleDecision.Admitted, Ask(input, protocol, port, "10.1.2.3"));
        }
    }

    [Fact]
    public void Default_acl_without_the_ipv6_rules_denies_ipv6()
    {
        // default-network-acl.html: the IPv6 rules exist only with an IPv6 CIDR block; the IPv6 '*' then denies.
        var input = OpenGroup(new AwsWireBuilder())
            .Acl("subnet-a", In(100, "-1", true, "0.0.0.0/0"), Out(100, "-1", true, "0.0.0.0/0"))
            .Interface("subnet-a", "54.1.2.3", elastic: false, ipv6: "2600:1f18::10", "sg-open").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 443, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 443, "2a00:1450::1"));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 443, "fd00::1")); // private, but the ACL still denies
    }

    [Fact]
    public void Acl_rules_are_evaluated_by_rule_number_not_by_list_order()
    {
        // nacl-rules.html: "As soon as a rule matches traffic, it's applied regardless of any higher-numbered rule".
        var denyFirst = OpenGroup(new AwsWireBuilder())
            .Acl("s", In(200, "-1", true, "0.0.0.0/0"), In(100, "6", false, "0.0.0.0/0", 22, 22), Out(100, "-1", true, "0.0.0.0/0"))
            .Interface("s", "54.1.2.3", false, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Refused, Ask(denyFirst, "tcp", 22, Client));
        Assert.Equal(OracleDecision.Admitted, Ask(denyFirst, "tcp", 23, Client));

        var allowFirst = OpenGroup(new AwsWireBuilder())
            .Acl("s", In(100, "-1", true, "0.0.0.0/0"), In(200, "6", false, "0.0.0.0/0", 22, 22), Out(100, "-1", true, "0.0.0.0/0"))
            .Interface("s", "54.1.2.3", false, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(allowFirst, "tcp", 22, Client));
    }

    private static AwsWireInput GroupsOnly(params (string Id, SecurityGroupRule[] Rules)[] groups)
    {
        var b = new AwsWireBuilder().DefaultAcl("s");
        foreach (var (id, rules) in groups)
        {
            b.Group(id, rules);
        }

        return b.Interface("s", "54.1.2.3", elastic: true, ipv6: "2600:1f18::10", [.. groups.Select(g => g.Id)]).Build();
    }

    [Fact]
    public void Security_group_the_most_permissive_rule_applies()
    {
        // security-group-rules.html: SSH from 203.0.113.1 and SSH from everyone -> everyone has access to TCP 22.
        var input = GroupsOnly(("sg-a", [FromCidr("tcp", 22, 22, "203.0.113.1/32"), FromCidr("tcp", 22, 22, "0.0.0.0/0")]));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 22, Client));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 22, "203.0.113.1"));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 23, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 22, "2a00:1450::1")); // an IPv4 CIDR never matches IPv6
    }

    [Fact]
    public void Security_group_without_inbound_rules_refuses_everything()
    {
        // security-group-rules.html: "When you first create a security group, it has no inbound rules".
        var input = GroupsOnly(("sg-new", []));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 22, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "icmp", 0, "10.0.0.5"));
    }

    [Fact]
    public void Security_groups_of_an_interface_are_aggregated()
    {
        // security-group-rules.html: "the rules from each security group are aggregated".
        var input = GroupsOnly(("sg-web", [FromCidr("tcp", 80, 80, "0.0.0.0/0")]), ("sg-ssh", [FromCidr("tcp", 22, 22, "0.0.0.0/0")]));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 80, Client));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 22, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 443, Client));
    }

    [Fact]
    public void Referenced_group_admits_private_addresses_of_members_only()
    {
        // The default security group's inbound rule: all traffic from itself. Membership of a private S is unknown;
        // a public (or Elastic) address never matches a referenced group.
        var input = GroupsOnly(("sg-default", [FromGroup("-1", -1, -1, "sg-default")]));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 5432, "10.0.0.5"));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 5432, "fd12::5"));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 5432, "54.1.2.99"));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 5432, "2a00:1450::1"));
    }

    [Fact]
    public void Prefix_list_readable_is_its_cidrs_and_unreadable_is_unknown_for_every_source()
    {
        var input = new AwsWireBuilder().DefaultAcl("s")
            .PrefixList("pl-read", ["203.0.113.0/24", "2001:db8::/32"]).PrefixList("pl-hidden", null)
            .Group("sg-a", FromPrefixList("tcp", 443, 443, "pl-read"), FromPrefixList("tcp", 8443, 8443, "pl-hidden"))
            .Interface("s", "54.1.2.3", elastic: false, ipv6: "2600:1f18::10", "sg-a").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 443, "203.0.113.200"));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 443, "2001:db8::7"));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 443, "203.0.114.0"));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 8443, Client));
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 8443, "10.9.9.9"));
    }

    [Fact]
    public void Icmp_rules_match_their_own_family_and_the_echo_type()
    {
        // SecurityGroupRuleRequest: FromPort is the ICMP type, -1 all types.
        var input = GroupsOnly(
            ("sg-icmp", [FromCidr("icmp", -1, -1, "0.0.0.0/0"), FromCidr("icmp", -1, -1, "::/0"), FromCidr("icmpv6", 3, -1, "::/0")]));
        Assert.Equal(OracleDecision.Admitted, Ask(input, "icmp", 0, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "icmp", 0, "2a00:1450::1")); // icmp never matches ICMPv6; type 3 is not echo
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 22, Client));

        var echo6 = GroupsOnly(("sg-icmp6", [FromCidr("58", 128, -1, "::/0")]));
        Assert.Equal(OracleDecision.Admitted, Ask(echo6, "icmp", 0, "2a00:1450::1"));
    }

    [Fact]
    public void Acl_icmp_entry_of_protocol_1_does_not_match_ipv6()
    {
        var input = OpenGroup(new AwsWireBuilder())
            .Acl("s", In(100, "1", true, "0.0.0.0/0"), In(101, "1", true, "::/0"), Out(100, "-1", true, "0.0.0.0/0"), Out(101, "-1", true, "::/0"))
            .Interface("s", "54.1.2.3", false, "2600:1f18::10", "sg-open").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(input, "icmp", 0, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "icmp", 0, "2a00:1450::1"));
    }

    [Fact]
    public void Unrelated_protocol_numbers_match_none_of_our_packets()
    {
        var input = GroupsOnly(("sg-esp", [FromCidr("50", -1, -1, "0.0.0.0/0")]));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 22, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "icmp", 0, Client));
        var all = GroupsOnly(("sg-all", [FromCidr("-1", -1, -1, "0.0.0.0/0")]));
        Assert.Equal(OracleDecision.Admitted, Ask(all, "udp", 5432, Client));
    }

    [Fact]
    public void Public_sources_need_a_public_address_of_their_family()
    {
        var noPublic = OpenGroup(new AwsWireBuilder()).DefaultAcl("s").Interface("s", null, false, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Refused, Ask(noPublic, "tcp", 80, Client));
        Assert.Equal(OracleDecision.Refused, Ask(noPublic, "tcp", 80, "2a00:1450::1"));
        Assert.Equal(OracleDecision.Admitted, Ask(noPublic, "tcp", 80, "172.31.0.9"));
        Assert.Equal(OracleDecision.Admitted, Ask(noPublic, "tcp", 80, "100.64.0.1"));
        Assert.Equal(OracleDecision.Admitted, Ask(noPublic, "tcp", 80, "fc00::1"));
        Assert.Equal(OracleDecision.Refused, Ask(noPublic, "tcp", 80, "100.128.0.0")); // just past 100.64.0.0/10
    }

    [Theory]
    [InlineData("10.0.0.0", true)]
    [InlineData("10.255.255.255", true)]
    [InlineData("9.255.255.255", false)]
    [InlineData("11.0.0.0", false)]
    [InlineData("172.16.0.0", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.32.0.0", false)]
    [InlineData("192.168.0.0", true)]
    [InlineData("192.168.255.255", true)]
    [InlineData("192.167.255.255", false)]
    [InlineData("192.169.0.0", false)]
    [InlineData("100.64.0.0", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("100.63.255.255", false)]
    [InlineData("100.128.0.0", false)]
    [InlineData("fc00::", true)]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("fe00::", false)]
    [InlineData("::ffff:10.0.0.1", false)] // IPv4-mapped: an IPv6 address, and not in fc00::/7
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    public void The_private_ranges_of_the_contract_and_their_boundaries(string source, bool isPrivate)
    {
        // Private sources arrive from inside the VPC (no public address needed); a referenced group may hold them.
        var input = new AwsWireBuilder().DefaultAcl("s").Group("sg-a", FromGroup("-1", -1, -1, "sg-peer"))
            .Group("sg-b", FromCidr("-1", -1, -1, "0.0.0.0/0"), FromCidr("-1", -1, -1, "::/0"))
            .Interface("s", null, false, null, "sg-a").Interface("s", null, false, null, "sg-b").Build();
        Assert.Equal(isPrivate ? OracleDecision.Admitted : OracleDecision.Refused, Ask(input, "udp", 53, source));
        var referencedOnly = new AwsWireBuilder().DefaultAcl("s").Group("sg-a", FromGroup("-1", -1, -1, "sg-peer"))
            .Interface("s", "3.3.3.3", true, "2600:1f18::1", "sg-a").Build();
        Assert.Equal(isPrivate ? OracleDecision.Indeterminate : OracleDecision.Refused, Ask(referencedOnly, "udp", 53, source));
    }

    [Fact]
    public void The_instance_admits_when_any_interface_admits()
    {
        // eni-0 has no public address; eni-1 has an Elastic IP.
        var input = OpenGroup(new AwsWireBuilder()).DefaultAcl("s1").DefaultAcl("s2")
            .Interface("s1", null, false, null, "sg-open")
            .Interface("s2", "3.3.3.3", elastic: true, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(input, "tcp", 80, Client));
        Assert.Equal(OracleDecision.Refused, Ask(input, "tcp", 80, "2a00:1450::1"));
    }

    [Fact]
    public void Unknowns_are_enumerated_jointly_over_the_whole_instance()
    {
        // Both interfaces admit 10.0.0.5 iff it is a member of sg-x: one unknown, both assignments differ -> Indeterminate.
        var same = new AwsWireBuilder().DefaultAcl("s")
            .Group("sg-a", FromGroup("tcp", 22, 22, "sg-x")).Group("sg-b", FromGroup("tcp", 0, 65535, "sg-x"))
            .Interface("s", null, false, null, "sg-a").Interface("s", null, false, null, "sg-b").Build();
        Assert.Equal(OracleDecision.Indeterminate, Ask(same, "tcp", 22, "10.0.0.5"));
        Assert.Equal(OracleDecision.Refused, Ask(same, "tcp", 22, "8.8.8.8"));

        // One interface admits for sure: every assignment admits.
        var sure = new AwsWireBuilder().DefaultAcl("s")
            .Group("sg-a", FromGroup("tcp", 22, 22, "sg-x")).Group("sg-b", FromCidr("tcp", 22, 22, "10.0.0.0/8"))
            .Interface("s", null, false, null, "sg-a").Interface("s", null, false, null, "sg-b").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(sure, "tcp", 22, "10.0.0.5"));
    }

    [Fact]
    public void Indeterminate_reply_on_one_interface_and_admission_on_another_admits()
    {
        var input = OpenGroup(new AwsWireBuilder())
            .Acl("narrow", In(100, "-1", true, "0.0.0.0/0"), Out(100, "6", true, "0.0.0.0/0", 32768, 65535))
            .DefaultAcl("wide")
            .Interface("narrow", "3.3.3.3", true, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Indeterminate, Ask(input, "tcp", 80, Client));

        var both = OpenGroup(new AwsWireBuilder())
            .Acl("narrow", In(100, "-1", true, "0.0.0.0/0"), Out(100, "6", true, "0.0.0.0/0", 32768, 65535))
            .DefaultAcl("wide")
            .Interface("narrow", "3.3.3.3", true, null, "sg-open").Interface("wide", "3.3.3.4", true, null, "sg-open").Build();
        Assert.Equal(OracleDecision.Admitted, Ask(both, "tcp", 80, Client));
    }
}
