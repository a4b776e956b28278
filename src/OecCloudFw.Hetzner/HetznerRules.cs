using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Hetzner;

/// <summary>
/// Hetzner's rules in Core's terms and back: the tool's own rules carry <see cref="Marker"/> at the start of their
/// description (what a human sees in the Cloud Console), one source CIDR each; an inbound tcp/udp/icmp rule is one Core
/// rule per source CIDR (esp/gre and outbound rules are not what a policy plans: they stay in the view and the lines).
/// </summary>
internal static class HetznerRules
{
    /// <summary>The start of the description of every rule the tool writes.</summary>
    public const string Marker = "oec-cloudfw:";

    /// <summary>set_rules: "Rules are limited to 50 entries per Firewall" (API reference, Firewalls → Set Rules).</summary>
    public const int MaxRulesPerFirewall = 50;

    /// <summary>The rule model's source_ips/destination_ips: "You can specify 100 CIDRs at most".</summary>
    public const int MaxCidrsPerRule = 100;

    /// <summary>"500 effective rules" per firewall (set_rules; docs.hetzner.com/cloud/firewalls/overview#limits), counted here as one per CIDR of each rule.</summary>
    public const int MaxEffectiveRules = 500;

    public static bool IsOwn(HcloudRule rule) => rule.Description?.StartsWith(Marker, StringComparison.Ordinal) == true;

    /// <summary>The planner's id of a rule: stable across writes (no index), the same for what an open reports created.</summary>
    public static string Id(HcloudFirewall firewall, Rule rule) =>
        string.Create(CultureInfo.InvariantCulture, $"firewall {firewall.Id} ({firewall.Name}): in {rule.Protocol.ToName()}/{rule.Ports} from {rule.Source}");

    /// <summary>The firewall id in a planner id.</summary>
    public static long FirewallOf(string id) =>
        long.Parse(id.AsSpan("firewall ".Length, id.IndexOf(' ', "firewall ".Length) - "firewall ".Length), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The firewall's inbound tcp/udp/icmp rules as Core rules, one per source CIDR.</summary>
    public static IEnumerable<Rule> ToCore(HcloudFirewall firewall)
    {
        foreach (var rule in firewall.Rules.Where(r => r.Direction == "in"))
        {
            Protocol protocol;
            PortRange ports;
            switch (rule.Protocol)
            {
                case "tcp" or "udp" when TryPorts(rule.Port, out var range):
                    protocol = rule.Protocol == "tcp" ? Protocol.Tcp : Protocol.Udp;
                    ports = range;
                    break;
                case "icmp":
                    protocol = Protocol.Icmp;
                    ports = PortRange.All;
                    break;
                default:
                    continue;
            }

            foreach (var text in rule.SourceIps ?? [])
            {
                if (Cidr.TryParse(text, out var source))
                {
                    var core = new Rule(protocol, ports, source, RuleAction.Allow, rule.Description, IsOwn(rule) ? RuleOrigin.Tool : RuleOrigin.Foreign);
                    yield return core with { Id = Id(firewall, core) };
                }
            }
        }
    }

    /// <summary>The rule the tool writes for a planned one (one source, marked as its own).</summary>
    public static HcloudRule ToHcloud(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var (protocol, port) = rule.Protocol switch
        {
            Protocol.Tcp => ("tcp", Port(rule.Ports)),
            Protocol.Udp => ("udp", Port(rule.Ports)),
            Protocol.Icmp => ("icmp", (string?)null),
            _ => throw new Core.LayerFailureException($"hetzner: a rule for every protocol ({rule}) cannot be written to a Hetzner firewall: name tcp, udp or icmp"),
        };
        return new HcloudRule("in", protocol, port, [rule.Source.ToString()], [], $"{Marker} allow {rule.Protocol.ToName()}/{rule.Ports} from {rule.Source}");
    }

    /// <summary>The API's port text: "22" or "1024-5000".</summary>
    public static string Port(PortRange ports) => ports.IsSingle
        ? ports.From.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{ports.From}-{ports.To}");

    public static bool TryPorts(string? text, out PortRange range)
    {
        range = PortRange.All;
        if (text is null)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (!int.TryParse(dash < 0 ? text : text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var low) ||
            !int.TryParse(dash < 0 ? text : text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var high) ||
            low < PortRange.MinPort || high > PortRange.MaxPort || low > high)
        {
            return false;
        }

        range = new PortRange(low, high);
        return true;
    }

    /// <summary>One canonical line of a rule (what a saved plan's digest covers).</summary>
    public static string Line(HcloudFirewall firewall, HcloudRule rule)
    {
        var peers = (rule.Direction == "in" ? rule.SourceIps : rule.DestinationIps) ?? [];
        return string.Create(CultureInfo.InvariantCulture,
            $"firewall {firewall.Id} {firewall.Name}: {rule.Direction} {rule.Protocol} {rule.Port ?? "-"} {(rule.Direction == "in" ? "from" : "to")} {string.Join(',', peers.Order(StringComparer.Ordinal))} \"{rule.Description}\"");
    }

    /// <summary>The rule as evidence and reports show it.</summary>
    public static string Describe(HcloudFirewall firewall, HcloudRule rule)
    {
        var peers = (rule.Direction == "in" ? rule.SourceIps : rule.DestinationIps) ?? [];
        var what = rule.Port is null ? rule.Protocol : $"{rule.Protocol}/{rule.Port}";
        var description = string.IsNullOrEmpty(rule.Description) ? string.Empty : $" \"{rule.Description}\"";
        return $"firewall {firewall.Name}: allow {(rule.Direction == "in" ? "in" : "out")} {what} {(rule.Direction == "in" ? "from" : "to")} {string.Join(", ", peers)}{description}";
    }

    /// <summary>Two rule sets hold the same rules (order aside: the rules are a union of allows).</summary>
    public static bool SameRules(IReadOnlyList<HcloudRule> a, IReadOnlyList<HcloudRule> b)
    {
        var probe = new HcloudFirewall(0, string.Empty, null, [], null);
        return a.Count == b.Count && a.Select(r => Line(probe, r)).Order(StringComparer.Ordinal).SequenceEqual(b.Select(r => Line(probe, r)).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
