using System.Globalization;
using System.Net;
using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Parses <c>iptables-save</c> / <c>ip6tables-save</c> into the chains a new inbound packet crosses (pure). Every match
/// is modelled for the first packet of a new connection (see <see cref="IptablesMatchParser"/>); one the parser does
/// not know stays in the rule as an unknown match, so the verdict turns indeterminate instead of guessing.
/// </summary>
public static class IptablesSaveParser
{
    private static readonly HashSet<string> Builtins = ["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"];

    /// <summary>Targets that do not decide the packet's fate; evaluation continues after them.</summary>
    private static readonly HashSet<string> NonTerminating =
        ["LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "AUDIT", "SET", "TCPMSS", "CHECKSUM", "DSCP", "TOS", "TEE", "CLASSIFY", "IDLETIMER", "LED", "SECMARK", "CONNSECMARK", "HL", "TTL", "RATEEST", "SYNPROXY", "DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP", "TPROXY"];

    /// <summary>The tables and base chains a packet to this host crosses, in the kernel's order (nat PREROUTING aside).</summary>
    private static readonly (string Table, string Chain)[] InputPath =
        [("raw", "PREROUTING"), ("mangle", "PREROUTING"), ("mangle", "INPUT"), ("filter", "INPUT"), ("security", "INPUT")];

    /// <summary>The tables and base chains a packet from this host crosses, in the kernel's order (nat aside).</summary>
    private static readonly (string Table, string Chain)[] OutputPath =
        [("raw", "OUTPUT"), ("mangle", "OUTPUT"), ("filter", "OUTPUT"), ("security", "OUTPUT"), ("mangle", "POSTROUTING")];

    /// <summary>The filter table's INPUT path only; null when the output has no filter table (nothing loaded).</summary>
    public static ChainRuleSet? ParseFilterInput(string text, IReadOnlyDictionary<string, IpSet>? sets = null) => ParseTable(text, "filter", "INPUT", sets);

    /// <summary>
    /// Every base chain a new inbound packet crosses: raw and mangle PREROUTING, mangle INPUT, filter INPUT and security
    /// INPUT. The filter table's chains keep their names; the others are prefixed with their table. Null when none of
    /// those tables is loaded.
    /// </summary>
    public static ChainRuleSet? ParseInputPath(string text, IReadOnlyDictionary<string, IpSet>? sets = null) => ParsePath(text, sets, InputPath, "INPUT", egress: false);

    /// <summary>
    /// Every base chain a new outbound packet from this host crosses (raw, mangle, filter and security OUTPUT, then
    /// mangle POSTROUTING), read for egress: the remote end (-d) is the evaluator's source, -o the interface.
    /// </summary>
    public static ChainRuleSet? ParseOutputPath(string text, IReadOnlyDictionary<string, IpSet>? sets = null) => ParsePath(text, sets, OutputPath, "OUTPUT", egress: true);

    private static ChainRuleSet? ParsePath(string text, IReadOnlyDictionary<string, IpSet>? sets, (string Table, string Chain)[] path, string filterBase, bool egress)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tables = ParseTables(text, sets, egress: egress);
        if (!tables.Keys.Any(t => t is "raw" or "mangle" or "filter" or "security"))
        {
            return null;
        }

        var chains = new Dictionary<string, Chain>(StringComparer.Ordinal);
        var bases = new List<string>();
        foreach (var (name, table) in tables)
        {
            if (name is not ("raw" or "mangle" or "filter" or "security"))
            {
                continue;
            }

            var prefix = name == "filter" ? string.Empty : name + " ";
            foreach (var (chainName, chain) in table)
            {
                chains[prefix + chainName] = prefix.Length == 0
                    ? chain
                    : new Chain(prefix + chainName, chain.Policy, chain.Rules.Select(r => r.Chain is null ? r : r with { Chain = prefix + r.Chain }).ToList());
            }
        }

        foreach (var (table, chain) in path)
        {
            var key = (table == "filter" ? string.Empty : table + " ") + chain;
            if (chains.TryGetValue(key, out var c) && (c.Rules.Count > 0 || c.Policy is ChainTarget.Drop))
            {
                bases.Add(key);
            }
        }

        if (!bases.Contains(filterBase) && chains.ContainsKey(filterBase))
        {
            bases.Add(filterBase);
        }

        // raw and mangle PREROUTING run before nat PREROUTING: they see the packet as it arrived; raw's before conntrack.
        return new ChainRuleSet(chains, bases)
        {
            BeforeTranslation = egress ? 0 : bases.Count(b => b.EndsWith(" PREROUTING", StringComparison.Ordinal)),
            BeforeConntrack = !egress && bases.Count > 0 && bases[0] == "raw PREROUTING" ? 1 : 0,
        };
    }

