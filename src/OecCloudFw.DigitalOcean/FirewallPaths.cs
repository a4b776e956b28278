using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// A droplet's way in and out, compiled to the one engine: whether the internet can address it (its public IPv4 and
/// IPv6), what DigitalOcean restricts upstream of every firewall (multicast, inbound 11211 from external networks,
/// outbound SMTP), then the union of every applied firewall's rules, stateful, default deny both ways once one applies
/// ("If no inbound rules are configured, no incoming traffic is permitted ... If no outbound rules are configured, no
/// outbound traffic is permitted": docs.digitalocean.com/products/networking/firewalls/how-to/configure-rules/), and
/// nothing filtered when none applies.
/// </summary>
internal static class FirewallPaths
{
    /// <summary>What DigitalOcean calls internal for its 11211 restriction is not defined: these (and the account's droplets) may be.</summary>
    private static readonly Cidr[] Private = [Cidr.Parse("10.0.0.0/8"), Cidr.Parse("172.16.0.0/12"), Cidr.Parse("192.168.0.0/16"), Cidr.Parse("fc00::/7")];

    private static readonly Cidr[] Multicast = [Cidr.Parse("224.0.0.0/4"), Cidr.Parse("ff00::/8")];

    private static readonly string[] Common =
    [
        "firewalls are stateful: the replies to an admitted connection pass",
        "a load balancer's or Kubernetes cluster's addresses are not read: a rule naming one is indeterminate beyond its other entries",
        "sources in private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) reach the droplet over its VPC: no public address is needed",
    ];

    public static PathSet Build(Snapshot read, bool smtpBlocked)
    {
        ArgumentNullException.ThrowIfNull(read);
        var stages = new List<PathStage> { Provider(read, smtpBlocked), Firewalls(read) };
        var smtp = smtpBlocked
            ? "outbound TCP 25 is taken as blocked by DigitalOcean (its default for new accounts; whether this account was unblocked is not readable)"
            : "outbound TCP 25 is taken as unblocked for this account";
        if (read.Droplet is { } droplet)
        {
            return new PathSet([new PacketPath(droplet.Label, Reach(droplet), stages, [.. Common, smtp])]);
        }

        return new PathSet([new PacketPath(read.Firewalls.Count == 1 ? read.Firewalls[0].Label : "firewalls", null, stages,
            [.. Common, smtp, "no droplet was named: the firewall is judged alone (other firewalls applied to its droplets add to it), its droplets taken as reachable from the internet"])]);
    }

    /// <summary>The firewalls' rules, as a union of allows (the applied firewalls combined), or nothing filtered.</summary>
    public static PathStage Firewalls(Snapshot read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Unfiltered)
        {
            var open = new ChainRule { Target = ChainTarget.Accept, Text = $"no cloud firewall applies to {read.Droplet?.Label ?? "it"}: DigitalOcean filters nothing" };
            return new PathStage("cloud firewalls", new Chain("no cloud firewall", ChainTarget.Accept, [open]), new Chain("no cloud firewall (outbound)", ChainTarget.Accept, [open]), Stateless: false);
        }

