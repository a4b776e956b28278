using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// The oracle against the scenarios Microsoft's documentation states outright (pages cited in AzureOracle.cs):
/// "How network security groups filter network traffic" (VM1-VM4, TCP port 80 from the internet), the default rules of
/// the overview, "Public IP addresses" (Standard closed by default, Basic open), the augmented-rule port example.
/// </summary>
public sealed class AzureOracleDocumentationTests
{
    private const string Internet = "203.0.113.7";

    private static readonly AzureRule Allow80FromInternet = AzureRule.In("allow-http", 100, true, "Tcp", "Internet", "80");

    private static AzureNsg Nsg(string name, params AzureRule[] rules) => new(name, rules);

    private static AzureCase Vm(AzureNsg[] nsgs, string? subnetNsg, string? nicNsg, PublicIpSku sku = PublicIpSku.Standard,
        string[]? asgs = null) =>
        new(1, null, nsgs, [new AzureSubnet("Subnet1", "10.0.1.0/24", subnetNsg)],
            [new AzureNic("nic1", "10.0.1.4", "Subnet1", nicNsg, asgs ?? [], sku, sku == PublicIpSku.None ? null : "20.50.60.70")]);

    private static OracleDecision Tcp(AzureCase c, int port, string source) =>
        AzureOracle.Evaluate(c, "tcp", port, IPAddress.Parse(source));

