using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// One DigitalOcean firewall rule as read or to be written: an allow of a protocol (tcp, udp, icmp) and ports ("22",
/// "8000-9000", "0" or "all" for every port; ICMP has none) from (inbound) or to (outbound) its target's addresses,
/// droplets, tags, load balancers and Kubernetes clusters. Rules have no id: a rule is removed by sending it back exactly.
/// </summary>
internal sealed record FirewallRule(bool Inbound, string Protocol, string? Ports, ApiTarget Target)
{
    public static FirewallRule From(ApiRule rule, bool inbound)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new(inbound, rule.Protocol.ToLowerInvariant(), rule.Ports, (inbound ? rule.Sources : rule.Destinations) ?? new ApiTarget());
    }

    /// <summary>A rule the tool writes for one Core rule: one address (so one rule is removed without touching another).</summary>
    public static IEnumerable<FirewallRule> For(Core.Rules.Rule rule, bool inbound = true)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var target = new ApiTarget { Addresses = [rule.Source.ToString()] };
        var ports = rule.Ports.IsAll ? "all" : rule.Ports.IsSingle ? rule.Ports.From.ToString(CultureInfo.InvariantCulture) : $"{rule.Ports.From.ToString(CultureInfo.InvariantCulture)}-{rule.Ports.To.ToString(CultureInfo.InvariantCulture)}";
        return rule.Protocol switch
        {
            Core.Net.Protocol.Tcp => [new(inbound, "tcp", ports, target)],
            Core.Net.Protocol.Udp => [new(inbound, "udp", ports, target)],
            Core.Net.Protocol.Icmp => [new(inbound, "icmp", null, target)],
            _ => [new(inbound, "tcp", "all", target), new(inbound, "udp", "all", target), new(inbound, "icmp", null, target)],
        };
    }

    /// <summary>The Core protocol; null for a protocol DigitalOcean does not define (it matches nothing).</summary>
    public Protocol? CoreProtocol => Protocol switch
    {
        "tcp" => Core.Net.Protocol.Tcp,
        "udp" => Core.Net.Protocol.Udp,
        "icmp" => Core.Net.Protocol.Icmp,
        _ => null,
    };

    /// <summary>The port range: "0", "all" or none is every port; null when the text is no port or range.</summary>
    public PortRange? Range
    {
        get
        {
            if (Protocol == "icmp" || string.IsNullOrEmpty(Ports) || Ports == "0" || string.Equals(Ports, "all", StringComparison.OrdinalIgnoreCase))
            {
                return PortRange.All;
            }

            return PortRange.TryParse(Ports, out PortRange? range) ? range : null;
        }
    }

    /// <summary>tcp/22, udp/8000-9000, tcp/all, icmp.</summary>
    public string Service => Protocol == "icmp" ? "icmp" : $"{Protocol}/{(Range is { IsAll: true } ? "all" : Ports)}";

    /// <summary>Every entry of the target, as the evidence and the canonical lines show it.</summary>
    public IEnumerable<string> Entries =>
        (Target.Addresses ?? []).Select(a => a)
            .Concat((Target.DropletIds ?? []).Select(d => $"droplet:{d.ToString(CultureInfo.InvariantCulture)}"))
            .Concat((Target.Tags ?? []).Select(t => $"tag:{t}"))
            .Concat((Target.LoadBalancerUids ?? []).Select(l => $"load_balancer:{l}"))
            .Concat((Target.KubernetesIds ?? []).Select(k => $"kubernetes:{k}"));

    public int EntryCount => Entries.Count();

    public override string ToString() => $"{(Inbound ? "inbound" : "outbound")} {Service} {(Inbound ? "from" : "to")} {string.Join(",", Entries)}";

    /// <summary>The rule as the API takes it back (POST/DELETE …/rules).</summary>
    public ApiRule ToApi() => Inbound
        ? new ApiRule { Protocol = Protocol, Ports = Ports, Sources = Target }
        : new ApiRule { Protocol = Protocol, Ports = Ports, Destinations = Target };

    /// <summary>The same rule whatever the spelling of "every port" and the order of the entries.</summary>
    public bool SameAs(FirewallRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Inbound == other.Inbound && Protocol == other.Protocol && Range == other.Range &&
               Entries.Order(StringComparer.Ordinal).SequenceEqual(other.Entries.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The rule as doctl's --inbound-rules/--outbound-rules spell it: protocol:tcp,ports:22,address:1.2.3.4/32.</summary>
    public string Doctl()
    {
        var parts = new List<string> { $"protocol:{Protocol}" };
        if (Protocol != "icmp")
        {
            parts.Add($"ports:{(Range is { IsAll: true } ? "all" : Ports)}");
        }

        parts.AddRange((Target.Addresses ?? []).Select(a => $"address:{a}"));
        parts.AddRange((Target.DropletIds ?? []).Select(d => $"droplet_id:{d.ToString(CultureInfo.InvariantCulture)}"));
        parts.AddRange((Target.Tags ?? []).Select(t => $"tag:{t}"));
        parts.AddRange((Target.LoadBalancerUids ?? []).Select(l => $"load_balancer_uid:{l}"));
        parts.AddRange((Target.KubernetesIds ?? []).Select(k => $"kubernetes_id:{k}"));
        return string.Join(',', parts);
    }
}
