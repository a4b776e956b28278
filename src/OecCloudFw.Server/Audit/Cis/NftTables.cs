using System.Text;
using System.Text.Json;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>
/// The tables of an <c>nft -j list ruleset</c> listing as comparable data: each chain's hook, priority and policy, and
/// its rules' expressions with the counters' values left out (pure). What loads at boot is compared with what runs.
/// </summary>
internal sealed record NftTables(IReadOnlyList<NftTables.Table> Tables)
{
    /// <summary>Tables kept by other programs, which nftables.conf does not hold: iptables-nft's, firewalld's, Docker's, fail2ban's.</summary>
    private static readonly string[] OtherOwners = ["firewalld", "f2b-table", "docker-bridges"];

    public sealed record Chain(string Name, string? Hook, int? Priority, string? Policy, IReadOnlyList<string> Rules)
    {
        public bool IsBase => Hook is not null;

        public string Describe() => IsBase ? $"{Name} (hook {Hook} priority {Priority} policy {Policy ?? "accept"})" : Name;
    }

    public sealed record Table(string Family, string Name, IReadOnlyList<Chain> Chains)
    {
        public string Key => $"{Family} {Name}";

        /// <summary>True when the table filters anything: a rule, or a base chain that drops by default.</summary>
        public bool Filters => Chains.Any(c => c.Rules.Count > 0 || c.Policy == "drop");
    }

    public static NftTables Parse(string? json)
    {
        var tables = new List<(string Family, string Name)>();
        var chains = new Dictionary<string, List<(string Name, string? Hook, int? Priority, string? Policy)>>(StringComparer.Ordinal);
        var rules = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return new NftTables([]);
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items))
        {
            return new NftTables([]);
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var table))
            {
                tables.Add((Text(table, "family")!, Text(table, "name")!));
            }
            else if (item.TryGetProperty("chain", out var chain))
            {
                var key = $"{Text(chain, "family")} {Text(chain, "table")}";
                if (!chains.TryGetValue(key, out var list))
                {
                    chains[key] = list = [];
                }

                list.Add((Text(chain, "name")!, Text(chain, "hook"),
                    chain.TryGetProperty("prio", out var prio) && prio.ValueKind == JsonValueKind.Number ? prio.GetInt32() : null,
                    Text(chain, "policy")));
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                var key = $"{Text(rule, "family")} {Text(rule, "table")} {Text(rule, "chain")}";
                if (!rules.TryGetValue(key, out var list))
                {
                    rules[key] = list = [];
                }

                list.Add(rule.TryGetProperty("expr", out var expr) ? Canonical(expr) : string.Empty);
            }
        }

        return new NftTables(tables.Select(t => new Table(t.Family, t.Name,
            (chains.GetValueOrDefault($"{t.Family} {t.Name}") ?? [])
                .Select(c => new Chain(c.Name, c.Hook, c.Hook is null ? null : c.Priority ?? 0, c.Hook is null ? null : c.Policy ?? "accept",
                    rules.GetValueOrDefault($"{t.Family} {t.Name} {c.Name}") ?? []))
                .ToList())).ToList());
    }

    /// <summary>
    /// The tables the nftables utility itself keeps (and nftables.conf should hold): not iptables-nft's (its ip/ip6
    /// filter, nat, mangle, raw and security tables when iptables is the nf_tables variant), firewalld's, Docker's, fail2ban's.
    /// </summary>
    public IReadOnlyList<Table> Native(bool iptablesNft) =>
        Tables.Where(t => !OtherOwners.Contains(t.Name) && !(iptablesNft && t.Family is "ip" or "ip6" && t.Name is "filter" or "nat" or "mangle" or "raw" or "security"))
            .ToList();

    /// <summary>An expression list as compact JSON, counters' packets and bytes dropped (they differ between a boot load and now).</summary>
    private static string Canonical(JsonElement expr)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, expr);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (property.Name == "counter")
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        Write(writer, property.Value);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
