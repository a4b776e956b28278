using System.Text.RegularExpressions;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// The server firewall's rules and configuration as canonical lines, in order, for a saved plan's digest: the
/// iptables and nftables rulesets (counters and save timestamps left out), ipsets, ufw's and firewalld's configuration
/// and CSF's state. What moves on its own is left out too, so a plan is not stale because of it: fail2ban's ban
/// chains and Docker's own chains (rewritten on every container start; with its nftables backend, its docker-bridges
/// tables); DOCKER-USER, which operators edit, stays in.
/// </summary>
internal static partial class FirewallStateLines
{
    private static readonly string[] Sections =
    [
        "ufw-conf", "ufw-defaults", "ufw-user-rules", "firewalld-state", "firewalld-zones", "firewalld",
        "iptables-save", "ip6tables-save", "iptables-legacy-save", "ip6tables-legacy-save", "nft", "ipset", "csf",
    ];

    public static IReadOnlyList<string> From(ProbeSections sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var lines = new List<string>();
        foreach (var name in Sections)
        {
            if (sections.Text(name) is not { } text)
            {
                continue;
            }

            var body = name == "nft" ? NftCounters().Replace(text, string.Empty) : text;
            foreach (var raw in name == "nft" ? NftObjects(body) : body.Split('\n'))
            {
                var line = SaveCounters().Replace(raw.TrimEnd(), "[0:0]");
                if (line.Length == 0 || line.StartsWith('#') || Dynamic().IsMatch(line))
                {
                    continue;
                }

                lines.Add($"{name}: {line}");
            }
        }

        return lines;
    }

    /// <summary>
    /// <c>nft -j list ruleset</c> is one line of JSON: split into its objects (a table, a chain, a rule each), so a moved
    /// rule is one line that moved, not the whole ruleset. Text that is not that JSON is kept as its lines.
    /// </summary>
    private static IEnumerable<string> NftObjects(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("nftables", out var objects) && objects.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                return objects.EnumerateArray().Where(o => !o.TryGetProperty("metainfo", out _)).Select(o => o.GetRawText()).ToList();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return json.Split('\n');
    }

    [GeneratedRegex(@"\[\d+:\d+\]")]
    private static partial Regex SaveCounters();

    [GeneratedRegex(@"""counter"":\s*\{[^}]*\}|""packets"":\s*\d+,\s*""bytes"":\s*\d+")]
    private static partial Regex NftCounters();

    [GeneratedRegex(@"f2b-|fail2ban|(^|[\s:""])DOCKER(-ISOLATION[-A-Z0-9]*|-FORWARD|-CT|-BRIDGE)?([\s""]|$)|""table"":\s*""docker-bridges""|""name"":\s*""docker-bridges""")]
    private static partial Regex Dynamic();
}
