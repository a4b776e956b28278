// The plain model the oracle reads and the fake is seeded with: a project's servers and firewalls, written from
// Hetzner Cloud's public documentation only.
// Sources:
// - Hetzner Cloud API reference, OpenAPI description "Hetzner Cloud API" as transcribed in
//   github.com/konfig-sdks/openapi-examples, hetzner/openapi.yaml (paths /firewalls, /firewalls/{id}/actions/set_rules,
//   …/apply_to_resources, …/remove_from_resources; the Server example's public_net.ipv4.ip, public_net.ipv6.ip
//   "2001:db8::/64" and public_net.firewalls[{id, status}]; "Label Selector" section of the introduction).
// - Rule fields (direction, protocol tcp/udp/icmp/esp/gre, port or "a-b" range only for tcp/udp, source_ips for "in",
//   destination_ips for "out", "100 CIDRs at most", description ≤ 255): hetznercloud/hcloud-go hcloud/schema/firewall.go
//   and the spec-derived Rule model in hashimaawan/sdk-portal (hetzner/1.0.0 …/models/rule.md).
using System.Net;

namespace OecCloudFw.Hetzner.Tests.Oracle;

/// <summary>One allow rule as the API carries it (<c>port</c> is "80" or "1024-5000", null for icmp/esp/gre).</summary>
public sealed record HzRule(string Direction, string Protocol, string? Port, IReadOnlyList<string> SourceIps, IReadOnlyList<string> DestinationIps, string? Description = null)
{
    public static HzRule In(string protocol, string? port, params string[] sources) => new("in", protocol, port, sources, []);
    public static HzRule Out(string protocol, string? port, params string[] destinations) => new("out", protocol, port, [], destinations);
}

/// <summary>A firewall: its rules and where it is applied (servers by id, label selectors).</summary>
public sealed record HzFirewall(long Id, string Name, IReadOnlyList<HzRule> Rules, IReadOnlyList<long> AppliedServers, IReadOnlyList<string> AppliedSelectors, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>A cloud server: its public IPv4 (null when it has none) and its public IPv6 network (a /64, null when none).</summary>
/// <param name="SmtpUnblocked">Hetzner lifted the outbound 25/465 block for this server on request.</param>
public sealed record HzServer(long Id, string Name, string? Ipv4, string? Ipv6Network, IReadOnlyDictionary<string, string> Labels, bool SmtpUnblocked = false);

/// <summary>A generated (or hand-written) case: the server under question, every firewall of the project, other servers.</summary>
public sealed record HetznerCase(int Seed, HzServer Server, IReadOnlyList<HzFirewall> Firewalls, IReadOnlyList<HzServer> OtherServers)
{
    /// <summary>The firewalls applied to <see cref="Server"/>: by its id or by a label selector matching its labels.</summary>
    public IReadOnlyList<HzFirewall> AppliedToServer() =>
        [.. Firewalls.Where(f => f.AppliedServers.Contains(Server.Id) || f.AppliedSelectors.Any(s => LabelSelector.Matches(s, Server.Labels)))];
}

/// <summary>The documented label selector language: <c>k==v</c>, <c>k=v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>,
/// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, joined by commas (all must hold).</summary>
public static class LabelSelector
{
    public static bool Matches(string selector, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var term in SplitTerms(selector))
        {
            if (!TermMatches(term.Trim(), labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the selector is in the documented language.</summary>
    public static bool IsValid(string selector) =>
        !string.IsNullOrWhiteSpace(selector) && SplitTerms(selector).All(t => Parse(t.Trim()) is not null);

    private static IEnumerable<string> SplitTerms(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }

    private static bool TermMatches(string term, IReadOnlyDictionary<string, string> labels)
    {
        var parsed = Parse(term) ?? throw new FormatException($"not a label selector term: '{term}'");
        var has = labels.TryGetValue(parsed.Key, out var value);
        return parsed.Op switch
        {
            "exists" => has,
            "!exists" => !has,
            "==" => has && value == parsed.Values[0],
            "!=" => !has || value != parsed.Values[0],
            "in" => has && parsed.Values.Contains(value!),
            _ => !has || !parsed.Values.Contains(value!),
        };
    }

    private sealed record Term(string Key, string Op, string[] Values);

    private static Term? Parse(string term)
    {
        if (term.Length == 0)
        {
            return null;
        }
        if (term.StartsWith('!') && !term.Contains('='))
        {
            return Key(term[1..]) is { } k ? new Term(k, "!exists", []) : null;
        }
        foreach (var op in new[] { "==", "!=", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return Key(term[..at]) is { } k ? new Term(k, op == "=" ? "==" : op, [term[(at + op.Length)..].Trim()]) : null;
            }
        }
        foreach (var op in new[] { " notin ", " in " })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var list = term[(at + op.Length)..].Trim();
                if (!list.StartsWith('(') || !list.EndsWith(')'))
                {
                    return null;
                }
                var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries);
                return Key(term[..at]) is { } k ? new Term(k, op.Trim(), values) : null;
            }
        }
        return Key(term) is { } key ? new Term(key, "exists", []) : null;
    }

    private static string? Key(string key)
    {
        key = key.Trim();
        return key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') ? key : null;
    }
}

/// <summary>CIDR arithmetic over 128-bit integers (IPv4 in the low 32 bits).</summary>
public static class HzNet
{
    public static bool TryParseCidr(string text, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        if (text is null)
        {
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address)
            || !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix))
        {
            return false;
        }
        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }
        network = address;
        return true;
    }

    public static UInt128 ToNumber(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }
        return value;
    }

    public static IPAddress FromNumber(UInt128 value, bool ipv6)
    {
        var bytes = new byte[ipv6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }
        return new IPAddress(bytes);
    }

    /// <summary>First and last address of a CIDR (host bits ignored), and its family.</summary>
    public static (UInt128 First, UInt128 Last, bool Ipv6) Range(string cidr)
    {
        if (!TryParseCidr(cidr, out var network, out var prefix))
        {
            throw new FormatException($"not a CIDR: '{cidr}'");
        }
        var ipv6 = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var bits = ipv6 ? 128 : 32;
        var host = bits - prefix;
        var hostMask = host == 0 ? UInt128.Zero : host == 128 ? UInt128.MaxValue : (UInt128.One << host) - 1;
        var first = ToNumber(network) & ~hostMask;
        return (first, first | hostMask, ipv6);
    }

    public static bool Contains(string cidr, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (first, last, ipv6) = Range(cidr);
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (v6 != ipv6)
        {
            return false;
        }
        var n = ToNumber(address);
        return n >= first && n <= last;
    }
}
