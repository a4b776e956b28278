using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Providers;
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

    /// <summary>Every path of a JSON document (members by name, array items as []); the names under "tags" are the user's, not ARM's.</summary>
    private static HashSet<string> Paths(JsonNode? node)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string path)
        {
            paths.Add(path);
            if (n is JsonObject o && !path.EndsWith("tags", StringComparison.Ordinal))
            {
                foreach (var (name, value) in o)
                {
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}");
                }
            }
            else if (n is JsonArray a)
            {
                foreach (var item in a)
                {
                    Walk(item, path + "[]");
                }
            }
        }

        Walk(node, string.Empty);
        return paths;
    }

    /// <summary>One raw page from the fake, as any ARM client would GET it.</summary>
    private async Task<JsonNode> RawGetAsync(string pathAndQuery)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == TestCertificate.Certificate.Thumbprint };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_arm.Url, pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }

    [Theory]
    [InlineData("/subscriptions/" + Subscription + "/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true")]
    [InlineData("/subscriptions/" + Subscription + "/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&$expand=instanceView")]
    public async Task FakeVmListing_HasOnlyPublishedFields_WithInstanceViewAndNextLink(string listing)
    {
        _arm.PageSize = 1;
        _arm.AddVm("rg1", "vm1", null, null, tags: new Dictionary<string, string> { ["Role"] = "web" });
        _arm.AddVm("rg1", "vm2", null, null, powerState: "deallocated");
        var published = Paths(Fixture("vm-listall-example.json"));
        published.UnionWith(Paths(Fixture("vm-instanceview-example.json")).Select(p => p.Length == 0 ? "value[].properties.instanceView" : "value[].properties.instanceView." + p));

        var page = await RawGetAsync(listing);
        var fake = Paths(page);

        Assert.Empty(fake.Except(published));
        Assert.Contains("value[].properties.instanceView.statuses[].code", fake);
        Assert.Contains("value[].properties.networkProfile.networkInterfaces[].properties.primary", fake);
        Assert.Contains("nextLink", fake);
        var next = await RawGetAsync(new Uri(page["nextLink"]!.GetValue<string>()).PathAndQuery);
        Assert.Equal("vm2", next["value"]![0]!["name"]!.GetValue<string>());
        Assert.Null(next["nextLink"]);
        Assert.Contains(next["value"]![0]!["properties"]!["instanceView"]!["statuses"]!.AsArray(), s => s!["code"]!.GetValue<string>() == "PowerState/deallocated");
    }

    [Fact]
    public async Task FakeVmListing_WithoutStatusOnly_HasNoInstanceView()
    {
        _arm.AddVm("rg1", "vm1", null, null);

        var page = await RawGetAsync($"/subscriptions/{Subscription}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01");

        Assert.Null(page["value"]![0]!["properties"]!["instanceView"]);
    }

    [Fact]
    public async Task FakeNicAndPublicIp_HaveOnlyPublishedFields()
    {
        _arm.AddVm("rg1", "vm1", null, null);
        _arm.AddNic("rg1", "vm1", "vm1-nic2", null, "backend", null, "10.0.1.4", [("Standard", "IPv4"), ("Basic", "IPv6")]);
        var api = _arm.Connection().Connect(_arm.Url.ToString(), Subscription, TimeProvider.System);
        var publishedIps = new HashSet<string>(Fixture2("publicip-examples.json").AsArray().SelectMany(Paths), StringComparer.Ordinal);

        foreach (var nic in new[] { "vm1-nic", "vm1-nic2" })
        {
            Assert.Empty(Paths(await api.GetAsync(_arm.Id("rg1", "Microsoft.Network/networkInterfaces", nic), Ct)).Except(Paths(Fixture("nic-get-example.json"))));
        }

        foreach (var ip in new[] { "vm1-nic-ip1", "vm1-nic2-ip1", "vm1-nic2-ip2" })
        {
            var fake = Paths(await api.GetAsync(_arm.Id("rg1", "Microsoft.Network/publicIPAddresses", ip), Ct));
            Assert.Empty(fake.Except(publishedIps));
            Assert.Contains("properties.ipAddress", fake);
        }
    }

    [Theory]
    [InlineData(1, "40.85.154.247")]
    [InlineData(0, null)]
    public async Task PublishedVm_Listed_ItsPrimaryAddressNotThePrefix_ItsPublicAddressWhenAllocated(int publicIpExample, string? expectedPublic)
    {
        var vm = (JsonObject)Fixture("vm-listall-example.json")["value"]![0]!.DeepClone();
        vm["tags"] = new JsonObject { ["Role"] = "web" };
        _arm.PutResource(vm);
        _arm.PutResource(Fixture("nic-get-example.json"));
        // The published NIC's first IP configuration holds the public IP "test-ip": served as one of the published public IP bodies.
        var ip = (JsonObject)Fixture2("publicip-examples.json")[publicIpExample]!.DeepClone();
        ip["id"] = Fixture("nic-get-example.json")["properties"]!["ipConfigurations"]![0]!["properties"]!["publicIPAddress"]!["id"]!.GetValue<string>();
        _arm.PutResource(ip);
        var values = new ProviderSettings(new Dictionary<string, IReadOnlyList<string>> { ["endpoint"] = [_arm.Url.ToString()], ["subscription"] = [Subscription] }, n => "--azure-" + n);
        var context = new ProviderContext(new NoEnvironment(), TimeProvider.System, ILayerReadCache.None);

        var server = Assert.Single(await new AzureProvider(_arm.Connection()).ListServersAsync("tag:role=web", values, context, Ct));

        Assert.Equal("vm1", server.Name);
        Assert.Equal(["172.20.2.4"], server.PrivateAddresses);
        Assert.Equal(expectedPublic is null ? [] : [expectedPublic], server.PublicAddresses);
        Assert.Equal(["eastus", "tag_Role_web"], server.Groups);
        Assert.Equal(new Dictionary<string, string> { ["vm"] = "vm1", ["resource-group"] = "rg1" }, server.Layer);
    }

    private static JsonNode Fixture2(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)))!;

    private sealed class NoEnvironment : Core.IEnvironment
    {
        public string? Variable(string name) => null;
    }
}
