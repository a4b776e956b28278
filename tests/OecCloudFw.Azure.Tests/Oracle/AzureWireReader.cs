using System.Text.Json.Nodes;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// Reads an <see cref="AzureWireInput"/> back into an <see cref="AzureCase"/> (the oracle's own reading of the ARM
/// shapes). Used to check the writer round-trips and to build reference "products" for the harness's self-tests.
/// Resources are named by the last segment of their id; ids are looked up case-insensitively.
/// </summary>
public static class AzureWireReader
{
    public static AzureCase Read(AzureWireInput input, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var nsgs = new Dictionary<string, AzureNsg>(StringComparer.OrdinalIgnoreCase);
        string NsgName(string id)
        {
            var name = Last(id);
            if (!nsgs.ContainsKey(name))
            {
                nsgs[name] = ReadNsg(Get(input, id));
            }
            return name;
        }
        if (input.VmJson is null)
        {
            var under = NsgName(input.NsgId ?? throw new ArgumentException("neither VmJson nor NsgId"));
            return new AzureCase(seed, under, [.. nsgs.Values], [], []);
        }
        var vm = JsonNode.Parse(input.VmJson)!;
        var subnets = new Dictionary<string, AzureSubnet>(StringComparer.OrdinalIgnoreCase);
        var nics = new List<AzureNic>();
        foreach (var nicRef in vm["properties"]!["networkProfile"]!["networkInterfaces"]!.AsArray())
        {
            var nic = Get(input, (string)nicRef!["id"]!);
            var props = nic["properties"]!;
            string? ip4 = null, ip6 = null, pub4 = null, pub6 = null, subnetName = null;
            var sku = PublicIpSku.None;
            var asgs = new List<string>();
            foreach (var cfg in props["ipConfigurations"]!.AsArray())
            {
                var cp = cfg!["properties"]!;
                var v6 = (string?)cp["privateIPAddressVersion"] == "IPv6";
                if (v6)
                {
                    ip6 = (string?)cp["privateIPAddress"];
                }
                else
                {
                    ip4 = (string?)cp["privateIPAddress"];
                }
                if (cp["subnet"]?["id"] is { } sid)
                {
                    var subnetId = (string)sid!;
                    subnetName = Last(subnetId);
                    if (!subnets.ContainsKey(subnetName))
                    {
                        var subnet = Get(input, subnetId);
                        var nsgId = (string?)subnet["properties"]!["networkSecurityGroup"]?["id"];
                        subnets[subnetName] = new AzureSubnet(subnetName,
                            (string?)subnet["properties"]!["addressPrefix"] ?? "", nsgId is null ? null : NsgName(nsgId));
                    }
                }
                if (cp["publicIPAddress"]?["id"] is { } pid)
                {
                    var pip = Get(input, (string)pid!);
                    var address = (string?)pip["properties"]!["ipAddress"];
                    if ((string?)pip["properties"]!["publicIPAddressVersion"] == "IPv6")
                    {
                        pub6 = address;
                    }
                    else
                    {
                        pub4 = address;
                        sku = Enum.Parse<PublicIpSku>((string)pip["sku"]!["name"]!, ignoreCase: true);
                    }
                }
                foreach (var a in cp["applicationSecurityGroups"]?.AsArray() ?? [])
                {
                    var name = Last((string)a!["id"]!);
                    if (!asgs.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        asgs.Add(name);
                    }
                }
            }
            var nicNsg = (string?)props["networkSecurityGroup"]?["id"];
            nics.Add(new AzureNic((string)nic["name"]!, ip4 ?? throw new InvalidOperationException("no IPv4"),
                subnetName ?? throw new InvalidOperationException("no subnet"), nicNsg is null ? null : NsgName(nicNsg),
                asgs, sku, pub4, pub6 is null ? null : ip6, pub6));
        }
        return new AzureCase(seed, null, [.. nsgs.Values], [.. subnets.Values], nics);
    }

    private static JsonNode Get(AzureWireInput input, string id) =>
        input.Resources.TryGetValue(id, out var json) ? JsonNode.Parse(json)!
            : input.Resources.FirstOrDefault(kv => string.Equals(kv.Key, id, StringComparison.OrdinalIgnoreCase)).Value is { } j
                ? JsonNode.Parse(j)! : throw new KeyNotFoundException(id);

    private static string Last(string id) => id[(id.LastIndexOf('/') + 1)..];

    private static AzureNsg ReadNsg(JsonNode nsg)
    {
        var props = nsg["properties"]!;
        return new AzureNsg((string)nsg["name"]!, ReadRules(props["securityRules"]), ReadRules(props["defaultSecurityRules"]));
    }

    private static List<AzureRule> ReadRules(JsonNode? rules)
    {
        var list = new List<AzureRule>();
        foreach (var r in rules?.AsArray() ?? [])
        {
            var p = r!["properties"]!;
            list.Add(new AzureRule(
                (string)r["name"]!,
                (int)p["priority"]!,
                string.Equals((string?)p["direction"], "Inbound", StringComparison.OrdinalIgnoreCase),
                string.Equals((string?)p["access"], "Allow", StringComparison.OrdinalIgnoreCase),
                (string)p["protocol"]!,
                Values(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
                Asgs(p["sourceApplicationSecurityGroups"]),
                Values(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
                Asgs(p["destinationApplicationSecurityGroups"]),
                Values(p, "destinationPortRange", "destinationPortRanges")));
        }
        return list;
    }

    private static List<string> Values(JsonNode p, string singular, string plural)
    {
        var values = new List<string>();
        if (p[singular] is { } s && (string?)s is { Length: > 0 } one)
        {
            values.Add(one);
        }
        values.AddRange((p[plural]?.AsArray() ?? []).Select(v => (string)v!));
        return values;
    }

    private static List<string> Asgs(JsonNode? node) => [.. (node?.AsArray() ?? []).Select(a => Last((string)a!["id"]!))];
}
