using System.Text.RegularExpressions;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Facts;

/// <summary>One firewalld zone from <c>firewall-cmd --list-all</c>.</summary>
public sealed partial record FirewalldZone(
    string Name,
    string Target,
    IReadOnlyList<string> Interfaces,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Services,
    IReadOnlyList<(Protocol Protocol, PortRange Ports)> Ports,
    IReadOnlyList<string> RichRules)
{
    /// <summary>Ports of well-known services, used when the probe could not ask firewalld itself.</summary>
    private static readonly Dictionary<string, int[]> KnownServices = new(StringComparer.Ordinal)
    {
        ["ssh"] = [22],
        ["http"] = [80],
        ["https"] = [443],
        ["postgresql"] = [5432],
    };

    /// <summary>Parses the concatenated <c>--list-all</c> output of several zones.</summary>
    public static IReadOnlyList<FirewalldZone> Parse(string? listAll)
    {
        var zones = new List<FirewalldZone>();
        string? name = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var rich = new List<string>();
        void Flush()
        {
            if (name is null)
            {
                return;
            }

            IReadOnlyList<string> Words(string key) => fields.GetValueOrDefault(key, string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ports = Words("ports").Select(p => p.Split('/')).Where(p => p.Length == 2)
                .Select(p => (Protocol: ProtocolNames.TryParse(p[1], out var pr) ? pr.Value : Protocol.Tcp, Ok: PortRange.TryParse(p[0].Replace('-', ':'), out PortRange r, out _), Range: r))
                .Where(p => p.Ok).Select(p => (p.Protocol, p.Range)).ToList();
            zones.Add(new FirewalldZone(name, fields.GetValueOrDefault("target", "default"), Words("interfaces"), Words("sources"),
                Words("services"), ports, rich));
        }

        var inRich = false;
        foreach (var raw in (listAll ?? string.Empty).Split('\n'))
        {
            if (raw.Length > 0 && !char.IsWhiteSpace(raw[0]))
            {
                Flush();
                name = raw.Split(' ')[0].Trim();
                fields = new Dictionary<string, string>(StringComparer.Ordinal);
                rich = [];
                inRich = false;
                continue;
            }

            var line = raw.Trim();
            if (inRich && line.StartsWith("rule ", StringComparison.Ordinal))
            {
                rich.Add(line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var key = line[..colon];
                fields[key] = line[(colon + 1)..].Trim();
                inRich = key == "rich rules";
            }
        }

        Flush();
        return zones;
    }

    /// <summary>Parses the probe's "service: ports" lines (from <c>--info-service</c>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PortRange>> ParseServicePorts(string? text)
    {
        var result = new Dictionary<string, IReadOnlyList<PortRange>>(StringComparer.Ordinal);
        foreach (var line in (text ?? string.Empty).Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            result[line[..colon].Trim()] = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('/')[0].Replace('-', ':'))
                .Select(p => PortRange.TryParse(p, out PortRange r, out _) ? r : (PortRange?)null)
                .OfType<PortRange>()
                .ToList();
        }

        return result;
    }

    /// <summary>Whether this zone admits a NEW packet to <paramref name="port"/> from <paramref name="source"/>, and why.</summary>
    public (bool Admitted, string Evidence) Admits(Protocol protocol, int port, Cidr source, IReadOnlyDictionary<string, IReadOnlyList<PortRange>> servicePorts)
    {
        ArgumentNullException.ThrowIfNull(servicePorts);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var rule in RichRules)
        {
            var match = RichPattern().Match(rule);
            if (!match.Success)
            {
                continue;
            }

            var address = match.Groups["addr"].Success ? match.Groups["addr"].Value : null;
            var family = match.Groups["family"].Success ? match.Groups["family"].Value : null;
            var portOk = match.Groups["port"].Success
                ? PortRange.TryParse(match.Groups["port"].Value.Replace('-', ':'), out PortRange r, out _) && r.Contains(port)
                : match.Groups["service"].Success && ServicePorts(match.Groups["service"].Value, servicePorts).Any(p => p.Contains(port));
            var familyOk = family is null || (family == "ipv4") == (source.Family == IpFamily.IPv4);
            var sourceOk = address is null || (Cidr.TryParse(address, out var cidr) && cidr.Contains(source));
            if (portOk && familyOk && sourceOk)
            {
                return (match.Groups["verdict"].Value == "accept", $"zone {Name}: {rule}");
            }
        }

        if (Ports.Any(p => p.Protocol.Covers(protocol) && p.Ports.Contains(port)))
        {
            return (true, $"zone {Name}: port {port}/{protocol.ToName()}");
        }

        foreach (var service in Services)
        {
            if (ServicePorts(service, servicePorts).Any(p => p.Contains(port)))
            {
                return (true, $"zone {Name}: service {service}");
            }
        }

        return Target is "ACCEPT" ? (true, $"zone {Name}: target ACCEPT") : (false, $"zone {Name}: target {Target} (no service or port admits {port})");
    }

    private static IEnumerable<PortRange> ServicePorts(string service, IReadOnlyDictionary<string, IReadOnlyList<PortRange>> servicePorts) =>
        servicePorts.TryGetValue(service, out var ports) ? ports
        : KnownServices.TryGetValue(service, out var known) ? known.Select(PortRange.Single) : [];

    [GeneratedRegex("""rule(?: family="(?<family>ipv[46])")?(?: source address="(?<addr>[^"]+)")?.*?(?:port port="(?<port>[0-9:-]+)"[^ ]* protocol="\w+"|service name="(?<service>[^"]+)")\s+(?:log[^a]*)?(?<verdict>accept|drop|reject)""", RegexOptions.CultureInvariant)]
    private static partial Regex RichPattern();
}
