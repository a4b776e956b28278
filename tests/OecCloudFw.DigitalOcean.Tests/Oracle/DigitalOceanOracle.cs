// A brute-force judge of DigitalOcean Cloud Firewalls, written from the public documentation only:
// - docs.digitalocean.com/products/networking/firewalls/how-to/configure-rules: "Cloud firewalls block all traffic that
//   isn't expressly permitted by a rule. ... If no inbound rules are configured, no incoming traffic is permitted. ...
//   If no outbound rules are configured, no outbound traffic is permitted." and (www.digitalocean.com/docs/networking/
//   firewalls/how-to/configure-rules/) "When more than one Firewall is applied to a Droplet, the rules are additive and
//   cannot be restricted again with other rules." -> the union of every applied firewall's rules, default deny both ways.
// - www.digitalocean.com/docs/networking/firewalls/how-to/manage-droplets/: a Droplet with no firewall applied shows
//   none ("the union of all of the Firewalls' rules" otherwise); a firewall only filters the Droplets it is applied to,
//   by id or by tag ("Rules applied to a tag will then be applied to all Droplets that share the tag",
//   www.digitalocean.com/community/tutorials/an-introduction-to-digitalocean-cloud-firewalls) -> no firewall, nothing filtered.
// - docs.digitalocean.com/products/networking/firewalls/details/limits/: "Firewalls affect both public and VPC network
//   traffic" (a droplet/tag source covers the droplet's private addresses too); "Firewalls only support ICMP, TCP, and UDP".
// - OpenAPI (github.com/digitalocean/openapi specification/resources/firewalls/models/firewall_rule.yml): ports is "a
//   single port, a range (e.g. "8000-9000"), or "0" when all ports are open for a protocol. For ICMP rules this parameter
//   will always return "0""; addresses are "IPv4 addresses, IPv6 addresses, IPv4 CIDRs, and/or IPv6 CIDRs"; droplet_ids,
//   tags ("groups of Droplets"), load_balancer_uids, kubernetes_ids. "all" is accepted as every port too (the control
//   panel's "All TCP"/"All UDP" presets; doctl's `ports:all`).
// - Stateful ("a network-based, stateful firewall service"): only NEW connections are judged here; replies pass.
// - docs.digitalocean.com/support/why-is-smtp-blocked/: "SMTP port 25 is blocked on all Droplets for new accounts" ->
//   outbound TCP 25 is BlockedByProvider when the case's account has it blocked, whatever the firewalls say.
// - docs.digitalocean.com/products/droplets/details/limits/ ("Some Droplet network traffic is restricted"): "TCP and UDP
//   traffic on port 11211 inbound from external networks", "Multicast traffic", "SMTP via Reserved IPs and IPv6" (and
//   again "SMTP port 25 is blocked on all Droplets for new accounts") -> BlockedByProvider: inbound TCP/UDP 11211 from an
//   external address, any multicast address (224.0.0.0/4, ff00::/8), outbound TCP 25 to any IPv6 address (every account).
//   Undecided by the docs (answered Indeterminate, only where the firewalls admit the packet): outbound UDP 25 where SMTP
//   is blocked (SMTP is TCP; the pages do not say whether the block is by port or by protocol); inbound 11211 from an
//   address that may not be "external" (a droplet, load balancer or cluster address of the case, or a private range
//   10/8, 172.16/12, 192.168/16, fc00::/7 - the page does not define "external networks").
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

public enum OracleDecision { Admitted, Refused, Indeterminate }

/// <summary>The oracle's finer answer: a provider block is told apart from a firewall's refusal.</summary>
public enum DoVerdict { Admitted, RefusedByFirewall, BlockedByProvider, Indeterminate }

public sealed record DoOracleAnswer(DoVerdict Verdict, string Reason)
{
    public OracleDecision Decision => Verdict switch
    {
        DoVerdict.Admitted => OracleDecision.Admitted,
        DoVerdict.Indeterminate => OracleDecision.Indeterminate,
        _ => OracleDecision.Refused,
    };
}

public static class DigitalOceanOracle
{
    /// <summary>Is a NEW inbound packet (tcp/udp to <paramref name="port"/>, or icmp) from <paramref name="source"/> admitted to the case's server?</summary>
    public static DoOracleAnswer Inbound(DoCase input, string protocol, int port, IPAddress source) =>
        Compile(input).Judge(protocol, port, source, inbound: true);

