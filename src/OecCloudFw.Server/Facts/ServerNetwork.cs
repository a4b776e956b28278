using System.Globalization;
using System.Net;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// The server's interfaces, addresses and routes (main table), from <c>ip -o addr show</c>, <c>/proc/net/route</c> and
/// <c>/proc/net/ipv6_route</c>. It tells which interface a packet from a source arrives on: the interface of the route
/// back to it (longest prefix), or, for "the internet", the default route's. So a rule on <c>wg0</c>, <c>docker0</c>,
/// <c>tailscale0</c> or <c>lo</c> does not admit the internet, and one on the external interface does.
/// </summary>
public sealed record ServerNetwork(
    IReadOnlyList<(string Interface, Cidr Network, IPAddress Address)> Addresses,
    IReadOnlyList<(Cidr Destination, string Interface)> Routes)
{
    /// <summary>Interface names that are never the internet side: loopback, containers, bridges, tunnels and VPNs.</summary>
    private static readonly string[] InternalPrefixes =
        ["lo", "docker", "br-", "veth", "virbr", "wg", "tailscale", "tun", "tap", "zt", "cni", "flannel", "cali", "kube", "vxlan", "lxc", "lxd", "podman", "nebula", "ztun"];

    public static ServerNetwork Empty { get; } = new([], []);

    public bool Known => Addresses.Count > 0;

    /// <summary>
    /// The links (<c>ip -o -d link show</c>): each one's master (a bridge or bond it is a port of), the parent a VLAN or
    /// macvlan sits on, and whether it is a bridge; null when not read.
    /// </summary>
    public IReadOnlyDictionary<string, Link>? Links { get; init; }

    /// <summary>The packet context for sources in <paramref name="source"/>: ingress interfaces, destination addresses, reverse path.</summary>
    public PacketContext Context(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var family = source.Family;
        if (!Known)
        {
            return PacketContext.For(protocol, port, family);
        }

        List<string> ingress;
        bool? routable;
        var routes = Routes.Where(r => r.Destination.Family == family && r.Interface != "lo").ToList();
        var covering = routes.Where(r => r.Destination.Contains(source)).OrderByDescending(r => r.Destination.PrefixLength).ToList();
        if (covering.Count > 0 && (source.PrefixLength == source.MaxPrefixLength || covering[0].Destination.PrefixLength == 0 ||
                                   !routes.Any(r => r.Destination.PrefixLength > covering[0].Destination.PrefixLength && source.Contains(r.Destination))))
        {
            // One route covers the sources (a host, or a network with no more specific route inside it).
            var best = covering[0].Destination.PrefixLength;
            ingress = covering.Where(r => r.Destination.PrefixLength == best).Select(r => r.Interface).Distinct().ToList();
            routable = true;
        }
        else if (source.PrefixLength == source.MaxPrefixLength)
        {
            // No route back: the kernel cannot answer this address whatever the firewall says.
            ingress = External(family);
            routable = false;
        }
        else
        {
            // "The internet" with no default route (a server behind a gateway the tool cannot see, or a test server):
            // it is taken to arrive on the external interfaces, and to be routable through them.
            ingress = External(family);
            routable = true;
        }

        // A connection from a global source goes to a global address, never to a link-local one.
        var destination = Addresses.Where(a => a.Network.Family == family && ingress.Contains(a.Interface) && !IsLinkLocal(a.Address))
            .Select(a => Cidr.Parse(a.Address.ToString())).ToList();
        List<IReadOnlyList<string>>? below = null;
        bool? bridged = null;
        if (Links is { } links && ingress.Count > 0)
        {
            below = ingress.Select(i => (IReadOnlyList<string>)Below(links, i)).ToList();
            bridged = ingress.Zip(below).Any(p => p.Second.Prepend(p.First).Any(d => links.TryGetValue(d, out var l) && l.Bridge));
        }

        return new PacketContext
        {
            Protocol = protocol,
            Port = port,
            Family = family,
            Ingress = ingress.Count > 0 ? ingress : null,
            Below = below,
            Bridged = bridged,
            Destination = destination.Count > 0 ? AddressSet.Of(family, destination) : null,
            ReversePathRoutable = routable,
        };
    }

    /// <summary>The devices a packet arriving on <paramref name="name"/> crossed first: its ports (and theirs), a VLAN's parent.</summary>
    private static List<string> Below(IReadOnlyDictionary<string, Link> links, string name)
    {
        var result = new List<string>();
        var queue = new Queue<string>([name]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var (other, link) in links)
            {
                if (link.Master == current && other != name && !result.Contains(other))
                {
                    result.Add(other);
                    queue.Enqueue(other);
                }
            }

            if (links.TryGetValue(current, out var self) && self.Parent is { } parent && parent != name && links.ContainsKey(parent) && !result.Contains(parent))
            {
                result.Add(parent);
                queue.Enqueue(parent);
            }
        }

        return result;
    }

    /// <summary>Parses <c>ip -o -d link show</c>: each link's master, the parent of a VLAN/macvlan/ipvlan, whether it is a bridge (pure).</summary>
    public static IReadOnlyDictionary<string, Link>? ParseLinks(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var result = new Dictionary<string, Link>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "4: va@vb: <…> mtu 1500 qdisc noop master br9 state DOWN …\    link/ether … \    veth \    bridge_slave state …"
            var parts = line.Split('\\');
            var words = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || !words[1].EndsWith(':'))
            {
                continue;
            }

            var names = words[1][..^1].Split('@');
            var kinds = parts.Skip(2).Select(p => p.Trim().Split(' ')[0]).ToList();
            var master = Array.IndexOf(words, "master") is var m and >= 0 && m + 1 < words.Length ? words[m + 1] : null;
            // A veth's "@peer" is the other end, not a device under it.
            var parent = names.Length == 2 && kinds.Any(k => k is "vlan" or "macvlan" or "macvtap" or "ipvlan" or "ipvtap") ? names[1] : null;
            result[names[0]] = new Link(master, parent, kinds.Contains("bridge"));
        }

        return result;
    }

    /// <summary>Interfaces with a global address that are not internal by name.</summary>
    private List<string> External(IpFamily family) =>
        Addresses.Where(a => a.Network.Family == family && !IsInternal(a.Interface) && !IsLinkLocal(a.Address))
            .Select(a => a.Interface).Distinct().ToList();

    public static bool IsInternal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return InternalPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
    }

    private static bool IsLinkLocal(IPAddress address) => address.IsIPv6LinkLocal;

    /// <summary>Parses the probe's network section: <c>ip -o addr show</c>, then the two /proc route tables (pure).</summary>
    public static ServerNetwork Parse(string? addresses, string? routes4, string? routes6)
    {
        var list = new List<(string, Cidr, IPAddress)>();
        foreach (var line in (addresses ?? string.Empty).Split('\n'))
        {
            // "4: eth0    inet 192.0.2.2/24 brd … scope global eth0\ …"
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var at = Array.FindIndex(words, w => w is "inet" or "inet6");
            if (words.Length < 4 || at < 2 || at + 1 >= words.Length)
            {
                continue;
            }

            var name = words[1].Split('@')[0];
            var text = words[at + 1];
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPAddress.TryParse(text[..slash], out var address) && Cidr.TryParse(text, out var network))
            {
                list.Add((name, network, address));
            }
        }

        var routes = new List<(Cidr, string)>();
        foreach (var line in (routes4 ?? string.Empty).Split('\n').Skip(1))
        {
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 8 && Hex4(f[1]) is { } destination && Hex4(f[7]) is { } mask &&
                uint.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) && (flags & 0x1) != 0 && (flags & 0x200) == 0)
            {
                var bits = System.Numerics.BitOperations.PopCount(BitConverter.ToUInt32(mask.GetAddressBytes()));
                routes.Add((Cidr.Parse($"{destination}/{bits.ToString(CultureInfo.InvariantCulture)}"), f[0]));
            }
        }

        foreach (var line in (routes6 ?? string.Empty).Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 10 && f[0].Length == 32 && int.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var length) &&
                uint.TryParse(f[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) && (flags & 0x1) != 0 && (flags & 0x200) == 0 &&
                !f[0].StartsWith("ff", StringComparison.Ordinal))
            {
                var text = string.Join(':', Enumerable.Range(0, 8).Select(i => f[0].Substring(i * 4, 4)));
                if (Cidr.TryParse($"{text}/{length.ToString(CultureInfo.InvariantCulture)}", out var cidr) && !cidr.Network.IsIPv6LinkLocal)
                {
                    routes.Add((cidr, f[9]));
                }
            }
        }

        return new ServerNetwork(list, routes);
    }

    /// <summary>A little-endian hex IPv4 address from /proc/net/route.</summary>
    private static IPAddress? Hex4(string hex) =>
        uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var n) ? new IPAddress(BitConverter.GetBytes(n)) : null;
}

/// <summary>One link of the server: the bridge or bond it is a port of, the device a VLAN sits on, whether it is a bridge.</summary>
public sealed record Link(string? Master, string? Parent, bool Bridge);
