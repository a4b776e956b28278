using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// The contract's brute force: each unknown membership (per tag / ASG / VirtualNetwork / mode-NSG destination, for the
/// address) is one variable shared by every rule, NSG and NIC of the case; definite iff every assignment agrees.
/// </summary>
public sealed class AzureOracleUnknownsTests
{
    private const string Public = "52.174.1.2";

    private static AzureCase Vm(AzureNsg[] nsgs, string? subnetNsg, string? nicNsg) =>
        new(1, null, nsgs, [new AzureSubnet("S", "10.0.1.0/24", subnetNsg)],
            [new AzureNic("nic1", "10.0.1.4", "S", nicNsg, ["asg-web"], PublicIpSku.Standard, "20.1.1.1")]);

    private static OracleDecision Tcp(AzureCase c, string source, int port = 443) =>
        AzureOracle.Evaluate(c, "tcp", port, IPAddress.Parse(source));

    [Fact]
    public void An_unknown_that_decides_is_indeterminate_but_one_that_cannot_change_the_answer_is_definite()
    {
        var decides = Vm([new AzureNsg("N", [AzureRule.In("st", 100, true, "Tcp", "Storage", "443")])], "N", null);
        Assert.Equal(OracleDecision.Indeterminate, Tcp(decides, Public));
        Assert.Equal(OracleDecision.Refused, Tcp(decides, Public, 444));
        // Deny Storage, then allow Storage: in Storage -> denied; not in Storage -> DenyAllInbound. Refused either way.
        var irrelevant = Vm([new AzureNsg("N", [AzureRule.In("deny", 100, false, "Tcp", "Storage", "443"),
            AzureRule.In("allow", 200, true, "Tcp", "Storage", "443")])], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(irrelevant, Public));
        // A known allow before the unknown: definite.
        var shadowed = Vm([new AzureNsg("N", [AzureRule.In("all", 100, true, "Tcp", "*", "443"),
            AzureRule.In("deny", 200, false, "Tcp", "Storage", "443")])], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(shadowed, Public));
    }

    [Fact]
    public void The_same_tag_is_one_unknown_across_the_subnet_nsg_and_the_nic_nsg()
    {
        // Subnet NSG admits only Storage; NIC NSG denies Storage and admits the rest: nothing gets through both.
        var c = Vm([
            new AzureNsg("sub", [AzureRule.In("st", 100, true, "Tcp", "Storage", "443")]),
            new AzureNsg("nic", [AzureRule.In("nost", 100, false, "Tcp", "Storage", "443"), AzureRule.In("all", 200, true, "Tcp", "*", "443")]),
        ], "sub", "nic");
        Assert.Equal(OracleDecision.Refused, Tcp(c, Public));
        // Different tags are different unknowns: Storage in, AzureCloud out is possible.
        var d = Vm([
            new AzureNsg("sub", [AzureRule.In("st", 100, true, "Tcp", "Storage", "443")]),
            new AzureNsg("nic", [AzureRule.In("noac", 100, false, "Tcp", "AzureCloud", "443"), AzureRule.In("all", 200, true, "Tcp", "*", "443")]),
        ], "sub", "nic");
        Assert.Equal(OracleDecision.Indeterminate, Tcp(d, Public));
    }

    [Fact]
    public void The_assignment_is_evaluated_over_the_whole_vm_before_comparing()
    {
        // NIC 1 admits only Storage, NIC 2 admits all but Storage: whichever the truth, one NIC admits.
        var c = new AzureCase(1, null,
            [
                new AzureNsg("only", [AzureRule.In("st", 100, true, "Tcp", "Storage", "443")]),
                new AzureNsg("but", [AzureRule.In("nost", 100, false, "Tcp", "Storage", "443"), AzureRule.In("all", 200, true, "Tcp", "*", "443")]),
            ],
            [new AzureSubnet("S1", "10.0.1.0/24", null), new AzureSubnet("S2", "10.0.2.0/24", null)],
            [
                new AzureNic("nic1", "10.0.1.4", "S1", "only", [], PublicIpSku.Standard, "20.1.1.1"),
                new AzureNic("nic2", "10.0.2.4", "S2", "but", [], PublicIpSku.Standard, "20.1.1.2"),
            ]);
        Assert.Equal(OracleDecision.Admitted, Tcp(c, Public));
        // Per NIC alone each is Indeterminate.
        Assert.Equal(OracleDecision.Indeterminate, Tcp(c with { Nics = [c.Nics[0]] }, Public));
        Assert.Equal(OracleDecision.Indeterminate, Tcp(c with { Nics = [c.Nics[1]] }, Public));
    }

    [Fact]
    public void Asg_and_virtualnetwork_unknowns_apply_to_private_sources_and_destination_asgs_are_known_on_a_vm()
    {
        var srcAsg = Vm([new AzureNsg("N", [new AzureRule("a", 100, true, true, "Tcp", [], ["asg-db"], ["*"], [], ["443"])])], "N", null);
        Assert.Equal(OracleDecision.Indeterminate, Tcp(srcAsg, "10.0.1.9")); // asg-db, else AllowVnetInBound: both unknown
        Assert.Equal(OracleDecision.Refused, Tcp(srcAsg, Public));
        // Destination ASG: the NIC is in asg-web and not in asg-db.
        var toWeb = Vm([new AzureNsg("N", [new AzureRule("w", 100, true, true, "Tcp", ["Internet"], [], [], ["asg-web"], ["443"])])], "N", null);
        Assert.Equal(OracleDecision.Admitted, Tcp(toWeb, Public));
        var toDb = Vm([new AzureNsg("N", [new AzureRule("d", 100, true, true, "Tcp", ["Internet"], [], [], ["asg-db"], ["443"])])], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(toDb, Public));
        // Deny VirtualNetwork first: a private source is refused whatever the VNet holds.
        var denyVnet = Vm([new AzureNsg("N", [AzureRule.In("dv", 100, false, "Tcp", "VirtualNetwork", "443")])], "N", null);
        Assert.Equal(OracleDecision.Refused, Tcp(denyVnet, "192.168.7.7"));
    }

    [Fact]
    public void Mode_nsg_the_same_destination_cidr_is_one_unknown()
    {
        var c = new AzureCase(1, "N", [new AzureNsg("N", [
            new AzureRule("d", 100, true, false, "Tcp", ["*"], [], ["10.0.1.0/24"], [], ["443"]),
            new AzureRule("a", 200, true, true, "Tcp", ["*"], [], ["10.0.1.0/24"], [], ["443"]),
        ])], [], []);
        Assert.Equal(OracleDecision.Refused, Tcp(c, Public));
        var e = c with
        {
            Nsgs = [new AzureNsg("N", [new AzureRule("a", 200, true, true, "Tcp", ["*"], [], ["10.0.1.0/24"], [], ["443"])])],
        };
        Assert.Equal(OracleDecision.Indeterminate, Tcp(e, Public));
    }
}