    /// <summary>Is a NEW outbound packet from the case's server to <paramref name="destination"/> admitted?</summary>
    public static DoOracleAnswer Outbound(DoCase input, string protocol, int port, IPAddress destination) =>
        Compile(input).Judge(protocol, port, destination, inbound: false);

    /// <summary>Parses the case once (for many questions); the judging stays a scan of every applied rule.</summary>
    public static CompiledDoCase Compile(DoCase input) => new(input);
}

/// <summary>A case with its addresses parsed; answers by scanning every rule of every applied firewall.</summary>
public sealed class CompiledDoCase
{
    private readonly DoCase _case;
    private readonly List<(string Firewall, int Index, DoRule Rule, int Low, int High, Prefix[] Targets)> _inbound = [];
    private readonly List<(string Firewall, int Index, DoRule Rule, int Low, int High, Prefix[] Targets)> _outbound = [];
    private readonly bool _filtered;
    private readonly Prefix[] _internal;
    private static readonly Prefix[] Private = [Prefix.Parse("10.0.0.0/8"), Prefix.Parse("172.16.0.0/12"), Prefix.Parse("192.168.0.0/16"), Prefix.Parse("fc00::/7")];
    private static readonly Prefix[] Multicast = [Prefix.Parse("224.0.0.0/4"), Prefix.Parse("ff00::/8")];

    internal CompiledDoCase(DoCase input)
    {
        _case = input;
        var applied = input.AppliedTo(input.ServerId).ToList();
        _filtered = applied.Count > 0;
        _internal = input.Droplets.SelectMany(d => d.AllAddresses)
            .Concat(input.LoadBalancers.Concat(input.KubernetesClusters).SelectMany(r => r.Addresses))
            .Select(Prefix.Parse).Concat(Private).ToArray();
        foreach (var firewall in applied)
        {
            for (var i = 0; i < firewall.Inbound.Count; i++)
            {
                _inbound.Add(Entry(firewall, i, firewall.Inbound[i]));
            }
            for (var i = 0; i < firewall.Outbound.Count; i++)
            {
                _outbound.Add(Entry(firewall, i, firewall.Outbound[i]));
            }
        }
    }

    public DoCase Case => _case;

    private (string, int, DoRule, int, int, Prefix[]) Entry(DoFirewall firewall, int index, DoRule rule)
    {
        var (low, high) = PortBounds(rule.Ports);
        return (firewall.Name, index, rule, low, high, Expand(rule.Target).Select(Prefix.Parse).ToArray());
    }

    /// <summary>Every address a target stands for: its own, and those of the droplets, tags, load balancers and clusters it names.</summary>
    public IEnumerable<string> Expand(DoTarget target)
    {
        foreach (var a in target.Addresses)
        {
            yield return a;
        }
        foreach (var d in _case.Droplets)
        {
            if (target.DropletIds.Contains(d.Id) || d.Tags.Any(t => target.Tags.Contains(t, StringComparer.Ordinal)))
            {
                foreach (var a in d.AllAddresses)
                {
                    yield return a;
                }
            }
        }
        foreach (var r in _case.LoadBalancers.Where(r => target.LoadBalancerUids.Contains(r.Id, StringComparer.Ordinal)))
        {
            foreach (var a in r.Addresses)
            {
                yield return a;
            }
        }
        foreach (var r in _case.KubernetesClusters.Where(r => target.KubernetesIds.Contains(r.Id, StringComparer.Ordinal)))
        {
            foreach (var a in r.Addresses)
            {
                yield return a;
            }
        }
    }

