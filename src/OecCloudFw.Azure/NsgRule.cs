using System.Globalization;
using System.Text.Json.Nodes;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Azure;

/// <summary>One security rule of an NSG as ARM returns it (securityRules or defaultSecurityRules).</summary>
public sealed record NsgRule(
    string Name,
    int Priority,
    string Direction,
    string Access,
    string Protocol,
    IReadOnlyList<string> SourcePrefixes,
    IReadOnlyList<string> PortRanges,
    string? Description,
    bool IsDefault)
{
    /// <summary>destinationAddressPrefix(es): for an inbound rule the VM's side, for an outbound one the remote end.</summary>
    internal IReadOnlyList<string> DestinationPrefixes { get; init; } = ["*"];

    /// <summary>Application security groups on the source side (sourceApplicationSecurityGroups), by id.</summary>
    internal IReadOnlyList<string> SourceAsgs { get; init; } = [];

    /// <summary>Application security groups on the destination side (destinationApplicationSecurityGroups), by id.</summary>
    internal IReadOnlyList<string> DestinationAsgs { get; init; } = [];

    /// <summary>The prefix of the names of rules this tool creates; only those are ever changed or deleted.</summary>
    internal const string OwnPrefix = "oecfw-";

    public bool IsOwn => !IsDefault && Name.StartsWith(OwnPrefix, StringComparison.Ordinal);

    public bool Inbound => string.Equals(Direction, "Inbound", StringComparison.OrdinalIgnoreCase);

    internal static NsgRule Parse(JsonNode rule, bool isDefault)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var p = rule["properties"] ?? new JsonObject();
        static IReadOnlyList<string> Many(JsonNode? props, string single, string plural)
        {
            var list = (props?[plural] as JsonArray)?.Select(x => x!.GetValue<string>()).Where(x => x.Length > 0).ToList() ?? [];
            var one = props?[single]?.GetValue<string>();
            if (list.Count == 0 && !string.IsNullOrEmpty(one))
            {
                list.Add(one);
            }

            return list;
        }

        return new NsgRule(
            rule["name"]?.GetValue<string>() ?? string.Empty,
            p["priority"]?.GetValue<int>() ?? 0,
            p["direction"]?.GetValue<string>() ?? "Inbound",
            p["access"]?.GetValue<string>() ?? "Allow",
            p["protocol"]?.GetValue<string>() ?? "*",
            Many(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
            Many(p, "destinationPortRange", "destinationPortRanges"),
            p["description"]?.GetValue<string>(),
            isDefault)
        {
            DestinationPrefixes = Many(p, "destinationAddressPrefix", "destinationAddressPrefixes") is { Count: > 0 } destinations ? destinations : (p["destinationApplicationSecurityGroups"] is JsonArray { Count: > 0 } ? [] : ["*"]),
            SourceAsgs = Ids(p["sourceApplicationSecurityGroups"]),
            DestinationAsgs = Ids(p["destinationApplicationSecurityGroups"]),
        };
    }

    private static List<string> Ids(JsonNode? array) =>
        (array as JsonArray)?.Select(a => a?["id"]?.GetValue<string>()).OfType<string>().ToList() ?? [];

    /// <summary>The rule in Core terms, one Core rule per (source, port range); service tags other than Internet/* admit no internet source.</summary>
    internal IEnumerable<Rule> ToCoreRules()
    {
        // ARM's protocol values: Tcp, Udp, Icmp, Esp, Ah and * (any). An Esp or Ah rule matches only IPsec packets:
        // it never admits or refuses TCP, UDP or ICMP, so it contributes no rule to the evaluation.
        Core.Net.Protocol protocol;
        switch (Protocol.ToLowerInvariant())
        {
            case "tcp":
                protocol = Core.Net.Protocol.Tcp;
                break;
            case "udp":
                protocol = Core.Net.Protocol.Udp;
                break;
            case "icmp":
                protocol = Core.Net.Protocol.Icmp;
                break;
            case "esp" or "ah":
                yield break;
            default:
                protocol = Core.Net.Protocol.All;
                break;
        }

        var action = string.Equals(Access, "Deny", StringComparison.OrdinalIgnoreCase) ? RuleAction.Deny : RuleAction.Allow;
        var origin = IsDefault ? RuleOrigin.Default : IsOwn ? RuleOrigin.Tool : RuleOrigin.Foreign;
        foreach (var source in SourcePrefixes.SelectMany(ToCidrs))
        {
            foreach (var ports in PortRanges.Select(ParsePorts))
            {
                yield return new Rule(protocol, ports, source, action, Description, origin, $"{Name} (priority {Priority.ToString(CultureInfo.InvariantCulture)})");
            }
        }
    }

    internal static IEnumerable<Cidr> ToCidrs(string prefix) => prefix switch
    {
        "*" or "Internet" or "internet" or "0.0.0.0/0" or "Any" => prefix == "0.0.0.0/0" ? [Cidr.AnyIPv4] : [Cidr.AnyIPv4, Cidr.AnyIPv6],
        _ when Cidr.TryParse(prefix, out var cidr) => [cidr],
        _ => [], // VirtualNetwork, AzureLoadBalancer and other service tags: not an internet or management source
    };

    internal static PortRange ParsePorts(string text) =>
        text == "*" ? PortRange.All : PortRange.TryParse(text, out PortRange range, out _) ? range : PortRange.All;
}
