using System.Text.Json.Nodes;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Azure.Tests;

/// <summary>
/// Microsoft's published ARM payloads (Fixtures/README.md says which) read through the real Azure layer, and the
/// fake's own shapes compared with them, so a fake that drifts from ARM cannot hide a bug.
/// </summary>
public sealed class ContractTests : IAsyncLifetime
{
    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NsgLayer Layer() => new(_arm.Connection().Connect(_arm.Url.ToString(), Subscription, TimeProvider.System));

    private static JsonObject Fixture(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!;

    [Fact]
    public void FakeDefaultRules_AreThePublishedOnes()
    {
        var published = Fixture("nsg-get-example.json")["properties"]!["defaultSecurityRules"]!.AsArray();
        var fake = _arm.DefaultRules(_arm.AddNsg("rg1", "any-nsg"));

        static string Shape(JsonNode rule)
        {
            var p = rule["properties"]!;
            return string.Join('|', rule["name"]!.GetValue<string>(), p["priority"]!.GetValue<int>(), p["direction"]!.GetValue<string>(), p["access"]!.GetValue<string>(),
                p["protocol"]!.GetValue<string>(), p["sourceAddressPrefix"]!.GetValue<string>(), p["destinationAddressPrefix"]!.GetValue<string>(),
                p["sourcePortRange"]!.GetValue<string>(), p["destinationPortRange"]!.GetValue<string>());
        }

        Assert.Equal(published.Select(r => Shape(r!)), fake.Select(r => Shape(r!)));
    }

    [Fact]
    public async Task PublishedNsg_ReadExactly_ItsRuleAndDefaultsDecide()
    {
        var body = Fixture("nsg-get-example.json");
        _arm.PutResource(body);

        var nsg = await Layer().ReadAsync(body["id"]!.GetValue<string>(), Ct);
        var network = NsgCloudLayer.View(VmNetwork.Alone(nsg), "nsg");

        Assert.Equal(7, nsg.Rules.Count);
        Assert.Equal(6, nsg.Rules.Count(r => r.IsDefault));
        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Tcp, 80, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Tcp, 80, Cidr.AnyIPv6).Decision);
        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Udp, 80, Cidr.AnyIPv4).Decision);
        var ssh = network.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4);
        Assert.Equal(Decision.Refused, ssh.Decision);
        Assert.Contains("DenyAllInBound", ssh.Evidence, StringComparison.Ordinal);
        var https = network.EvaluateEgress(Protocol.Tcp, 443, Cidr.AnyIPv4);
        Assert.Equal(Decision.Admitted, https.Decision);
        Assert.Contains("AllowInternetOutBound", https.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplicationSecurityGroups_TheNicsOwnCount_OthersDoNot_AndUnknownMembershipIsIndeterminate()
    {
        var rg = $"/subscriptions/{Subscription}/resourceGroups/rg1/providers";
        string Asg(string name) => $"{rg}/Microsoft.Network/applicationSecurityGroups/{name}";
        JsonObject Rule(string name, int priority, string port, string? destinationAsg, string? sourceAsg)
        {
            var p = new JsonObject { ["priority"] = priority, ["access"] = "Allow", ["protocol"] = "Tcp", ["direction"] = "Inbound", ["sourcePortRange"] = "*", ["destinationPortRange"] = port };
            if (sourceAsg is null)
            {
                p["sourceAddressPrefix"] = "*";
            }
            else
            {
                p["sourceApplicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = Asg(sourceAsg) });
            }

            if (destinationAsg is null)
            {
                p["destinationAddressPrefix"] = "*";
            }
            else
            {
                p["destinationApplicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = Asg(destinationAsg) });
            }

            return new JsonObject { ["name"] = name, ["properties"] = p };
        }

        var nsgId = _arm.AddNsg("rg1", "asg-nsg", Rule("web", 100, "8069", "asg-web", null), Rule("db", 110, "5432", "asg-db", null), Rule("from-app", 120, "6432", null, "asg-app"));
        _arm.AddVm("rg1", "vm1", nsgId, null);
        var nicId = $"{rg}/Microsoft.Network/networkInterfaces/vm1-nic";
        // The NIC's IP configuration joins asg-web, as ARM shows it (properties.applicationSecurityGroups[].id).
        var body = new JsonObject
        {
            ["name"] = "vm1-nic",
            ["id"] = nicId,
            ["type"] = "Microsoft.Network/networkInterfaces",
            ["properties"] = new JsonObject
            {
                ["networkSecurityGroup"] = new JsonObject { ["id"] = nsgId },
                ["ipConfigurations"] = new JsonArray(new JsonObject
                {
                    ["name"] = "ipconfig1",
                    ["properties"] = new JsonObject
                    {
                        ["privateIPAddress"] = "10.0.0.4",
                        ["subnet"] = new JsonObject { ["id"] = $"{rg}/Microsoft.Network/virtualNetworks/vnet/subnets/default" },
                        ["applicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = Asg("asg-web") }),
                        ["publicIPAddress"] = new JsonObject { ["id"] = $"{rg}/Microsoft.Network/publicIPAddresses/vm1-nic-ip1" },
                    },
                }),
            },
        };
        _arm.PutResource(body);

        var network = NsgCloudLayer.View(await Layer().ReadVmAsync(new NsgTarget(Subscription, "rg1", null, "vm1"), Ct), "vm1");
        var alone = NsgCloudLayer.View(VmNetwork.Alone(await Layer().ReadAsync(nsgId, Ct)), "asg-nsg");

        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Tcp, 8069, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Refused, network.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Decision);
        // Members of asg-app are VMs in the virtual network: never the internet, maybe a private address.
        Assert.Equal(Decision.Refused, network.Evaluate(Protocol.Tcp, 6432, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Indeterminate, network.Evaluate(Protocol.Tcp, 6432, Cidr.Parse("10.0.0.9/32")).Decision);
        // An NSG read alone (no VM): whether the target is in asg-web is not known.
        var unknown = alone.Evaluate(Protocol.Tcp, 8069, Cidr.AnyIPv4);
        Assert.Equal(Decision.Indeterminate, unknown.Decision);
        Assert.Contains("asg-web", unknown.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedNic_ItsAddressesAndPrefix_DecideWhichRulesAreThisVms()
    {
        var nic = Fixture("nic-get-example.json");
        var rg = $"/subscriptions/{Subscription}/resourceGroups/rg1/providers";
        var nsgId = $"{rg}/Microsoft.Network/networkSecurityGroups/nsg";
        _arm.PutResource(nic);
        _arm.PutResource(new JsonObject
        {
            ["name"] = "vm1",
            ["id"] = $"{rg}/Microsoft.Compute/virtualMachines/vm1",
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["properties"] = new JsonObject { ["networkProfile"] = new JsonObject { ["networkInterfaces"] = new JsonArray(new JsonObject { ["id"] = nic["id"]!.GetValue<string>() }) } },
        });
        _arm.PutResource(new JsonObject
        {
            ["name"] = "default",
            ["id"] = $"{rg}/Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default",
            ["type"] = "Microsoft.Network/virtualNetworks/subnets",
            ["properties"] = new JsonObject { ["addressPrefix"] = "172.20.2.0/24" },
        });
        JsonObject Rule(string name, int priority, string destination, string port) => new()
        {
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["priority"] = priority, ["access"] = "Allow", ["protocol"] = "Tcp", ["direction"] = "Inbound",
                ["sourceAddressPrefix"] = "Internet", ["sourcePortRange"] = "*", ["destinationAddressPrefix"] = destination, ["destinationPortRange"] = port,
            },
        };
        Assert.Equal(nsgId, _arm.AddNsg("rg1", "nsg", Rule("to-prefix", 100, "172.20.2.20/32", "8069"), Rule("to-other-vm", 110, "172.20.3.5/32", "5432"),
            Rule("to-primary", 120, "172.20.2.4", "443")));

        _arm.PutResource(new JsonObject
        {
            // Shaped as Microsoft's published PublicIPAddressGet example: a Standard IPv4 address.
            ["name"] = "test-ip",
            ["id"] = $"{rg}/Microsoft.Network/publicIPAddresses/test-ip",
            ["type"] = "Microsoft.Network/publicIPAddresses",
            ["sku"] = new JsonObject { ["name"] = "Standard", ["tier"] = "Regional" },
            ["properties"] = new JsonObject { ["publicIPAddressVersion"] = "IPv4", ["publicIPAllocationMethod"] = "Static", ["ipAddress"] = "40.85.154.247" },
        });

        var read = await Layer().ReadVmAsync(new NsgTarget(Subscription, "rg1", null, "vm1"), Ct);
        var network = NsgCloudLayer.View(read, "vm1");

        Assert.Equal(["172.20.2.4/32", "172.20.2.16/28"], read.Nics![0].Addresses.Select(a => a.ToString()));
        Assert.Equal("test-ip (Standard, 40.85.154.247)", read.Nics[0].PublicIps.Single().ToString());
        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Tcp, 8069, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Admitted, network.Evaluate(Protocol.Tcp, 443, Cidr.AnyIPv4).Decision);
        Assert.Equal(Decision.Refused, network.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv4).Decision);
    }
}
