using System.Globalization;
using System.Text.Json;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Docker's firewall as the probe reads it: which firewall backend the daemon uses (<c>docker info</c>'s
/// FirewallBackend.Driver, Docker 28.1+: "iptables", "nftables", either with "+firewalld"), and for the nftables backend
/// (Docker 29's <c>ip</c>/<c>ip6 docker-bridges</c> tables, no DOCKER-USER chain) the ports it publishes: the DNAT rules
/// of its nat-prerouting-and-output chain; and the mark its <c>bridge-accept-fwmark</c> option makes it accept (from
/// /etc/docker/daemon.json).
/// </summary>
/// <param name="Driver">docker info's firewall driver; null when Docker did not say (older than 28.1, or not running).</param>
/// <param name="TablesPresent">True when the kernel holds Docker's nftables tables (ip or ip6 docker-bridges).</param>
/// <param name="Published">The ports Docker publishes through those tables, per family, with the rule.</param>
/// <param name="AcceptFwMark">daemon.json's "bridge-accept-fwmark" ("0x4f45" or "0x4f45/0xffff"); null when not set.</param>
public sealed record DockerFirewall(string? Driver, bool TablesPresent, IReadOnlyList<(int Port, IpFamily Family, string Rule)> Published, string? AcceptFwMark)
{
    public static DockerFirewall None { get; } = new(null, false, [], null);

    /// <summary>The tool's own table for this backend (inet oecfw-docker) as loaded: its rule count and its first rule's comment; null when absent.</summary>
    public (int Rules, string? Comment)? OwnTable { get; init; }

    /// <summary>Docker's table (both families): filter-FORWARD on the forward hook at priority filter (0), nat at dstnat and srcnat, raw-PREROUTING.</summary>
    public const string Table = "docker-bridges";

    /// <summary>True when Docker writes its rules with nftables: docker info says so, or (when it does not say) its tables are there.</summary>
    public bool Nftables => Driver is { } driver ? driver.StartsWith("nftables", StringComparison.Ordinal) : TablesPresent;

    /// <summary>Reads the probe's sections (pure): the nft ruleset's JSON, docker info's driver, daemon.json.</summary>
    public static DockerFirewall Parse(string? nftJson, string? driver, string? daemonJson)
    {
        var published = new List<(int, IpFamily, string)>();
        var present = false;
        (int Rules, string? Comment)? own = null;
        if (!string.IsNullOrWhiteSpace(nftJson) && (nftJson.Contains(Table, StringComparison.Ordinal) || nftJson.Contains(Backends.DockerNftRules.Table, StringComparison.Ordinal)))
        {
            try
            {
                using var document = JsonDocument.Parse(nftJson);
                if (document.RootElement.TryGetProperty("nftables", out var items))
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        if (item.TryGetProperty("table", out var table) && table.ValueKind == JsonValueKind.Object && table.GetProperty("name").GetString() == Table)
                        {
                            present = true;
                        }
                        else if (table.ValueKind == JsonValueKind.Object && table.GetProperty("name").GetString() == Backends.DockerNftRules.Table && table.GetProperty("family").GetString() == "inet")
                        {
                            own ??= (0, null);
                        }
                        else if (item.TryGetProperty("rule", out var mine) && mine.GetProperty("table").GetString() == Backends.DockerNftRules.Table && mine.GetProperty("family").GetString() == "inet")
                        {
                            own = own is { } o
                                ? (o.Rules + 1, o.Rules == 0 && mine.TryGetProperty("comment", out var c) ? c.GetString() : o.Comment)
                                : (1, mine.TryGetProperty("comment", out var first) ? first.GetString() : null);
                        }
                        else if (item.TryGetProperty("rule", out var rule) && rule.GetProperty("table").GetString() == Table &&
                                 rule.GetProperty("chain").GetString() == "nat-prerouting-and-output" && PublishedPort(rule) is { } port)
                        {
                            var family = rule.GetProperty("family").GetString() == "ip6" ? IpFamily.IPv6 : IpFamily.IPv4;
                            published.Add((port, family, NftRulesetParser.Describe(rule)));
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // An unreadable ruleset: nothing is read from it (the evaluator says so for the filters).
            }
        }

        return new DockerFirewall(string.IsNullOrWhiteSpace(driver) ? null : driver.Trim(), present, published, AcceptFwMarkOf(daemonJson)) { OwnTable = own };
    }

    /// <summary>The TCP port a DNAT rule of Docker's publishes (<c>tcp dport 8080 … dnat to 172.17.0.2:80</c>); null for anything else.</summary>
    private static int? PublishedPort(JsonElement rule)
    {
        int? port = null;
        var dnat = false;
        foreach (var expr in rule.GetProperty("expr").EnumerateArray())
        {
            if (expr.TryGetProperty("dnat", out _))
            {
                dnat = true;
            }
            else if (expr.TryGetProperty("match", out var match) && match.GetProperty("op").GetString() == "==" &&
                     match.GetProperty("left").TryGetProperty("payload", out var payload) &&
                     payload.TryGetProperty("protocol", out var protocol) && protocol.GetString() == "tcp" &&
                     payload.TryGetProperty("field", out var field) && field.GetString() == "dport" &&
                     match.GetProperty("right").ValueKind == JsonValueKind.Number)
            {
                port = match.GetProperty("right").GetInt32();
            }
        }

        return dnat ? port : null;
    }

    private static string? AcceptFwMarkOf(string? daemonJson)
    {
        if (string.IsNullOrWhiteSpace(daemonJson))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(daemonJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("bridge-accept-fwmark", out var mark) &&
                   mark.ValueKind == JsonValueKind.String && Mark(mark.GetString()!) is not null
                ? mark.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A mark with an optional mask ("0x4f45", "20293/0xffff"), read as Docker reads it (strconv.ParseUint base 0); null when not a mark.</summary>
    public static (uint Mark, uint Mask)? Mark(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length > 2 || Number(parts[0]) is not { } mark)
        {
            return null;
        }

        if (parts.Length == 1)
        {
            return (mark, uint.MaxValue);
        }

        return Number(parts[1]) is { } mask ? (mark, mask) : null;
    }

    private static uint? Number(string text)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        }

        if (text.Length > 1 && text.StartsWith('0') && text.All(c => c is >= '0' and <= '7'))
        {
            try
            {
                return Convert.ToUInt32(text, 8);
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
