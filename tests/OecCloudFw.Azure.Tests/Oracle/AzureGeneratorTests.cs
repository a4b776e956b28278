using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>The generator is deterministic per case seed, varied, and its wire reads back to the same case.</summary>
public sealed class AzureGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_case_the_same_wire_the_same_queries_and_addresses()
    {
        for (var seed = 1000; seed < 1050; seed++)
        {
            var a = AzureCaseGenerator.Generate(seed);
            var b = AzureCaseGenerator.Generate(seed);
            Assert.Equal(a.ToString(), b.ToString());
            var wa = AzureWireWriter.Write(a);
            var wb = AzureWireWriter.Write(b);
            Assert.Equal(wa.VmJson, wb.VmJson);
            Assert.Equal(wa.NsgId, wb.NsgId);
            Assert.Equal(wa.Resources.OrderBy(kv => kv.Key, StringComparer.Ordinal), wb.Resources.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            Assert.Equal(AzureDifferential.Queries(a), AzureDifferential.Queries(b));
            Assert.Equal(AzureDifferential.SampleAddresses(a, true), AzureDifferential.SampleAddresses(b, true));
            Assert.Equal(AzureDifferential.SampleAddresses(a, false), AzureDifferential.SampleAddresses(b, false));
        }
        Assert.NotEqual(AzureCaseGenerator.Generate(1).ToString(), AzureCaseGenerator.Generate(2).ToString());
    }

    [Fact]
    public void Cases_stay_small_and_cover_both_modes_every_sku_ipv6_tags_asgs_and_every_protocol()
    {
        var cases = Enumerable.Range(0, 2000).Select(AzureCaseGenerator.Generate).ToList();
        Assert.All(cases, c => Assert.InRange(c.Nsgs.Sum(n => n.Rules.Count), 0, 20));
        Assert.All(cases, c => Assert.Equal(c.Nsgs.SelectMany(n => n.Rules).Count(),
            c.Nsgs.SelectMany(n => n.Rules.Select(r => (n.Name, r.Priority))).Distinct().Count()));
        Assert.All(cases.SelectMany(c => c.Nsgs.SelectMany(n => n.Rules)), r => Assert.InRange(r.Priority, 100, 4096));
        Assert.InRange(cases.Count(c => c.NsgMode), 300, 700);
        var vms = cases.Where(c => !c.NsgMode).ToList();
        foreach (var sku in Enum.GetValues<PublicIpSku>())
        {
            Assert.Contains(vms, c => c.Nics.Any(n => n.PublicIp == sku));
        }
        Assert.Contains(vms, c => c.Nics.Any(n => n.HasIpv6));
        Assert.Contains(vms, c => c.Nics.Count == 2 && c.Subnets.Count == 2);
        Assert.Contains(vms, c => c.Nics.All(n => n.Nsg is null) && c.Subnets.All(s => s.Nsg is null));
        Assert.Contains(vms, c => c.Subnets.Any(s => s.Nsg is not null && c.Nics.Any(n => n.Nsg == s.Nsg)));
        var rules = cases.SelectMany(c => c.Nsgs.SelectMany(n => n.Rules)).ToList();
        foreach (var p in new[] { "*", "Tcp", "Udp", "Icmp", "Esp" })
        {
            Assert.Contains(rules, r => r.Protocol == p);
        }
        foreach (var s in new[] { "*", "Any", "Internet", "VirtualNetwork", "AzureLoadBalancer", "Storage.WestEurope", "0.0.0.0/0", "::/0" })
        {
            Assert.Contains(rules, r => r.SourcePrefixes.Contains(s));
        }
        Assert.Contains(rules, r => r.SourceAsgs.Count > 0);
        Assert.Contains(rules, r => r.DestinationAsgs.Count > 0);
        Assert.Contains(rules, r => r.SourcePrefixes.Count > 1);
        Assert.Contains(rules, r => r.SourcePrefixes.Contains("0.0.0.0/1") || r.SourcePrefixes.Contains("128.0.0.0/1"));
        Assert.Contains(rules, r => r.DestinationPorts.Count > 1);
        Assert.Contains(rules, r => !r.Inbound);
        Assert.Contains(rules, r => r.Allow);
        Assert.Contains(rules, r => !r.Allow);
    }

    [Fact]
    public void The_wire_reads_back_to_a_case_the_oracle_answers_identically()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var c = AzureCaseGenerator.Generate(seed);
            var back = AzureWireReader.Read(AzureWireWriter.Write(c), seed);
            Assert.Equal(c.NsgMode, back.NsgMode);
            Assert.Equal(c.Nics.Count, back.Nics.Count);
            foreach (var ipv6 in new[] { false, true })
            {
                foreach (var (protocol, port) in AzureDifferential.Queries(c))
                {
                    var expected = AzureOracle.Prepare(c, protocol, port, ipv6);
                    var actual = AzureOracle.Prepare(back, protocol, port, ipv6);
                    foreach (var a in AzureDifferential.SampleAddresses(c, ipv6))
                    {
                        Assert.Equal(expected(a), actual(a));
                    }
                }
            }
        }
    }

    [Fact]
    public void The_wire_has_the_arm_shapes()
    {
        // A VM case with references in upper-case resource group and a NIC with IPv6.
        var c = Enumerable.Range(0, 5000).Select(AzureCaseGenerator.Generate)
            .First(x => !x.NsgMode && x.UpperCaseGroupInReferences && x.Nics.Any(n => n.HasIpv6 && n.Nsg is not null));
        var wire = AzureWireWriter.Write(c);
        Assert.Null(wire.NsgId);
        var vm = System.Text.Json.Nodes.JsonNode.Parse(wire.VmJson!)!;
        var nicId = (string)vm["properties"]!["networkProfile"]!["networkInterfaces"]![0]!["id"]!;
        Assert.StartsWith($"/subscriptions/{AzureWireWriter.Subscription}/resourceGroups/RG-ORACLE/providers/Microsoft.Network/networkInterfaces/", nicId, StringComparison.Ordinal);
        Assert.True(wire.Resources.ContainsKey(nicId)); // ARM ids are case-insensitive
        var nsg = System.Text.Json.Nodes.JsonNode.Parse(wire.Resources[AzureWireWriter.NsgId(c.Nsgs[0].Name)])!;
        var defaults = nsg["properties"]!["defaultSecurityRules"]!.AsArray();
        Assert.Equal(["AllowVnetInBound", "AllowAzureLoadBalancerInBound", "DenyAllInBound", "AllowVnetOutBound",
            "AllowInternetOutBound", "DenyAllOutBound"], defaults.Select(d => (string)d!["name"]!));
        Assert.Equal(65500, (int)defaults[2]!["properties"]!["priority"]!);
        var withV6 = c.Nics.First(n => n.HasIpv6);
        var nic = System.Text.Json.Nodes.JsonNode.Parse(wire.Resources[AzureWireWriter.NicId(withV6.Name)])!;
        var v6 = nic["properties"]!["ipConfigurations"]![1]!["properties"]!;
        Assert.Equal("IPv6", (string)v6["privateIPAddressVersion"]!);
        var pip = System.Text.Json.Nodes.JsonNode.Parse(wire.Resources[(string)v6["publicIPAddress"]!["id"]!])!;
        Assert.Equal("Standard", (string)pip["sku"]!["name"]!);
        Assert.Equal(withV6.PublicIpv6Address, (string)pip["properties"]!["ipAddress"]!);
        Assert.True(IPAddress.Parse((string)pip["properties"]!["ipAddress"]!).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
    }
}
