using System.Globalization;
using System.Net;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Where a nat PREROUTING rule sends a packet (iptables REDIRECT/DNAT, nft redirect/dnat, firewalld's forward-ports):
/// REDIRECT to a port of this host (no address), or DNAT to an address and perhaps a port. A form the tool does not
/// model (a range, a map) says why.
/// </summary>
/// <param name="Rule">The rule, as evidence.</param>
/// <param name="Address">The new destination address; null for REDIRECT (this host) or a port-only DNAT.</param>
/// <param name="Port">The new destination port; null when it stays.</param>
/// <param name="Unmodelled">Why the translation is not modelled; null when it is.</param>
public sealed record NatTarget(string Rule, IPAddress? Address, int? Port, string? Unmodelled = null)
{
    /// <summary>From iptables' target and its options: <c>REDIRECT --to-ports 8080</c>, <c>DNAT --to-destination 10.0.0.5:80</c>.</summary>
    internal static NatTarget FromIptables(string target, IReadOnlyList<string> tokens, int start, string rule)
    {
        string? Option(string name)
        {
            for (var i = start; i < tokens.Count - 1; i++)
            {
                if (tokens[i] == name)
                {
                    return tokens[i + 1];
                }
            }

            return null;
        }

        if (target == "REDIRECT")
        {
            var ports = Option("--to-ports");
            return ports is null ? new NatTarget(rule, null, null)
                : ParsePort(ports) is { } port ? new NatTarget(rule, null, port)
                : new NatTarget(rule, null, null, $"REDIRECT to the ports {ports}");
        }

        var to = Option("--to-destination");
        if (to is null || tokens.Count(t => t == "--to-destination") > 1)
        {
            return new NatTarget(rule, null, null, "DNAT to several destinations");
        }

        // 10.0.0.5, 10.0.0.5:80, [2001:db8::5]:80, 2001:db8::5, :80
        string address;
        string? portText = null;
        if (to.StartsWith('['))
        {
            var close = to.IndexOf(']', StringComparison.Ordinal);
            address = close > 0 ? to[1..close] : to;
            portText = close > 0 && close + 1 < to.Length && to[close + 1] == ':' ? to[(close + 2)..] : null;
        }
        else if (to.Count(c => c == ':') == 1)
        {
            address = to[..to.IndexOf(':', StringComparison.Ordinal)];
            portText = to[(to.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        else
        {
            address = to;
        }

        IPAddress? ip = null;
        if (address.Length > 0 && !IPAddress.TryParse(address, out ip))
        {
            return new NatTarget(rule, null, null, $"DNAT to the addresses {address}");
        }

        if (portText is null)
        {
            return new NatTarget(rule, ip, null);
        }

        return ParsePort(portText) is { } p ? new NatTarget(rule, ip, p) : new NatTarget(rule, ip, null, $"DNAT to the ports {portText}");
    }

    internal static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    /// <summary>How it reads in evidence: "redirected to 8080", "DNAT-ed to 10.0.0.5:80".</summary>
    public string Describe(int port)
    {
        var newPort = Port ?? port;
        return Address is null
            ? $"redirected to port {newPort.ToString(CultureInfo.InvariantCulture)} of this host"
            : $"DNAT-ed to {(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{newPort.ToString(CultureInfo.InvariantCulture)}";
    }
}
