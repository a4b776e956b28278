using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>
/// The packets the benchmark's firewall checks are about, evaluated by the one engine on the server's ruleset as the
/// kernel runs it (every frontend's chains, iptables-legacy's next to them, native nftables): loopback traffic, loopback
/// addresses arriving from outside, new outbound connections, established connections both ways, a port no rule names.
/// </summary>
internal sealed class CisPackets(ServerFacts facts)
{
    private readonly Lazy<(int Any, int Ephemeral)> _unlisted = new(() => Unlisted(facts));

    /// <summary>A port no rule names and nothing listens on (from 1024): what the default decides.</summary>
    public int UnlistedPort => _unlisted.Value.Any;

    /// <summary>A port in the ephemeral range no rule names: where the replies to the server's own connections arrive.</summary>
    public int UnlistedEphemeralPort => _unlisted.Value.Ephemeral;

    public static string Name(IpFamily family) => family == IpFamily.IPv4 ? "IPv4" : "IPv6";

    /// <summary>Loopback: admitted on lo both ways; loopback's addresses refused from any other interface (on the SSH and listening ports, and an unlisted one).</summary>
    public IEnumerable<PacketCheck> Loopback(IpFamily family)
    {
        var local = family == IpFamily.IPv4 ? Cidr.Parse("127.0.0.1/32") : Cidr.Parse("::1/128");
        var port = UnlistedPort;
        var onLo = new PacketContext
        {
            Protocol = Protocol.Tcp, Port = port, Family = family, Ingress = ["lo"], Destination = AddressSet.Of(local), ReversePathRoutable = true,
        };
        yield return new PacketCheck($"{Name(family)} TCP from {local.Network} to port {Port(port)} on lo", Decision.Admitted, ServerLayerEvaluator.Evaluate(facts, onLo, local));
        yield return new PacketCheck($"{Name(family)} TCP out to {local.Network} port {Port(port)} on lo", Decision.Admitted,
            ServerLayerEvaluator.EvaluateEgress(facts, onLo with { ReversePathRoutable = null }, local), Incoming: false);

        var spoofed = family == IpFamily.IPv4 ? Cidr.Parse("127.0.0.0/8") : Cidr.Parse("::1/128");
        foreach (var target in facts.SshPorts.Concat(facts.Listening.Where(l => l.IsPublic).Select(l => l.Port)).Append(port).Distinct().Order())
        {
            var outside = Incoming(family, target) with { ReversePathRoutable = false };
            yield return new PacketCheck($"{Name(family)} TCP from {spoofed} arriving on {string.Join("/", outside.Ingress ?? ["an outside interface"])} to port {Port(target)}",
                Decision.Refused, ServerLayerEvaluator.Evaluate(facts, outside, spoofed));
        }
    }

    /// <summary>New outbound connections to the internet (80, 443) admitted; the packets of established connections admitted both ways.</summary>
    public IEnumerable<PacketCheck> OutboundAndEstablished(IpFamily family)
    {
        var internet = Cidr.Internet(family);
        foreach (var port in new[] { 443, 80 })
        {
            yield return new PacketCheck($"a new {Name(family)} TCP connection out to the internet on port {Port(port)}", Decision.Admitted,
                ServerLayerEvaluator.EvaluateEgress(facts, Outgoing(family, port), internet), Incoming: false);
        }

        var reply = UnlistedEphemeralPort;
        yield return new PacketCheck($"{Name(family)} TCP of an established connection the server opened (from port 443 to its port {Port(reply)})", Decision.Admitted,
            ServerLayerEvaluator.Evaluate(facts, Incoming(family, reply) with { Established = true, SourcePort = 443 }, internet));
        foreach (var ssh in facts.SshPorts.DefaultIfEmpty(22))
        {
            yield return new PacketCheck($"{Name(family)} TCP of an established connection to SSH going out (from port {Port(ssh)} to the client's port {Port(reply)})", Decision.Admitted,
                ServerLayerEvaluator.EvaluateEgress(facts, Outgoing(family, reply) with { Established = true, SourcePort = ssh }, internet), Incoming: false);
        }
    }

    /// <summary>A new connection to a port no rule names refused, in and out.</summary>
    public IEnumerable<PacketCheck> DefaultDeny(IpFamily family)
    {
        var internet = Cidr.Internet(family);
        var port = UnlistedPort;
        yield return new PacketCheck($"a new {Name(family)} TCP connection from the internet to port {Port(port)}, which no rule names", Decision.Refused,
            ServerLayerEvaluator.Evaluate(facts, Incoming(family, port), internet));
        yield return new PacketCheck($"a new {Name(family)} TCP connection out to the internet on port {Port(port)}, which no rule names", Decision.Refused,
            ServerLayerEvaluator.EvaluateEgress(facts, Outgoing(family, port), internet), Incoming: false);
    }

    /// <summary>The verdict of a new connection from the internet to a port, as the audit gives it.</summary>
    public ServerVerdict FromInternet(IpFamily family, int port) => ServerLayerEvaluator.Evaluate(facts, Incoming(family, port), Cidr.Internet(family));

    /// <summary>A packet from the internet: on the interfaces the server routes it through (IPv4's when IPv6 has no global address).</summary>
    private PacketContext Incoming(IpFamily family, int port)
    {
        var context = facts.Network.Context(Protocol.Tcp, port, Cidr.Internet(family));
        return context.Ingress is null && family == IpFamily.IPv6
            ? context with { Ingress = facts.Network.Context(Protocol.Tcp, port, Cidr.AnyIPv4).Ingress }
            : context;
    }

    private PacketContext Outgoing(IpFamily family, int port) => Incoming(family, port) with { ReversePathRoutable = null };

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The lowest port from 1024 (and from the ephemeral range) that no rule's port match covers and nothing listens on.</summary>
    private static (int, int) Unlisted(ServerFacts facts)
    {
        var named = new List<PortRange>();
        var output = facts.Output.Value;
        foreach (var set in new[] { facts.Iptables4, facts.Iptables6, facts.IptablesLegacy4, facts.IptablesLegacy6, facts.Nft4, facts.Nft6,
                     output.Iptables4, output.Iptables6, output.IptablesLegacy4, output.IptablesLegacy6, output.Nft4, output.Nft6 })
        {
            foreach (var rule in set?.Chains.Values.SelectMany(c => c.Rules) ?? [])
            {
                named.AddRange(rule.Matches.SelectMany(Ports));
            }
        }

        named.AddRange(facts.Listening.Select(l => new PortRange(l.Port, l.Port)));
        named.AddRange(facts.SshPorts.Select(p => new PortRange(p, p)));
        int First(int from)
        {
            for (var port = from; port <= 65535; port++)
            {
                if (!named.Any(r => r.Contains(port)))
                {
                    return port;
                }
            }

            return from;
        }

        return (First(1024), First(PortMatch.Ephemeral.From));
    }

    private static IEnumerable<PortRange> Ports(RuleMatch match) => match switch
    {
        PortMatch ports => ports.Ranges,
        AllOf all => all.Parts.SelectMany(Ports),
        _ => [],
    };
}
