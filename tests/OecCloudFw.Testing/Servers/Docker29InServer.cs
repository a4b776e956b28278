using System.Globalization;

namespace OecCloudFw.Testing.Servers;

/// <summary>
/// Docker 29's nftables firewall backend inside a test server, without Docker 29: a "container" (a network namespace
/// of its own behind the bridge br-dummy, with a veth pair, its default routes through the bridge, listeners on its
/// ports) and the exact tables Docker 29.0.0 writes for it (Docker29/docker29-nftables.nft, taken from moby's golden
/// test files: published host port 8080 DNAT-ed to the container's port 80, both families), loaded with nft -f. The
/// server forwards (as dockerd makes it). Everything lives in the server's namespaces and goes with it.
/// </summary>
public static class Docker29InServer
{
    public const string Bridge = "br-dummy";
    public const string Container4 = "198.18.200.2";
    public const string Container6 = "2001:2:0:c8::2";

    /// <summary>The host port Docker publishes in the fixture, and the container's port behind it.</summary>
    public const int Published = 8080;

    public const int ContainerPort = 80;

    /// <summary>The fixture's text made the test's: its addresses replaced, an ALLOW FW MARK rule added when <paramref name="acceptFwMark"/> is set (as network.go renders it).</summary>
    public static string Tables(string? acceptFwMark = null)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docker29", "docker29-nftables.nft"))
            .Replace("192.168.0.0/24", "198.18.200.0/24", StringComparison.Ordinal)
            .Replace("192.168.0.2", Container4, StringComparison.Ordinal)
            .Replace("fd49:efd7:54aa::/64", "2001:2:0:c8::/64", StringComparison.Ordinal)
            .Replace("fd49:efd7:54aa::1", Container6, StringComparison.Ordinal)
            .Replace("type nat hook output priority dstnat;", "type nat hook output priority -100;", StringComparison.Ordinal);
        if (acceptFwMark is not null)
        {
            // nftFwMark: "mark" alone, or "and MASK == MARK", numbers in decimal.
            var parts = acceptFwMark.Split('/');
            var mark = Convert.ToUInt32(parts[0], 16).ToString(CultureInfo.InvariantCulture);
            var match = parts.Length == 2 ? $"and {Convert.ToUInt32(parts[1], 16).ToString(CultureInfo.InvariantCulture)} == {mark}" : mark;
            const string Conntrack = "\tchain filter-forward-in__br-dummy {\n\t\tct state established,related counter packets 0 bytes 0 accept\n";
            text = text.Replace(Conntrack, $"{Conntrack}\t\tmeta mark {match} counter packets 0 bytes 0 accept comment \"ALLOW FW MARK\"\n", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Makes the container (listening on <paramref name="containerPorts"/>) and loads Docker 29's tables for it.</summary>
    public static async Task StartAsync(TestServer server, IReadOnlyCollection<int> containerPorts, string? acceptFwMark = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var listen = Path.Combine(AppContext.BaseDirectory, "Servers", "listen.py");
        var tables = Path.Combine(server.WorkDir, "docker29.nft");
        await File.WriteAllTextAsync(tables, Tables(acceptFwMark), cancellationToken);
        await server.ExecAsync($$"""
            set -e
            ip link add {{Bridge}} type bridge
            ip addr add 198.18.200.1/24 dev {{Bridge}}
            ip -6 addr add 2001:2:0:c8::1/64 dev {{Bridge}} nodad
            ip link set {{Bridge}} up
            setsid unshare -n sleep 100000 < /dev/null > /dev/null 2>&1 &
            pid=$!
            i=0; until [ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.02; done
            echo $pid > /run/container.pid
            ip link add veth-ctr type veth peer name veth-br
            ip link set veth-br master {{Bridge}} up
            ip link set veth-ctr netns $pid
            nsenter -t $pid -n sh -c 'ip link set lo up; ip link set veth-ctr name eth0; ip addr add {{Container4}}/24 dev eth0; ip -6 addr add {{Container6}}/64 dev eth0 nodad; ip link set eth0 up; ip route add default via 198.18.200.1; ip -6 route add default via 2001:2:0:c8::1'
            sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
            nsenter -t $pid -n setsid /usr/bin/python3 {{listen}} {{string.Join(',', containerPorts)}} > /run/container-listen.log 2>&1 < /dev/null &
            i=0; until grep -q listening /run/container-listen.log; do i=$((i+1)); [ $i -gt 200 ] && { cat /run/container-listen.log; exit 1; }; sleep 0.05; done
            # The container answers through the bridge (both families, neighbours resolved) before the tables go in.
            i=0; until /usr/bin/python3 -c 'import socket,sys; [socket.create_connection((a, {{containerPorts.First()}}), 1).close() for a in sys.argv[1:]]' {{Container4}} {{Container6}} 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done
            nft -f {{tables}}
            """, cancellationToken);
    }
}
