using System.Text.Json.Nodes;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// Renders an <see cref="AzureCase"/> as ARM returns it (shapes of the azure-rest-api-specs examples
/// VirtualMachineGet, NetworkInterfaceGet, PublicIpAddressGet, NetworkSecurityGroupGet, SubnetGet).
/// </summary>
public static class AzureWireWriter
{
    public const string Subscription = "6f1c3b52-0d7e-4a8e-9c11-3b1f2d4e5a60";
    public const string Group = "rg-oracle";
    public const string Location = "westeurope";

    private static string Prefix(string group) => $"/subscriptions/{Subscription}/resourceGroups/{group}/providers";

    public static string VmId(string group = Group) => $"{Prefix(group)}/Microsoft.Compute/virtualMachines/vm-oracle";

    public static string NsgId(string name, string group = Group) => $"{Prefix(group)}/Microsoft.Network/networkSecurityGroups/{name}";

    public static string NicId(string name, string group = Group) => $"{Prefix(group)}/Microsoft.Network/networkInterfaces/{name}";

    public static string SubnetId(string name, string group = Group) =>
        $"{Prefix(group)}/Microsoft.Network/virtualNetworks/vnet-oracle/subnets/{name}";

    public static string PublicIpId(string name, string group = Group) => $"{Prefix(group)}/Microsoft.Network/publicIPAddresses/{name}";

    public static string AsgId(string name, string group = Group) =>
        $"{Prefix(group)}/Microsoft.Network/applicationSecurityGroups/{name}";

