using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Hetzner;

/// <summary>
/// A Hetzner Cloud server's public path, compiled to the one engine (docs.hetzner.com/cloud/firewalls/faq, "How do the
/// Firewalls work?"): the internet reaches it only through its public IPv4 and its public IPv6 /64; upstream, Hetzner
/// blocks outbound TCP 25 and 465 until an unblock is granted; then every firewall applied to it, combined (a union of
/// allows): with none applied nothing is filtered, once one applies inbound is denied unless a rule allows it, and
/// outbound is allowed until an outbound rule exists (then denied unless one allows it). Stateful: replies pass.
/// </summary>
internal static class HetznerPaths
{
    public const string ProviderBlock = "blocked by the provider (request an unblock)";

    private static readonly string[] Common =
    [
        "a firewall filters the server's public interface only: traffic over private Networks is not filtered by it (not modelled)",
        "traffic Hetzner always allows (from its own services, e.g. its DNS resolvers) is not listed by the API: not modelled",
        "the firewalls are stateful: replies of an admitted connection pass",
    ];

    public static PathSet Build(HetznerSnapshot read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var server = read.Server;
        var reach = server is null ? null : Reach(server);
        var name = server is null
            ? $"firewall {string.Join(", ", read.Firewalls.Select(f => f.Firewall.Name))}"
            : $"server {server.Name} (public network)";
        var assumptions = server is null
            ? [.. Common, "no server was named: its public addresses are not known, so it is taken as reachable from the internet; the firewall is taken as applied"]
            : Common;
        return new PathSet([new PacketPath(name, reach, [Upstream(server, read.SmtpUnblocked), Firewalls(read.Firewalls)], assumptions)]);
    }