    /// <summary>
    /// nat PREROUTING read for what it does to a packet to this host: a REDIRECT or DNAT rule that matches ends the
    /// walk as "refused" (the translation, recorded in <paramref name="targets"/> by the rule's text), ACCEPT and the
    /// policy as "admitted" (not translated). Chains are named "<paramref name="prefix"/>nat NAME". Null when nat
    /// PREROUTING has no rule.
    /// </summary>
    public static ChainRuleSet? ParseTranslation(string text, Dictionary<string, NatTarget> targets, IReadOnlyDictionary<string, IpSet>? sets = null, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(targets);
        if (!text.Contains("*nat", StringComparison.Ordinal))
        {
            return null;
        }

        return View(ParseTables(text, sets, "nat", RuleView.Nat, targets), "nat", prefix);
    }

    /// <summary>
    /// raw PREROUTING read for which packets it exempts from connection tracking: <c>-j CT --notrack</c> and
    /// <c>-j NOTRACK</c> end the walk as "refused" (untracked), ACCEPT, DROP and the policy as "admitted" (tracked).
    /// Null when no rule there untracks.
    /// </summary>
    public static ChainRuleSet? ParseUntracking(string text, IReadOnlyDictionary<string, IpSet>? sets = null, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("--notrack", StringComparison.Ordinal) && !text.Contains("-j NOTRACK", StringComparison.Ordinal))
        {
            return null;
        }