    /// <summary>"0", "all" (or nothing) = every port; "a-b" a range; "n" one port.</summary>
    public static (int Low, int High) PortBounds(string ports)
    {
        if (string.IsNullOrEmpty(ports) || ports == "0" || string.Equals(ports, "all", StringComparison.OrdinalIgnoreCase))
        {
            return (1, 65535);
        }
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? (int.Parse(ports, System.Globalization.CultureInfo.InvariantCulture), int.Parse(ports, System.Globalization.CultureInfo.InvariantCulture))
            : (int.Parse(ports[..dash], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ports[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public DoOracleAnswer Judge(string protocol, int port, IPAddress address, bool inbound)
    {
        var decision = Decide(protocol, port, address, inbound, out var rule);
        return decision switch
        {
            DoVerdict.BlockedByProvider => new(decision, rule ?? "blocked by DigitalOcean upstream of every firewall"),
            DoVerdict.Indeterminate when port == 11211 => new(decision, $"the firewalls admit it ({rule}); whether this source counts as an \"external network\" for DigitalOcean's port 11211 restriction is not documented"),
            DoVerdict.Indeterminate => new(decision, $"the firewalls admit it ({rule}); whether DigitalOcean's SMTP block covers UDP 25 is not documented"),
            DoVerdict.Admitted when rule is null => new(decision, "no cloud firewall applies to this droplet: nothing filtered"),
            DoVerdict.Admitted => new(decision, $"admitted by {rule}"),
            _ => new(decision, inbound ? "no inbound rule of the applied firewalls admits it (default deny)" : "no outbound rule of the applied firewalls admits it (default deny)"),
        };
    }

    /// <summary>The verdict alone (no allocation on the common path); <paramref name="rule"/> names the admitting rule.</summary>
    public DoVerdict Decide(string protocol, int port, IPAddress address, bool inbound, out string? rule)
    {
        rule = null;
        var tcp = protocol == "tcp";
        var icmp = protocol == "icmp";
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        var ipv6 = length == 16;
        if (Any(Multicast, bytes))
        {
            rule = "multicast traffic is restricted by DigitalOcean";
            return DoVerdict.BlockedByProvider;
        }
        if (!inbound && tcp && port == 25 && (ipv6 || _case.Smtp25Blocked))
        {
            rule = ipv6 ? "SMTP over IPv6 is restricted by DigitalOcean" : "outbound TCP 25 is blocked by DigitalOcean on this account (request an unblock)";
            return DoVerdict.BlockedByProvider;
        }
        var memcached = inbound && !icmp && port == 11211;
        var maybeInternal = memcached && Any(_internal, bytes);
        if (memcached && !maybeInternal)
        {
            rule = "TCP and UDP 11211 inbound from external networks is restricted by DigitalOcean";
            return DoVerdict.BlockedByProvider;
        }
        var smtpUdp = !inbound && !tcp && !icmp && port == 25 && (ipv6 || _case.Smtp25Blocked);
        if (!_filtered)
        {
            return maybeInternal || smtpUdp ? DoVerdict.Indeterminate : DoVerdict.Admitted;
        }
        foreach (var (firewall, index, r, low, high, targets) in inbound ? _inbound : _outbound)
        {
            if (r.Protocol != protocol || (!icmp && (port < low || port > high)))
            {
                continue;
            }
            foreach (var prefix in targets)
            {
                if (prefix.Contains(bytes))
                {
                    rule = $"{firewall} {(inbound ? "inbound" : "outbound")} rule {index} ({r.Protocol} {r.Ports})";
                    return maybeInternal || smtpUdp ? DoVerdict.Indeterminate : DoVerdict.Admitted;
                }
            }
        }
        return DoVerdict.RefusedByFirewall;
    }

    private static bool Any(Prefix[] prefixes, ReadOnlySpan<byte> address)
    {
        foreach (var p in prefixes)
        {
            if (p.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>An address or CIDR as bytes and a prefix length, compared bit by bit (no library matcher).</summary>
public readonly struct Prefix
{
    private readonly byte[] _bytes;
    private readonly int _length;

    private Prefix(byte[] bytes, int length)
    {
        _bytes = bytes;
        _length = length;
    }

    public static Prefix Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(slash < 0 ? text : text[..slash]);
        var bytes = address.GetAddressBytes();
        var length = slash < 0 ? bytes.Length * 8 : int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return new Prefix(bytes, length);
    }

    public bool IsIPv6 => _bytes.Length == 16;

    public bool Contains(ReadOnlySpan<byte> address)
    {
        if (address.Length != _bytes.Length)
        {
            return false;
        }
        for (var bit = 0; bit < _length; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (_bytes[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The first and last address of the prefix.</summary>
    public (IPAddress First, IPAddress Last) Bounds()
    {
        var first = (byte[])_bytes.Clone();
        var last = (byte[])_bytes.Clone();
        for (var bit = _length; bit < _bytes.Length * 8; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            first[bit / 8] &= (byte)~mask;
            last[bit / 8] |= mask;
        }
        return (new IPAddress(first), new IPAddress(last));
    }

    public static AddressFamily FamilyOf(string text) =>
        IPAddress.Parse(text.Split('/')[0]).AddressFamily;
}