    /// <summary>Who can address the server from the internet: its public IPv4, its public IPv6 network.</summary>
    private static Chain Reach(HcloudServer server)
    {
        var v4 = server.PublicNet?.Ipv4?.Ip;
        var v6 = server.PublicNet?.Ipv6?.Ip;
        return new Chain($"reach {server.Name}", ChainTarget.Drop,
        [
            new ChainRule
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv4], false)],
                Target = v4 is null ? ChainTarget.Drop : ChainTarget.Accept,
                Text = v4 is null ? $"server {server.Name} has no public IPv4 address: not reachable from the internet over IPv4" : $"public IPv4 {v4}",
            },
            new ChainRule
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv6], false)],
                Target = v6 is null ? ChainTarget.Drop : ChainTarget.Accept,
                Text = v6 is null ? $"server {server.Name} has no public IPv6 network: not reachable from the internet over IPv6" : $"public IPv6 {v6}",
            },
        ]);
    }

    /// <summary>Hetzner's network before the firewalls: nothing filtered in; out, no public address of a family means nothing leaves that way, and TCP 25/465 is blocked until unblocked.</summary>
    private static PathStage Upstream(HcloudServer? server, bool smtpUnblocked)
    {
        const string name = "hetzner network";
        var inbound = new Chain(name, ChainTarget.Accept, [new ChainRule { Target = ChainTarget.Accept, Text = "Hetzner filters nothing on the way in before the firewalls" }]);
        var outbound = new List<ChainRule>();
        if (server is not null)
        {
            if (server.PublicNet?.Ipv4 is null)
            {
                outbound.Add(new ChainRule { Matches = [SourceMatch.Of([Cidr.AnyIPv4], false)], Target = ChainTarget.Drop, Text = $"server {server.Name} has no public IPv4 address: nothing leaves it to the internet over IPv4" });
            }

            if (server.PublicNet?.Ipv6 is null)
            {
                outbound.Add(new ChainRule { Matches = [SourceMatch.Of([Cidr.AnyIPv6], false)], Target = ChainTarget.Drop, Text = $"server {server.Name} has no public IPv6 network: nothing leaves it to the internet over IPv6" });
            }
        }

        if (!smtpUnblocked)
        {
            PortRange[] mail = [PortRange.Single(25), PortRange.Single(465)];
            outbound.Add(new ChainRule
            {
                Matches = [new ProtocolMatch(["tcp"], false), new PortMatch(mail, false)],
                Target = ChainTarget.Drop,
                Text = $"{ProviderBlock}: Hetzner blocks outbound TCP 25 and 465 on cloud servers until an unblock is granted (--smtp-unblocked true once it is)",
            });
            outbound.Add(new ChainRule
            {
                Matches = [new ProtocolMatch(["udp"], false), new PortMatch(mail, false), SourceMatch.Partly([], [Cidr.AnyIPv4, Cidr.AnyIPv6], "whether Hetzner's block of outbound 25 and 465 covers UDP is not documented")],
                Target = ChainTarget.Drop,
                Text = "Hetzner's outbound 25/465 block",
            });
        }

        outbound.Add(new ChainRule { Target = ChainTarget.Accept, Text = "not filtered upstream on the way out" });
        return new PathStage(name, inbound, new Chain(name + " (out)", ChainTarget.Accept, outbound), Stateless: false);
    }

    /// <summary>Every applied firewall as one stateful stage: a union of allows over the documented defaults.</summary>
    private static PathStage Firewalls(IReadOnlyList<AppliedFirewall> applied)
    {
        if (applied.Count == 0)
        {
            var none = new Chain("no firewall", ChainTarget.Accept, [new ChainRule { Target = ChainTarget.Accept, Text = "no firewall is applied to the server: nothing filtered" }]);
            return new PathStage("no firewall", none, none, Stateless: false);
        }

        var names = string.Join(", ", applied.Select(f => f.Firewall.Name));
        var name = $"firewall{(applied.Count == 1 ? string.Empty : "s")} {names}";
        var inbound = applied.SelectMany(f => f.Firewall.Rules.Where(r => r.Direction == "in").Select(r => Compile(f.Firewall, r))).ToList();
        inbound.Add(new ChainRule { Target = ChainTarget.Drop, Text = $"no rule of {name} allows it (inbound is denied unless a rule allows it)" });
        var outRules = applied.SelectMany(f => f.Firewall.Rules.Where(r => r.Direction == "out").Select(r => Compile(f.Firewall, r))).ToList();
        outRules.Add(outRules.Count == 0
            ? new ChainRule { Target = ChainTarget.Accept, Text = $"{name} ha{(applied.Count == 1 ? "s" : "ve")} no outbound rule: all outbound traffic is allowed" }
            : new ChainRule { Target = ChainTarget.Drop, Text = $"no outbound rule of {name} allows it (outbound is denied once an outbound rule exists)" });
        return new PathStage(name, new Chain(name, ChainTarget.Drop, inbound), new Chain(name + " (out)", ChainTarget.Drop, outRules), Stateless: false);
    }

    /// <summary>One allow rule: its protocol (icmp: ICMP and ICMPv6), its port or range (tcp/udp), its peers.</summary>
    public static ChainRule Compile(HcloudFirewall firewall, HcloudRule rule)
    {
        ArgumentNullException.ThrowIfNull(firewall);
        ArgumentNullException.ThrowIfNull(rule);
        var matches = new List<RuleMatch>
        {
            new ProtocolMatch(rule.Protocol == "icmp" ? ["icmp", "icmpv6"] : [rule.Protocol], false),
        };
        if (rule.Protocol is "tcp" or "udp")
        {
            matches.Add(HetznerRules.TryPorts(rule.Port, out var range) ? new PortMatch([range], false) : FixedMatch.No);
        }

        var peers = (rule.Direction == "in" ? rule.SourceIps : rule.DestinationIps) ?? [];
        var cidrs = new List<Cidr>();
        foreach (var text in peers)
        {
            if (Cidr.TryParse(text, out var cidr))
            {
                cidrs.Add(cidr);
            }
        }

        matches.Add(cidrs.Count == peers.Count
            ? SourceMatch.Of(cidrs, false)
            : SourceMatch.Partly(cidrs, [Cidr.AnyIPv4, Cidr.AnyIPv6], $"an address of {string.Join(", ", peers)} is not a CIDR the tool reads"));
        return new ChainRule { Matches = matches, Target = ChainTarget.Accept, Text = HetznerRules.Describe(firewall, rule) };
    }
}