        return View(ParseTables(text, sets, "raw", RuleView.Notrack), "raw", prefix);
    }

    private static ChainRuleSet? View(Dictionary<string, Dictionary<string, Chain>> tables, string table, string prefix)
    {
        if (!tables.TryGetValue(table, out var chains) || !chains.TryGetValue("PREROUTING", out var pre) || pre.Rules.Count == 0)
        {
            return null;
        }

        var named = prefix + table + " ";
        var renamed = chains.Values.ToDictionary(c => named + c.Name,
            c => new Chain(named + c.Name, c.Policy, c.Rules.Select(r => r.Chain is null ? r : r with { Chain = named + r.Chain }).ToList()), StringComparer.Ordinal);
        return new ChainRuleSet(renamed, [named + "PREROUTING"]);
    }

    /// <summary>How a table's targets are read: as a filter, or for what they do before the filter.</summary>
    private enum RuleView
    {
        Filter,
        Nat,
        Notrack,
    }

    /// <summary>The lines of one table (<c>*filter</c> to its COMMIT) of iptables-save's text, trimmed; none when it is not there.</summary>
    public static IReadOnlyList<string> TableLines(string? text, string table)
    {
        var parts = (text ?? string.Empty).Split($"*{table}\n", 2);
        return parts.Length == 2 ? parts[1].Split("\nCOMMIT", 2)[0].Split('\n', StringSplitOptions.TrimEntries) : [];
    }

    /// <summary>Any table and base chain, e.g. ("nat", "PREROUTING") for Docker's DNAT rules.</summary>
    public static ChainRuleSet? ParseTable(string text, string table, string baseChain, IReadOnlyDictionary<string, IpSet>? sets = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tables = ParseTables(text, sets, table);
        if (!tables.TryGetValue(table, out var chains))
        {
            return null;
        }

        return new ChainRuleSet(chains, chains.ContainsKey(baseChain) ? [baseChain] : []);
    }

    private static Dictionary<string, Dictionary<string, Chain>> ParseTables(string text, IReadOnlyDictionary<string, IpSet>? sets, string? only = null,
        RuleView view = RuleView.Filter, Dictionary<string, NatTarget>? targets = null, bool egress = false)
    {
        var result = new Dictionary<string, Dictionary<string, Chain>>(StringComparer.Ordinal);
        string? table = null;
        var chains = new Dictionary<string, (ChainTarget? Policy, List<ChainRule> Rules)>(StringComparer.Ordinal);
        var family = IpFamily.IPv4;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("# Generated by ip6tables", StringComparison.Ordinal))
            {
                family = IpFamily.IPv6;
            }

            if (line.StartsWith('*'))
            {
                var name = line[1..].Trim();
                table = only is null || name == only ? name : null;
                chains = new Dictionary<string, (ChainTarget?, List<ChainRule>)>(StringComparer.Ordinal);
                continue;
            }

            if (table is null || line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line == "COMMIT")
            {
                result[table] = chains.ToDictionary(c => c.Key, c => new Chain(c.Key, c.Value.Policy, c.Value.Rules), StringComparer.Ordinal);
                table = null;
            }
            else if (line.StartsWith(':'))
            {
                var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                ChainTarget? policy = parts.Length > 1 && parts[1] != "-" ? (parts[1] == "ACCEPT" ? ChainTarget.Accept : ChainTarget.Drop) : null;
                chains[parts[0]] = (policy, []);
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var tokens = Tokenize(line);
                var chain = tokens[1];
                if (!chains.TryGetValue(chain, out var entry))
                {
                    entry = (Builtins.Contains(chain) ? ChainTarget.Accept : null, []);
                    chains[chain] = entry;
                }

                entry.Rules.Add(ParseRule(tokens, line, chains, sets, family, egress, view, targets));
            }
        }

        if (table is not null)
        {
            // No COMMIT (a truncated save): what was read still counts.
            result[table] = chains.ToDictionary(c => c.Key, c => new Chain(c.Key, c.Value.Policy, c.Value.Rules), StringComparer.Ordinal);
        }

        return result;
    }

    private static ChainRule ParseRule(List<string> tokens, string text, Dictionary<string, (ChainTarget? Policy, List<ChainRule> Rules)> chains,
        IReadOnlyDictionary<string, IpSet>? sets, IpFamily family, bool egress, RuleView view = RuleView.Filter, Dictionary<string, NatTarget>? targets = null)
    {
        var matches = new IptablesMatchParser(sets, family, egress);
        var target = ChainTarget.Continue;
        string? chain = null;
        var negate = false;
        for (var i = 2; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token == "!")
            {
                negate = true;
                continue;
            }

            if (token is "-j" or "--jump" or "-g" or "--goto")
            {
                var name = i + 1 < tokens.Count ? tokens[i + 1] : string.Empty;
                (target, chain) = view != RuleView.Filter && !chains.ContainsKey(name) ? (ViewTarget(view, name, tokens, i + 2, text, targets), null) : name switch
                {
                    "ACCEPT" => (ChainTarget.Accept, (string?)null),
                    "DROP" or "TARPIT" => (ChainTarget.Drop, null),
                    "REJECT" => (ChainTarget.Reject, null),
                    "RETURN" => (ChainTarget.Return, null),
                    _ when chains.ContainsKey(name) => (token is "-g" or "--goto" ? ChainTarget.Goto : ChainTarget.Jump, name),
                    _ when NonTerminating.Contains(name) => (ChainTarget.Continue, null),
                    _ => (ChainTarget.Unknown, null),
                };

                // What follows the target is the target's own options (--reject-with, --log-prefix …).
                break;
            }

            i = matches.Consume(tokens, i, negate);
            negate = false;
        }

        return new ChainRule { Matches = matches.Result, Target = target, Chain = chain, Text = text };
    }

    /// <summary>A target as the nat or the untracking view reads it (see <see cref="ParseTranslation"/>, <see cref="ParseUntracking"/>).</summary>
    private static ChainTarget ViewTarget(RuleView view, string name, List<string> tokens, int options, string text, Dictionary<string, NatTarget>? targets)
    {
        if (view == RuleView.Nat)
        {
            switch (name)
            {
                case "DNAT" or "REDIRECT":
                    if (targets is not null)
                    {
                        targets[text] = NatTarget.FromIptables(name, tokens, options, text);
                    }

                    return ChainTarget.Drop;
                case "ACCEPT":
                    return ChainTarget.Accept;
                case "RETURN":
                    return ChainTarget.Return;
                case "NETMAP" or "TPROXY":
                    return ChainTarget.Unknown;
                default:
                    return NonTerminating.Contains(name) ? ChainTarget.Continue : ChainTarget.Unknown;
            }
        }

        return name switch
        {
            "NOTRACK" => ChainTarget.Drop,
            "CT" when tokens.Skip(options).Contains("--notrack") => ChainTarget.Drop,
            "ACCEPT" or "DROP" or "REJECT" => ChainTarget.Accept,
            "RETURN" => ChainTarget.Return,
            _ => NonTerminating.Contains(name) ? ChainTarget.Continue : ChainTarget.Unknown,
        };
    }

    /// <summary>Splits an iptables-save line into words, honouring double quotes (comments).</summary>
    internal static List<string> Tokenize(string line)
    {
        var tokens = new List<string>(24);
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            if (line[i] != '"')
            {
                var end = line.IndexOf(' ', i);
                end = end < 0 ? line.Length : end;
                if (line.AsSpan(i, end - i).IndexOf('"') < 0)
                {
                    tokens.Add(line[i..end]);
                    i = end;
                    continue;
                }
            }

            // A word with quotes (a comment): unquote it, honouring backslash escapes inside the quotes.
            var current = new StringBuilder();
            var quoted = false;
            for (; i < line.Length; i++)
            {
                var c = line[i];
                if (c == '\\' && quoted && i + 1 < line.Length)
                {
                    current.Append(line[++i]);
                }
                else if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ' ' && !quoted)
                {
                    break;
                }
                else
                {
                    current.Append(c);
                }
            }

            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>A port or a port range as iptables prints it (<c>22</c>, <c>1024:65535</c>, <c>0:1023</c>).</summary>
    internal static PortRange? Port(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var from = colon < 0 ? text : text[..colon];
        var to = colon < 0 ? text : colon == text.Length - 1 ? "65535" : text[(colon + 1)..];
        if (colon == 0)
        {
            from = "0";
        }

        return int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var a) &&
               int.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && a <= b && b <= PortRange.MaxPort
            ? new PortRange(Math.Max(a, PortRange.MinPort), Math.Max(b, PortRange.MinPort))
            : null;
    }

    /// <summary>An address, a CIDR, or an address with a dotted mask (<c>10.0.0.0/255.0.0.0</c>).</summary>
    internal static Cidr? Address(string text)
    {
        if (Cidr.TryParse(text, out var cidr))
        {
            return cidr;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPAddress.TryParse(text[(slash + 1)..], out var mask))
        {
            var bits = mask.GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
            return Cidr.TryParse($"{text[..slash]}/{bits.ToString(CultureInfo.InvariantCulture)}", out var c) ? c : null;
        }

        return null;
    }
}
