using System.Text.Json;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Parses <c>nft -j list ruleset</c> into the input path of one address family: every base chain of type filter on
/// the input hook (inet tables count for both families), in priority order (pure).
/// </summary>
public static class NftRulesetParser
{
    /// <param name="json">The JSON output.</param>
    /// <param name="family">Which family's packets to evaluate.</param>
    /// <param name="skipTable">Tables evaluated another way (iptables-nft's ip/ip6 filter, firewalld's own).</param>
    public static ChainRuleSet? ParseInput(string? json, IpFamily family, Func<string, string, bool>? skipTable = null)
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
        bool Relevant(JsonElement e) =>
            e.GetProperty("family").GetString() is { } f && (f == "inet" || f == familyName) &&
            !(skipTable?.Invoke(f, e.GetProperty("table").GetString() ?? string.Empty) ?? false);

        var chains = new Dictionary<string, (ChainTarget? Policy, List<ChainRule> Rules)>(StringComparer.Ordinal);
        var bases = new List<(string Key, int Priority)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && Relevant(chain))
            {
                var key = Key(chain, chain.GetProperty("name").GetString()!);
                ChainTarget? policy = null;
                if (chain.TryGetProperty("hook", out var hook) && hook.GetString() == "input" &&
                    chain.TryGetProperty("type", out var type) && type.GetString() == "filter")
                {
                    policy = chain.TryGetProperty("policy", out var p) && p.GetString() == "drop" ? ChainTarget.Drop : ChainTarget.Accept;
                    bases.Add((key, chain.TryGetProperty("prio", out var prio) && prio.ValueKind == JsonValueKind.Number ? prio.GetInt32() : 0));
                }

                chains[key] = (policy, []);
            }
            else if (item.TryGetProperty("rule", out var rule) && Relevant(rule))
            {
                var key = Key(rule, rule.GetProperty("chain").GetString()!);
                if (chains.TryGetValue(key, out var entry) && ParseRule(rule, family) is { } parsed)
                {
                    entry.Rules.Add(parsed with { Chain = parsed.Chain is null ? null : Key(rule, parsed.Chain) });
                }
            }
        }

        if (bases.Count == 0)
        {
            return null;
        }

        return new ChainRuleSet(
            chains.ToDictionary(c => c.Key, c => new Chain(c.Key, c.Value.Policy, c.Value.Rules), StringComparer.Ordinal),
            bases.OrderBy(b => b.Priority).Select(b => b.Key).ToList());
    }

    private static string Key(JsonElement e, string chain) =>
        $"{e.GetProperty("family").GetString()} {e.GetProperty("table").GetString()} {chain}";

    private static ChainRule? ParseRule(JsonElement rule, IpFamily family)
    {
        Protocol? protocol = null;
        List<PortRange>? ports = null;
        List<Cidr>? sources = null;
        bool portsNegated = false, sourcesNegated = false, notNew = false, loopback = false, never = false;
        var target = ChainTarget.Continue;
        string? chain = null;
        if (!rule.TryGetProperty("expr", out var expressions))
        {
            return null;
        }

        foreach (var expr in expressions.EnumerateArray())
        {
            if (expr.TryGetProperty("match", out var match))
            {
                var negated = match.GetProperty("op").GetString() == "!=";
                var left = match.GetProperty("left");
                var right = match.GetProperty("right");
                if (left.TryGetProperty("payload", out var payload))
                {
                    var proto = payload.TryGetProperty("protocol", out var pp) ? pp.GetString() : null;
                    var field = payload.TryGetProperty("field", out var pf) ? pf.GetString() : null;
                    if ((proto == "ip" && family == IpFamily.IPv6) || (proto == "ip6" && family == IpFamily.IPv4))
                    {
                        never = true;
                    }

                    if (field == "dport" && proto is "tcp" or "udp")
                    {
                        protocol = ProtocolNames.Parse(proto);
                        ports = Ports(right);
                        portsNegated = negated;
                    }
                    else if (field == "sport")
                    {
                        never |= !negated;
                    }
                    else if (field == "saddr")
                    {
                        sources = Addresses(right);
                        sourcesNegated = negated;
                    }
                    else if (field == "daddr")
                    {
                        // A daddr match for a local unicast address matches; multicast/broadcast never do.
                        never |= !negated && Addresses(right).Any(a => a.Network.ToString() is var s && (s.StartsWith("224.", StringComparison.Ordinal) || s.StartsWith("ff", StringComparison.Ordinal) || s == "255.255.255.255"));
                    }
                    else if (field == "protocol" || field == "nexthdr")
                    {
                        protocol = right.ValueKind == JsonValueKind.String && ProtocolNames.TryParse(right.GetString(), out var p) && !negated ? p : protocol;
                    }
                }
                else if (left.TryGetProperty("meta", out var meta))
                {
                    var key = meta.GetProperty("key").GetString();
                    if (key is "l4proto" or "protocol" && right.ValueKind == JsonValueKind.String && ProtocolNames.TryParse(right.GetString(), out var p) && !negated)
                    {
                        protocol = p;
                    }
                    else if (key is "iifname" or "iif" && Strings(right).Contains("lo"))
                    {
                        loopback |= !negated;
                    }
                    else if (key == "nfproto" && right.ValueKind == JsonValueKind.String)
                    {
                        var wanted = right.GetString() == "ipv4" ? IpFamily.IPv4 : IpFamily.IPv6;
                        never |= (wanted == family) == negated;
                    }
                }
                else if (left.TryGetProperty("ct", out var ct) && ct.GetProperty("key").GetString() == "state")
                {
                    var states = Strings(right);
                    var hasNew = states.Contains("new");
                    notNew |= negated ? hasNew : !hasNew;
                }
                else if (left.TryGetProperty("fib", out _))
                {
                    // fib daddr type local and friends: a packet to the server's own address matches "local".
                    var types = Strings(right);
                    never |= negated ? types.Contains("local") : !types.Contains("local");
                }
            }
            else if (expr.TryGetProperty("accept", out _))
            {
                target = ChainTarget.Accept;
            }
            else if (expr.TryGetProperty("drop", out _))
            {
                target = ChainTarget.Drop;
            }
            else if (expr.TryGetProperty("reject", out _))
            {
                target = ChainTarget.Reject;
            }
            else if (expr.TryGetProperty("return", out _))
            {
                target = ChainTarget.Return;
            }
            else if (expr.TryGetProperty("jump", out var jump))
            {
                target = ChainTarget.Jump;
                chain = jump.GetProperty("target").GetString();
            }
            else if (expr.TryGetProperty("goto", out var go))
            {
                target = ChainTarget.Goto;
                chain = go.GetProperty("target").GetString();
            }
        }

        return new ChainRule
        {
            Protocol = protocol,
            Ports = ports,
            PortsNegated = portsNegated,
            Sources = sources,
            SourcesNegated = sourcesNegated,
            NotNew = notNew,
            LoopbackOnly = loopback,
            NeverMatchesNew = never,
            Target = target,
            Chain = chain,
            Text = $"nft {rule.GetProperty("family").GetString()} {rule.GetProperty("table").GetString()} {rule.GetProperty("chain").GetString()} handle {(rule.TryGetProperty("handle", out var h) ? h.ToString() : "?")}",
        };
    }

    private static List<PortRange> Ports(JsonElement right) => right.ValueKind switch
    {
        JsonValueKind.Number => [PortRange.Single(right.GetInt32())],
        JsonValueKind.Object when right.TryGetProperty("set", out var set) => set.EnumerateArray().SelectMany(Ports).ToList(),
        JsonValueKind.Object when right.TryGetProperty("range", out var range) => [new PortRange(range[0].GetInt32(), range[1].GetInt32())],
        JsonValueKind.Array => right.EnumerateArray().SelectMany(Ports).ToList(),
        _ => [PortRange.All],
    };

    private static List<Cidr> Addresses(JsonElement right) => right.ValueKind switch
    {
        JsonValueKind.String => Cidr.TryParse(right.GetString(), out var c) ? [c] : [],
        JsonValueKind.Object when right.TryGetProperty("prefix", out var prefix) =>
            Cidr.TryParse($"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}", out var c) ? [c] : [],
        JsonValueKind.Object when right.TryGetProperty("set", out var set) => set.EnumerateArray().SelectMany(Addresses).ToList(),
        _ => [],
    };

    private static List<string> Strings(JsonElement right) => right.ValueKind switch
    {
        JsonValueKind.String => [right.GetString()!],
        JsonValueKind.Array => right.EnumerateArray().SelectMany(Strings).ToList(),
        JsonValueKind.Object when right.TryGetProperty("set", out var set) => set.EnumerateArray().SelectMany(Strings).ToList(),
        _ => [],
    };
}