    public static AzureWireInput Write(AzureCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var refGroup = c.UpperCaseGroupInReferences ? Group.ToUpperInvariant() : Group;
        var resources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var nsg in c.Nsgs)
        {
            resources[NsgId(nsg.Name)] = Nsg(c, nsg, refGroup).ToJsonString();
        }
        if (c.NsgMode)
        {
            return new AzureWireInput(null, resources, NsgId(c.NsgUnderTest!));
        }
        foreach (var s in c.Subnets)
        {
            var props = new JsonObject
            {
                ["provisioningState"] = "Succeeded",
                ["addressPrefix"] = s.AddressPrefix,
            };
            if (s.Nsg is not null)
            {
                props["networkSecurityGroup"] = Ref(NsgId(s.Nsg, refGroup));
            }
            props["ipConfigurations"] = new JsonArray(c.Nics.Where(n => n.Subnet == s.Name)
                .Select(n => (JsonNode)Ref(NicId(n.Name, refGroup) + "/ipConfigurations/ipconfig1")).ToArray());
            resources[SubnetId(s.Name)] = new JsonObject
            {
                ["name"] = s.Name,
                ["id"] = SubnetId(s.Name),
                ["etag"] = "W/\"00000000-0000-0000-0000-000000000001\"",
                ["properties"] = props,
                ["type"] = "Microsoft.Network/virtualNetworks/subnets",
            }.ToJsonString();
        }
        var nicRefs = new JsonArray();
        var first = true;
        foreach (var n in c.Nics)
        {
            nicRefs.Add(new JsonObject
            {
                ["id"] = NicId(n.Name, refGroup),
                ["properties"] = new JsonObject { ["primary"] = first },
            });
            first = false;
            resources[NicId(n.Name)] = Nic(n, refGroup).ToJsonString();
            if (n.PublicIp != PublicIpSku.None)
            {
                resources[PublicIpId(n.Name + "-ip")] =
                    PublicIp(n.Name + "-ip", n.PublicIp, n.PublicIpAddress!, "IPv4", NicId(n.Name, refGroup) + "/ipConfigurations/ipconfig1").ToJsonString();
            }
            if (n.HasIpv6)
            {
                resources[PublicIpId(n.Name + "-ip6")] =
                    PublicIp(n.Name + "-ip6", PublicIpSku.Standard, n.PublicIpv6Address!, "IPv6", NicId(n.Name, refGroup) + "/ipConfigurations/ipconfig-v6").ToJsonString();
            }
        }
        var vm = new JsonObject
        {
            ["name"] = "vm-oracle",
            ["id"] = VmId(),
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["location"] = Location,
            ["properties"] = new JsonObject
            {
                ["vmId"] = "0f4a7c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_B2s" },
                ["networkProfile"] = new JsonObject { ["networkInterfaces"] = nicRefs },
                ["provisioningState"] = "Succeeded",
            },
        };
        return new AzureWireInput(vm.ToJsonString(), resources, null);
    }

    private static JsonObject Ref(string id) => new() { ["id"] = id };

    private static JsonObject Nic(AzureNic n, string refGroup)
    {
        JsonArray Asgs() => new(n.Asgs.Select(a => (JsonNode)Ref(AsgId(a, refGroup))).ToArray());
        var ipconfig1 = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["privateIPAddress"] = n.PrivateIp,
            ["privateIPAllocationMethod"] = "Dynamic",
        };
        if (n.PublicIp != PublicIpSku.None)
        {
            ipconfig1["publicIPAddress"] = Ref(PublicIpId(n.Name + "-ip", refGroup));
        }
        ipconfig1["subnet"] = Ref(SubnetId(n.Subnet, refGroup));
        ipconfig1["primary"] = true;
        ipconfig1["privateIPAddressVersion"] = "IPv4";
        if (n.Asgs.Count > 0)
        {
            ipconfig1["applicationSecurityGroups"] = Asgs();
        }
        var ipconfigs = new JsonArray(new JsonObject
        {
            ["name"] = "ipconfig1",
            ["id"] = NicId(n.Name) + "/ipConfigurations/ipconfig1",
            ["properties"] = ipconfig1,
        });
        if (n.HasIpv6)
        {
            var v6 = new JsonObject
            {
                ["provisioningState"] = "Succeeded",
                ["privateIPAddress"] = n.PrivateIpv6,
                ["privateIPAllocationMethod"] = "Dynamic",
                ["publicIPAddress"] = Ref(PublicIpId(n.Name + "-ip6", refGroup)),
                ["subnet"] = Ref(SubnetId(n.Subnet, refGroup)),
                ["primary"] = false,
                ["privateIPAddressVersion"] = "IPv6",
            };
            if (n.Asgs.Count > 0)
            {
                v6["applicationSecurityGroups"] = Asgs();
            }
            ipconfigs.Add(new JsonObject
            {
                ["name"] = "ipconfig-v6",
                ["id"] = NicId(n.Name) + "/ipConfigurations/ipconfig-v6",
                ["properties"] = v6,
            });
        }
        var props = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["ipConfigurations"] = ipconfigs,
            ["macAddress"] = "00-0D-3A-1B-C7-21",
            ["enableAcceleratedNetworking"] = true,
            ["enableIPForwarding"] = false,
        };
        if (n.Nsg is not null)
        {
            props["networkSecurityGroup"] = Ref(NsgId(n.Nsg, refGroup));
        }
        props["primary"] = true;
        props["virtualMachine"] = Ref(VmId(refGroup));
        return new JsonObject
        {
            ["name"] = n.Name,
            ["id"] = NicId(n.Name),
            ["location"] = Location,
            ["properties"] = props,
            ["type"] = "Microsoft.Network/networkInterfaces",
        };
    }

    private static JsonObject PublicIp(string name, PublicIpSku sku, string address, string version, string ipConfigurationId) => new()
    {
        ["name"] = name,
        ["id"] = PublicIpId(name),
        ["location"] = Location,
        ["sku"] = new JsonObject { ["name"] = sku.ToString(), ["tier"] = "Regional" },
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["ipAddress"] = address,
            ["publicIPAddressVersion"] = version,
            ["publicIPAllocationMethod"] = sku == PublicIpSku.Standard ? "Static" : "Dynamic",
            ["idleTimeoutInMinutes"] = 4,
            ["ipConfiguration"] = Ref(ipConfigurationId),
        },
        ["type"] = "Microsoft.Network/publicIPAddresses",
    };

    private static JsonObject Nsg(AzureCase c, AzureNsg nsg, string refGroup)
    {
        var props = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["securityRules"] = new JsonArray(nsg.Rules.Select(r => (JsonNode)Rule(c, nsg, r, "securityRules", refGroup)).ToArray()),
            ["defaultSecurityRules"] = new JsonArray(nsg.DefaultRules.Select(r => (JsonNode)Rule(c, nsg, r, "defaultSecurityRules", refGroup)).ToArray()),
        };
        var nics = c.Nics.Where(n => n.Nsg == nsg.Name).Select(n => (JsonNode)Ref(NicId(n.Name, refGroup))).ToArray();
        if (nics.Length > 0)
        {
            props["networkInterfaces"] = new JsonArray(nics);
        }
        var subnets = c.Subnets.Where(s => s.Nsg == nsg.Name).Select(s => (JsonNode)Ref(SubnetId(s.Name, refGroup))).ToArray();
        if (subnets.Length > 0)
        {
            props["subnets"] = new JsonArray(subnets);
        }
        return new JsonObject
        {
            ["name"] = nsg.Name,
            ["id"] = NsgId(nsg.Name),
            ["type"] = "Microsoft.Network/networkSecurityGroups",
            ["location"] = Location,
            ["properties"] = props,
        };
    }

    private static bool Listable(string value) =>
        value.Trim() != "*" && (OracleCidr.TryParse(value.Trim(), out _) || char.IsDigit(value.Trim()[0]));

    private static JsonObject Rule(AzureCase c, AzureNsg nsg, AzureRule r, string collection, string refGroup)
    {
        var p = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["protocol"] = r.Protocol,
            ["sourcePortRange"] = "*",
        };
        void Field(string singular, string plural, IReadOnlyList<string> values)
        {
            // A tag, "*" or "Any" stays in the singular field (ARM takes at most one tag, and not in a list).
            if (values.Count == 1 && (!r.Plural || !Listable(values[0])))
            {
                p[singular] = values[0];
                if (c.EmptyPluralArrays)
                {
                    p[plural] = new JsonArray();
                }
            }
            else if (values.Count > 0)
            {
                p[plural] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
            }
            else if (c.EmptyPluralArrays)
            {
                p[plural] = new JsonArray();
            }
        }
        Field("destinationPortRange", "destinationPortRanges", r.DestinationPorts);
        Field("sourceAddressPrefix", "sourceAddressPrefixes", r.SourcePrefixes);
        if (r.SourceAsgs.Count > 0)
        {
            p["sourceApplicationSecurityGroups"] = new JsonArray(r.SourceAsgs.Select(a => (JsonNode)Ref(AsgId(a, refGroup))).ToArray());
        }
        Field("destinationAddressPrefix", "destinationAddressPrefixes", r.DestinationPrefixes);
        if (r.DestinationAsgs.Count > 0)
        {
            p["destinationApplicationSecurityGroups"] = new JsonArray(r.DestinationAsgs.Select(a => (JsonNode)Ref(AsgId(a, refGroup))).ToArray());
        }
        p["access"] = r.Allow ? "Allow" : "Deny";
        p["priority"] = r.Priority;
        p["direction"] = r.Inbound ? "Inbound" : "Outbound";
        return new JsonObject
        {
            ["name"] = r.Name,
            ["id"] = $"{NsgId(nsg.Name)}/{collection}/{r.Name}",
            ["etag"] = "W/\"00000000-0000-0000-0000-000000000002\"",
            ["type"] = "Microsoft.Network/networkSecurityGroups/" + collection,
            ["properties"] = p,
        };
    }
}