        var names = string.Join(", ", read.Firewalls.Select(f => f.Name));
        var inbound = read.Firewalls.SelectMany(f => f.Inbound.SelectMany((r, i) => Compile(read, f, r, i))).ToList();
        inbound.Add(new ChainRule { Target = ChainTarget.Drop, Text = $"no inbound rule of {names} admits it (a cloud firewall refuses what no rule allows)" });
        var outbound = read.Firewalls.SelectMany(f => f.Outbound.SelectMany((r, i) => Compile(read, f, r, i))).ToList();
        outbound.Add(new ChainRule
        {
            Target = ChainTarget.Drop,
            Text = read.Firewalls.All(f => f.Outbound.Count == 0)
                ? $"{names} {(read.Firewalls.Count == 1 ? "has" : "have")} no outbound rule: a cloud firewall with no outbound rules permits no outbound traffic"
                : $"no outbound rule of {names} allows it",
        });
        return new PathStage($"cloud firewalls {names}", new Chain($"firewalls {names}", ChainTarget.Drop, inbound), new Chain($"firewalls {names} (outbound)", ChainTarget.Drop, outbound), Stateless: false);
    }

    /// <summary>One rule: an allow of its protocol and ports from its addresses and the droplets it names; its load balancers and clusters unknown.</summary>
    private static IEnumerable<ChainRule> Compile(Snapshot read, Firewall firewall, FirewallRule rule, int index)
    {
        var text = $"{firewall.Name} {(rule.Inbound ? "inbound" : "outbound")} rule {index + 1}: allow {rule.Service} {(rule.Inbound ? "from" : "to")} {string.Join(",", rule.Entries)}";
        if (rule.CoreProtocol is null || rule.Range is not { } range)
        {
            yield break; // DigitalOcean accepts only tcp, udp and icmp with a port, a range or every port: such a rule matches nothing.
        }

        var matches = new List<RuleMatch>
        {
            new ProtocolMatch(rule.Protocol == "icmp" ? ["icmp", "icmpv6"] : [rule.Protocol], false),
        };
        if (!range.IsAll)
        {
            matches.Add(new PortMatch([range], false));
        }

        var known = new List<Cidr>();
        foreach (var address in rule.Target.Addresses ?? [])
        {
            if (Cidr.TryParse(address, out var cidr))
            {
                known.Add(cidr);
            }
        }

        var ids = rule.Target.DropletIds ?? [];
        var tags = rule.Target.Tags ?? [];
        known.AddRange(read.Droplets.Where(d => ids.Contains(d.Id) || d.Tags.Any(t => tags.Contains(t, StringComparer.Ordinal))).SelectMany(d => d.Addresses));
        if (known.Count > 0)
        {
            yield return new ChainRule { Matches = [.. matches, SourceMatch.Of(known.Distinct().ToList(), false)], Target = ChainTarget.Accept, Text = text };
        }

        var unknown = (rule.Target.LoadBalancerUids ?? []).Select(l => $"load balancer {l}").Concat((rule.Target.KubernetesIds ?? []).Select(k => $"Kubernetes cluster {k}")).ToList();
        if (unknown.Count > 0)
        {
            yield return new ChainRule
            {
                Matches = [.. matches, SourceMatch.Unreadable($"whether the address is one of {string.Join(", ", unknown)} is not known (their addresses are not read)", false)],
                Target = ChainTarget.Accept,
                Text = text,
            };
        }
    }

    /// <summary>
    /// What DigitalOcean restricts upstream of every firewall (docs.digitalocean.com/products/droplets/details/limits/,
    /// "Some Droplet network traffic is restricted"; docs.digitalocean.com/support/why-is-smtp-blocked/).
    /// </summary>
    private static PathStage Provider(Snapshot read, bool smtpBlocked)
    {
        var tcpUdp = new ProtocolMatch(["tcp", "udp"], false);
        var smtp = new PortMatch([PortRange.Single(25)], false);
        var maybeInternal = Private.Concat(read.Droplets.SelectMany(d => d.Addresses)).Distinct().ToList();
        var inbound = new Chain("DigitalOcean restrictions", ChainTarget.Accept,
        [
            new() { Matches = [SourceMatch.Of(Multicast, false)], Target = ChainTarget.Drop, Text = "multicast traffic is blocked by the provider (DigitalOcean restricts it)" },
            new()
            {
                Matches = [tcpUdp, new PortMatch([PortRange.Single(11211)], false), SourceMatch.Of(maybeInternal, true)],
                Target = ChainTarget.Drop,
                Text = "TCP and UDP 11211 inbound from external networks is blocked by the provider (DigitalOcean restricts it)",
            },
            new()
            {
                Matches = [tcpUdp, new PortMatch([PortRange.Single(11211)], false), FixedMatch.Unknown("whether this source counts as an external network for DigitalOcean's port 11211 restriction is not documented")],
                Target = ChainTarget.Drop,
                Text = "TCP and UDP 11211 from external networks is blocked by the provider",
            },
            new() { Target = ChainTarget.Accept, Text = "not restricted by DigitalOcean" },
        ]);
        var outboundRules = new List<ChainRule>
        {
            new() { Matches = [SourceMatch.Of(Multicast, false)], Target = ChainTarget.Drop, Text = "multicast traffic is blocked by the provider (DigitalOcean restricts it)" },
            new()
            {
                Matches = [new ProtocolMatch(["tcp"], false), smtp, SourceMatch.Of([Cidr.AnyIPv6], false)],
                Target = ChainTarget.Drop,
                Text = "outbound SMTP (TCP 25) over IPv6 is blocked by the provider (DigitalOcean restricts SMTP via IPv6 and reserved IPs)",
            },
        };
        if (smtpBlocked)
        {
            outboundRules.Add(new()
            {
                Matches = [new ProtocolMatch(["tcp"], false), smtp],
                Target = ChainTarget.Drop,
                Text = "outbound TCP 25 (SMTP) is blocked by the provider (request an unblock): DigitalOcean blocks it on new accounts, whatever the firewall says",
            });
        }

        outboundRules.Add(new()
        {
            Matches = [new ProtocolMatch(["udp"], false), smtp, SourceMatch.Of(smtpBlocked ? [Cidr.AnyIPv4, Cidr.AnyIPv6] : [Cidr.AnyIPv6], false), FixedMatch.Unknown("whether DigitalOcean's SMTP block covers UDP 25 is not documented")],
            Target = ChainTarget.Drop,
            Text = "SMTP (25) is blocked by the provider",
        });
        outboundRules.Add(new() { Target = ChainTarget.Accept, Text = "not restricted by DigitalOcean" });
        return new PathStage("DigitalOcean", inbound, new Chain("DigitalOcean restrictions (outbound)", ChainTarget.Accept, outboundRules), Stateless: false);
    }

    /// <summary>Who can address the droplet: private sources over its VPC; the internet only through its public addresses.</summary>
    private static Chain Reach(Droplet droplet) => new($"reach {droplet.Name}", ChainTarget.Drop,
    [
        new() { Matches = [SourceMatch.Of(Private, false)], Target = ChainTarget.Accept, Text = "from a private address (over the VPC: no public address needed)" },
        new()
        {
            Matches = [SourceMatch.Of([Cidr.AnyIPv4], false)],
            Target = droplet.PublicIPv4.Count == 0 ? ChainTarget.Drop : ChainTarget.Accept,
            Text = droplet.PublicIPv4.Count == 0 ? $"{droplet.Label} has no public IPv4 address: not reachable from the internet" : $"public IPv4 {string.Join(", ", droplet.PublicIPv4.Select(a => a.Network))}",
        },
        new()
        {
            Matches = [SourceMatch.Of([Cidr.AnyIPv6], false)],
            Target = droplet.IPv6.Count == 0 ? ChainTarget.Drop : ChainTarget.Accept,
            Text = droplet.IPv6.Count == 0 ? $"{droplet.Label} has no IPv6 address: not reachable from the internet over IPv6" : $"IPv6 {string.Join(", ", droplet.IPv6.Select(a => a.Network))}",
        },
    ]);
}