    [Fact]
    public void Vm1_port_80_from_the_internet_needs_an_allow_in_both_the_subnet_nsg_and_the_nic_nsg()
    {
        // "To allow port 80 to the virtual machine, both NSG1 and NSG2 must have a rule that allows port 80 from the internet."
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([Nsg("NSG1"), Nsg("NSG2")], "NSG1", "NSG2"), 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([Nsg("NSG1", Allow80FromInternet), Nsg("NSG2")], "NSG1", "NSG2"), 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([Nsg("NSG1"), Nsg("NSG2", Allow80FromInternet)], "NSG1", "NSG2"), 80, Internet));
        var both = Vm([Nsg("NSG1", Allow80FromInternet), Nsg("NSG2", Allow80FromInternet)], "NSG1", "NSG2");
        Assert.Equal(OracleDecision.Admitted, Tcp(both, 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(both, 81, Internet)); // DenyAllInbound
    }

    [Fact]
    public void Vm2_without_a_nic_nsg_gets_what_the_subnet_nsg_allows()
    {
        var c = Vm([Nsg("NSG1", Allow80FromInternet)], "NSG1", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 443, Internet));
    }

    [Fact]
    public void Vm3_without_a_subnet_nsg_gets_what_the_nic_nsg_allows()
    {
        var c = Vm([Nsg("NSG2", Allow80FromInternet)], null, "NSG2");
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 22, Internet));
    }

    [Fact]
    public void Vm4_without_any_nsg_is_open_through_a_basic_public_ip_and_closed_through_a_standard_one()
    {
        // how-it-works: "All network traffic is allowed ... if they don't have a network security group associated";
        // public-ip-addresses: Standard is "secure by default ... closed to inbound traffic", Basic "open by default".
        Assert.Equal(OracleDecision.Admitted, Tcp(Vm([], null, null, PublicIpSku.Basic), 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([], null, null, PublicIpSku.Standard), 80, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(Vm([], null, null, PublicIpSku.Standard), 80, "10.0.2.9"));
        // No public IP at all: the internet cannot reach it, with or without NSG.
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([], null, null, PublicIpSku.None), 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(Vm([Nsg("NSG2", Allow80FromInternet)], null, "NSG2", PublicIpSku.None), 80, Internet));
    }

    [Fact]
    public void Default_rules_allow_the_load_balancer_probe_deny_the_internet_and_leave_the_vnet_unknown()
    {
        var c = Vm([Nsg("NSG1")], "NSG1", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 5432, "168.63.129.16")); // AllowAzureLoadBalancerInBound 65001
        Assert.Equal(OracleDecision.Refused, Tcp(c, 5432, "168.63.129.17"));  // DenyAllInbound 65500
        Assert.Equal(OracleDecision.Refused, Tcp(c, 22, Internet));
        // AllowVNetInBound: whether 10.200.0.1 is in the VNet's (unread) address space is unknown.
        Assert.Equal(OracleDecision.Indeterminate, Tcp(c, 22, "10.200.0.1"));
        Assert.Equal(OracleDecision.Indeterminate, AzureOracle.Evaluate(c, "udp", 53, IPAddress.Parse("fd00::5")));
    }

    [Fact]
    public void Processing_stops_at_the_first_match_in_priority_order()
    {
        var denyFirst = Vm([Nsg("N", AzureRule.In("allow", 200, true, "Tcp", "*", "22"),
            AzureRule.In("deny", 100, false, "Tcp", "198.51.100.0/24", "22"))], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(denyFirst, 22, "198.51.100.1"));
        Assert.Equal(OracleDecision.Admitted, Tcp(denyFirst, 22, "198.51.101.1"));
        var allowFirst = Vm([Nsg("N", AzureRule.In("allow", 100, true, "Tcp", "*", "22"),
            AzureRule.In("deny", 200, false, "Tcp", "198.51.100.0/24", "22"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(allowFirst, 22, "198.51.100.1"));
    }

    [Fact]
    public void Augmented_port_list_80_and_10000_10005()
    {
        var c = Vm([Nsg("N", AzureRule.In("aug", 100, true, "Tcp", "*", "80", "10000-10005"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 10000, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 10005, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 10006, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 9999, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 81, Internet));
    }

    [Fact]
    public void Any_protocol_encompasses_tcp_udp_and_icmp_while_esp_and_a_tcp_rule_do_not_admit_udp()
    {
        var any = Vm([Nsg("N", AzureRule.In("any", 100, true, "*", "*", "53"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(any, 53, Internet));
        Assert.Equal(OracleDecision.Admitted, AzureOracle.Evaluate(any, "udp", 53, IPAddress.Parse(Internet)));
        Assert.Equal(OracleDecision.Admitted, AzureOracle.Evaluate(any, "icmp", 0, IPAddress.Parse(Internet))); // ports not checked
        var tcp = Vm([Nsg("N", AzureRule.In("tcp", 100, true, "Tcp", "*", "53"))], "N", null);
        Assert.Equal(OracleDecision.Refused, AzureOracle.Evaluate(tcp, "udp", 53, IPAddress.Parse(Internet)));
        Assert.Equal(OracleDecision.Refused, AzureOracle.Evaluate(tcp, "icmp", 0, IPAddress.Parse(Internet)));
        var esp = Vm([Nsg("N", AzureRule.In("esp", 100, true, "Esp", "*"))], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(esp, 22, Internet));
        Assert.Equal(OracleDecision.Refused, AzureOracle.Evaluate(esp, "icmp", 0, IPAddress.Parse(Internet)));
    }

    [Fact]
    public void Outbound_rules_do_not_decide_inbound_packets()
    {
        var c = Vm([Nsg("N", new AzureRule("out", 100, false, true, "*", ["*"], [], ["*"], [], ["*"]))], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(c, 22, Internet));
    }

    [Fact]
    public void Inbound_nsgs_see_the_private_destination_after_translation_of_the_public_ip()
    {
        AzureCase To(string destination) => Vm([Nsg("N",
            new AzureRule("to", 100, true, true, "Tcp", ["*"], [], [destination], [], ["443"]))], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(To("20.50.60.70/32"), 443, Internet)); // the public IP
        Assert.Equal(OracleDecision.Admitted, Tcp(To("10.0.1.4"), 443, Internet));      // the NIC's private IP
        Assert.Equal(OracleDecision.Admitted, Tcp(To("10.0.0.0/16"), 443, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(To("10.0.2.0/24"), 443, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(To("VirtualNetwork"), 443, Internet));
    }

    [Fact]
    public void The_rest_api_NetworkSecurityGroupGet_example_admits_port_80_from_anywhere()
    {
        // rule1: priority 130, Allow, protocol *, source *, destination *, destinationPortRange 80.
        var c = Vm([Nsg("testnsg", AzureRule.In("rule1", 130, true, "*", "*", "80"))], null, "testnsg");
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, "10.9.9.9"));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 8080, Internet));
    }

    [Fact]
    public void Service_tags_and_asgs_are_unknown_only_where_they_could_hold()
    {
        var tag = Vm([Nsg("N", AzureRule.In("st", 100, true, "Tcp", "Storage.WestEurope", "443"))], "N", null);
        Assert.Equal(OracleDecision.Indeterminate, Tcp(tag, 443, Internet));
        Assert.Equal(OracleDecision.Indeterminate, Tcp(tag, 443, "10.1.1.1")); // AllowVnetInBound unknown, not the tag
        var tagDeny = Vm([Nsg("N", AzureRule.In("st", 100, false, "Tcp", "AzureCloud", "443"),
            AzureRule.In("all", 200, true, "Tcp", "*", "443"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(tagDeny, 443, "10.1.1.1")); // a tag never holds a private address
        Assert.Equal(OracleDecision.Indeterminate, Tcp(tagDeny, 443, Internet));
        var asg = Vm([Nsg("N", new AzureRule("asg", 100, true, false, "Tcp", [], ["asg-web"], ["*"], [], ["443"]),
            AzureRule.In("all", 200, true, "Tcp", "*", "443"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(asg, 443, Internet));       // an ASG never holds a public address
        Assert.Equal(OracleDecision.Indeterminate, Tcp(asg, 443, "10.1.1.1"));
        var internet = Vm([Nsg("N", AzureRule.In("i", 100, true, "Tcp", "Internet", "443"))], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(internet, 443, Internet));
        Assert.Equal(OracleDecision.Indeterminate, Tcp(internet, 443, "100.64.0.1")); // private: Internet no, VNet unknown
    }

    [Fact]
    public void Cidr_families_do_not_mix_and_ipv6_needs_the_ipv6_public_ip()
    {
        var nsg = Nsg("N", AzureRule.In("v4all", 100, true, "Tcp", "0.0.0.0/0", "22"));
        var c = new AzureCase(1, null, [nsg], [new AzureSubnet("S", "10.0.1.0/24", "N")],
            [new AzureNic("nic1", "10.0.1.4", "S", null, [], PublicIpSku.Standard, "20.1.1.1", "fd00:0:0:1::4", "2603:1000::4")]);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 22, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 22, "2001:db8::1"));
        var v6 = c with { Nsgs = [Nsg("N", AzureRule.In("v6all", 100, true, "Tcp", "::/0", "22"))] };
        Assert.Equal(OracleDecision.Admitted, Tcp(v6, 22, "2001:db8::1"));
        Assert.Equal(OracleDecision.Refused, Tcp(v6, 22, Internet));
        var noV6 = v6 with { Nics = [v6.Nics[0] with { PrivateIpv6 = null, PublicIpv6Address = null }] };
        Assert.Equal(OracleDecision.Refused, Tcp(noV6, 22, "2001:db8::1")); // unreachable from the internet
    }

    [Fact]
    public void The_vm_admits_if_any_nic_admits()
    {
        var c = new AzureCase(1, null, [Nsg("open", Allow80FromInternet), Nsg("closed")],
            [new AzureSubnet("S1", "10.0.1.0/24", null), new AzureSubnet("S2", "10.0.2.0/24", null)],
            [
                new AzureNic("nic1", "10.0.1.4", "S1", "closed", [], PublicIpSku.Standard, "20.1.1.1"),
                new AzureNic("nic2", "10.0.2.4", "S2", "open", [], PublicIpSku.Standard, "20.1.1.2"),
            ]);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, 80, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(c, 81, Internet));
    }

    [Fact]
    public void Mode_nsg_destination_cidrs_and_asgs_are_unknown_but_star_and_virtualnetwork_hold()
    {
        AzureCase Alone(params AzureRule[] rules) => new(1, "N", [Nsg("N", rules)], [], []);
        var toCidr = Alone(new AzureRule("c", 100, true, true, "Tcp", ["*"], [], ["10.0.1.0/24"], [], ["22"]));
        Assert.Equal(OracleDecision.Indeterminate, Tcp(toCidr, 22, Internet));
        Assert.Equal(OracleDecision.Refused, Tcp(toCidr, 22, "2001:db8::1")); // an IPv4 destination never holds IPv6
        var toAsg = Alone(new AzureRule("a", 100, true, true, "Tcp", ["*"], [], [], ["asg-db"], ["22"]));
        Assert.Equal(OracleDecision.Indeterminate, Tcp(toAsg, 22, Internet));
        var toVnet = Alone(new AzureRule("v", 100, true, true, "Tcp", ["*"], [], ["VirtualNetwork"], [], ["22"]));
        Assert.Equal(OracleDecision.Admitted, Tcp(toVnet, 22, Internet));
        // No reachability step in mode NSG, and the default rules still apply.
        Assert.Equal(OracleDecision.Refused, Tcp(toVnet, 23, Internet));
        Assert.Equal(OracleDecision.Admitted, Tcp(toVnet, 23, "168.63.129.16"));
    }
}
