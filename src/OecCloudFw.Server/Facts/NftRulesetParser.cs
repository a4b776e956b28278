using System.Globalization;
using System.Text.Json;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Parses <c>nft -j list ruleset</c> into the path of one address family: every base chain of type filter on the
/// ingress hook (netdev and inet tables, for the packets arriving through its devices), the bridge family's prerouting
/// and input (for packets crossing a bridge), then prerouting and input (inet tables count for both families), each
/// by priority, in the kernel's order (pure). Named
/// and anonymous sets are read with their members (fail2ban's timed elements too); a verdict map becomes one rule per
/// element. An expression the parser does not know stays in the rule as an unknown match.
/// </summary>
internal static class NftRulesetParser
{
    /// <param name="json">The JSON output.</param>
    /// <param name="family">Which family's packets to evaluate.</param>
    /// <param name="skipTable">Tables evaluated another way (iptables-nft's ip/ip6 filter).</param>
    /// <param name="devices">The ingress chains' devices when the JSON leaves them out (<see cref="NftIngressDevices"/>).</param>
    public static ChainRuleSet? ParseInput(string? json, IpFamily family, Func<string, string, bool>? skipTable = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? devices = null) =>
        Parse(json, family, skipTable, egress: false, devices: devices);

    /// <summary>The output path: base chains of type filter or route on the output hook, then filter on postrouting, read for egress.</summary>
    public static ChainRuleSet? ParseOutput(string? json, IpFamily family, Func<string, string, bool>? skipTable = null) => Parse(json, family, skipTable, egress: true);

    /// <summary>
    /// The chains of type nat on the prerouting hook (firewalld's forward-ports among them), by priority, read for what
    /// they do to a packet to this host: a matching <c>redirect</c> or <c>dnat</c> ends the walk as "refused" (the
    /// translation, recorded in <paramref name="targets"/> by the rule's text), accept and the policy as "admitted".
    /// </summary>
    public static ChainRuleSet? ParseTranslation(string? json, IpFamily family, Dictionary<string, NatTarget> targets, Func<string, string, bool>? skipTable = null) =>
        Parse(json, family, skipTable, egress: false, NftView.Nat, targets);

    /// <summary>
    /// The prerouting chains that run before conntrack (priority below -200, "raw"), read for which packets they exempt
    /// from tracking: <c>notrack</c> ends the walk as "refused" (untracked), accept and drop as "admitted" (tracked).
    /// </summary>
    public static ChainRuleSet? ParseUntracking(string? json, IpFamily family, Func<string, string, bool>? skipTable = null) =>
        json is null || !json.Contains("\"notrack\"", StringComparison.Ordinal) ? null : Parse(json, family, skipTable, egress: false, NftView.Notrack);

    /// <summary>
    /// The forward path (Docker's published ports, DNAT-ed to a container): base chains of type filter on the prerouting
    /// hook, then on the forward hook, each by priority; <c>oifname</c> is the interface the packet leaves by, and every rule that sets the mark is
    /// recorded in <paramref name="marks"/> by its text.
    /// </summary>
    public static ChainRuleSet? ParseForward(string? json, IpFamily family, Dictionary<string, NftMarkSet> marks, Func<string, string, bool>? skipTable = null) =>
        Parse(json, family, skipTable, egress: false, NftView.Forward, marks: marks);

    private static ChainRuleSet? Parse(string? json, IpFamily family, Func<string, string, bool>? skipTable, bool egress, NftView view = NftView.Filter,
        Dictionary<string, NatTarget>? targets = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? devices = null, Dictionary<string, NftMarkSet>? marks = null)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out var items))
        {
            return null;
        }

        var familyName = family == IpFamily.IPv4 ? "ip" : "ip6";
        // The netdev and bridge families see packets of both: their ingress and bridge chains are read for the input path.
        var hooksBefore = !egress && view == NftView.Filter;
        bool Relevant(JsonElement e) =>
            e.TryGetProperty("family", out var fe) && fe.GetString() is { } f && (f == "inet" || f == familyName || (hooksBefore && f is "netdev" or "bridge")) &&
            !(skipTable?.Invoke(f, e.GetProperty("table").GetString() ?? string.Empty) ?? false);

        var sets = new Dictionary<string, NftSet>(StringComparer.Ordinal);
        foreach (var item in items.EnumerateArray())
        {
            if ((item.TryGetProperty("set", out var set) || item.TryGetProperty("map", out set)) && Relevant(set))
            {
                sets[Key(set, set.GetProperty("name").GetString()!)] = NftSet.From(set);
            }
        }

        var chains = new Dictionary<string, (ChainTarget? Policy, List<ChainRule> Rules)>(StringComparer.Ordinal);
        var bases = new List<(string Key, int Hook, int Priority)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && Relevant(chain))
            {
                var key = Key(chain, chain.GetProperty("name").GetString()!);
                ChainTarget? policy = null;
                var (first, second) = egress ? ("output", "postrouting") : view == NftView.Forward ? ("prerouting", "forward") : ("prerouting", "input");
                var priority = chain.TryGetProperty("prio", out var prio) && prio.ValueKind == JsonValueKind.Number ? prio.GetInt32() : 0;
                var chainFamily = chain.GetProperty("family").GetString();
                var hookName = chain.TryGetProperty("hook", out var hook) ? hook.GetString() : null;
                var isBase = hookName is not null && chain.TryGetProperty("type", out var type) && (chainFamily is "netdev" or "bridge"
                    ? type.GetString() == "filter" && (chainFamily == "netdev" ? hookName == "ingress" : hookName is "prerouting" or "input")
                    : view switch
                    {
                        NftView.Nat => type.GetString() == "nat" && hookName == "prerouting",
                        // Conntrack attaches at priority -200: a notrack after that is too late.
                        NftView.Notrack => type.GetString() == "filter" && hookName == "prerouting" && priority < -200,
                        NftView.Forward => type.GetString() == "filter" && (hookName == first || hookName == second),
                        _ => (hookName == first || hookName == second || (hooksBefore && hookName == "ingress")) &&
                             (type.GetString() == "filter" || (egress && type.GetString() == "route" && hookName == "output")),
                    });
                List<ChainRule> rules = [];
                if (isBase)
                {
                    policy = chain.TryGetProperty("policy", out var p) && p.GetString() == "drop" ? ChainTarget.Drop : ChainTarget.Accept;
                    // The kernel's order: the ingress hook (netdev's and inet's, by priority), the bridge's hooks when a
                    // bridge is in the path, then prerouting and input, each by priority.
                    var stage = hookName == "ingress" ? Stage.Ingress : chainFamily == "bridge" ? Stage.Bridge : hookName == first ? Stage.First : Stage.Second;
                    bases.Add((key, (int)stage, priority));
                    if (Guard(chain, key, stage, devices) is { } guard)
                    {
                        rules.Add(guard);
                    }
                }

                chains[key] = (policy, rules);
            }
            else if (item.TryGetProperty("rule", out var rule) && Relevant(rule))
            {
                var key = Key(rule, rule.GetProperty("chain").GetString()!);
                if (chains.TryGetValue(key, out var entry))
                {
                    var table = $"{rule.GetProperty("family").GetString()} {rule.GetProperty("table").GetString()} ";
                    entry.Rules.AddRange(new NftRuleReader(rule, family, table, sets, egress, view, targets, marks).Read());
                }
            }
        }

        if (bases.Count == 0)
        {
            return null;
        }

        // Ingress, bridge and prerouting chains up to dstnat's priority (-100) run before nat PREROUTING: they see the
        // packet as it arrived; those and prerouting's below conntrack's priority (-200) see no connection yet.
        return new ChainRuleSet(
            chains.ToDictionary(c => c.Key, c => new Chain(c.Key, c.Value.Policy, c.Value.Rules), StringComparer.Ordinal),
            bases.OrderBy(b => b.Hook).ThenBy(b => b.Priority).Select(b => b.Key).ToList())
        {
            BeforeTranslation = egress || view is not (NftView.Filter or NftView.Forward) ? 0 : bases.Count(b => b.Hook < (int)Stage.First || (b.Hook == (int)Stage.First && b.Priority <= -100)),
            BeforeConntrack = egress || view is not (NftView.Filter or NftView.Forward) ? 0 : bases.Count(b => b.Hook == (int)Stage.Ingress || (b.Hook == (int)Stage.First && b.Priority < -200)),
        };
    }

    /// <summary>Where a base chain runs on the packet's way in (or out: first and second hook only).</summary>
    private enum Stage
    {
        Ingress,
        Bridge,
        First,
        Second,
    }

    /// <summary>
    /// The rule that lets packets a chain does not see pass it: an ingress chain sees only packets arriving through its
    /// devices, a bridge chain only those crossing a bridge. Null for the other chains.
    /// </summary>
    private static ChainRule? Guard(JsonElement chain, string key, Stage stage, IReadOnlyDictionary<string, IReadOnlyList<string>>? known)
    {
        switch (stage)
        {
            case Stage.Ingress:
                IReadOnlyList<string>? devices = chain.TryGetProperty("dev", out var dev)
                    ? dev.ValueKind == JsonValueKind.Array ? dev.EnumerateArray().Select(d => d.GetString() ?? string.Empty).ToList() : [dev.GetString() ?? string.Empty]
                    : known?.GetValueOrDefault(key);
                return new ChainRule
                {
                    Matches = [devices is null ? FixedMatch.Unknown("the chain's device was not read") : new IngressDeviceMatch(devices, negated: true)],
                    Target = ChainTarget.Accept,
                    Text = $"nft {key}: hook ingress device {(devices is null ? "?" : string.Join(", ", devices))}",
                };
            case Stage.Bridge:
                return new ChainRule { Matches = [new BridgeMatch(negated: true)], Target = ChainTarget.Accept, Text = $"nft {key}: a bridge family chain" };
            default:
                return null;
        }
    }

    /// <summary>True when the ruleset holds the table firewalld (nftables backend) keeps its rules in.</summary>
    public static bool HasTable(string? json, string table) =>
        json is not null && json.Contains($"\"table\": \"{table}\"", StringComparison.Ordinal) || (json?.Contains($"\"table\":\"{table}\"", StringComparison.Ordinal) ?? false);

    private static string Key(JsonElement e, string chain) =>
        $"{e.GetProperty("family").GetString()} {e.GetProperty("table").GetString()} {chain}";

    internal static string Describe(JsonElement rule) =>
        $"nft {rule.GetProperty("family").GetString()} {rule.GetProperty("table").GetString()} {rule.GetProperty("chain").GetString()} handle {(rule.TryGetProperty("handle", out var h) ? h.ToString() : "?")}";

    internal static int Int(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? e.GetInt32() : int.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
