using System.Net;
using System.Text.Json;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Reads one nftables rule (its JSON expressions) into chain rules, each match answered for the first packet of a new
/// inbound connection (or, with egress, of a new outbound one: the remote end is then the destination address and the
/// interface the outgoing one). A verdict map gives one rule per element.
/// </summary>
internal sealed class NftRuleReader(JsonElement rule, IpFamily family, string table, IReadOnlyDictionary<string, NftSet> sets, bool egress = false,
    NftView view = NftView.Filter, Dictionary<string, NatTarget>? targets = null, Dictionary<string, NftMarkSet>? marks = null)
{
    private static readonly HashSet<string> PortProtocols = ["tcp", "udp", "sctp", "dccp", "udplite"];
    private static readonly HashSet<string> OtherProtocols = ["icmp", "icmpv6", "igmp", "esp", "ah", "comp", "gre", "ipcomp"];
    private static readonly HashSet<string> NonTerminating =
        ["counter", "log", "mangle", "notrack", "set", "map", "ct helper", "dup", "quota", "snat", "dnat", "masquerade", "redirect", "xt_target", "synproxy_obj", "secmark", "last"];

    private readonly string _text = NftRulesetParser.Describe(rule);

    /// <summary>A bridge family rule: its input interface is the bridge's port, and conntrack there is the bridge's own.</summary>
    private readonly bool _bridge = table.StartsWith("bridge ", StringComparison.Ordinal);

    /// <summary>A netdev or bridge family rule: meta nfproto is not an IP family there.</summary>
    private readonly bool _link = table.StartsWith("netdev ", StringComparison.Ordinal) || table.StartsWith("bridge ", StringComparison.Ordinal);

    public IEnumerable<ChainRule> Read()
    {
        if (!rule.TryGetProperty("expr", out var expressions))
        {
            yield break;
        }

        var matches = new List<RuleMatch>();
        foreach (var expr in expressions.EnumerateArray())
        {
            if (expr.ValueKind != JsonValueKind.Object)
            {
                matches.Add(FixedMatch.Unknown("an expression the tool does not model"));
                continue;
            }

            var property = expr.EnumerateObject().First();
            var value = property.Value;
            switch (property.Name)
            {
                case "match":
                    matches.Add(Match(value.GetProperty("op").GetString() ?? "==", value.GetProperty("left"), value.GetProperty("right")));
                    break;
                case "accept":
                    yield return Rule(matches, ChainTarget.Accept);
                    yield break;
                case "drop":
                    yield return Rule(matches, ChainTarget.Drop);
                    yield break;
                case "reject":
                    // In an inet table, "reject with icmp …" carries an implicit "meta nfproto ipv4" (and icmpv6 one for
                    // ipv6) that nft folds into the statement when it lists the rule: the rule matches that family only.
                    if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var rejectType) && rejectType.GetString() is "icmp" or "icmpv6")
                    {
                        matches.Add((rejectType.GetString() == "icmp") == (family == IpFamily.IPv4) ? FixedMatch.Yes : FixedMatch.No);
                    }

                    yield return Rule(matches, ChainTarget.Reject);
                    yield break;
                case "return":
                    yield return Rule(matches, ChainTarget.Return);
                    yield break;
                case "jump":
                case "goto":
                    yield return Rule(matches, property.Name == "jump" ? ChainTarget.Jump : ChainTarget.Goto, table + value.GetProperty("target").GetString());
                    yield break;
                case "continue":
                    yield return Rule(matches, ChainTarget.Continue);
                    yield break;
                case "vmap":
                    foreach (var (key, verdict) in MapElements(value.GetProperty("data")))
                    {
                        var (target, chain) = Verdict(verdict);
                        yield return Rule([.. matches, Match("==", value.GetProperty("key"), key)], target, chain);
                    }

                    yield break;
                case "redirect" or "dnat" when view == NftView.Nat:
                    var translation = Translation(property.Name, value);
                    if (translation.Family is { } only && only != (family == IpFamily.IPv4 ? "ip" : "ip6"))
                    {
                        // "dnat ip to" in an inet table carries an implicit "meta nfproto ipv4".
                        matches.Add(FixedMatch.No);
                    }

                    if (targets is not null)
                    {
                        targets[_text] = translation.Target;
                    }

                    yield return new ChainRule { Matches = [.. matches], Target = ChainTarget.Drop, Text = _text };
                    yield break;
                case "notrack" when view == NftView.Notrack:
                    yield return new ChainRule { Matches = [.. matches], Target = ChainTarget.Drop, Text = _text };
                    yield break;
                case "mangle" when view == NftView.Forward && marks is not null && IsMetaMark(value.GetProperty("key")):
                    // The forward path follows the mark: recorded with whether this rule accepts right after setting it.
                    var accepts = expressions.EnumerateArray().SkipWhile(e => !e.TryGetProperty("mangle", out _)).Skip(1)
                        .Where(e => e.ValueKind == JsonValueKind.Object && !e.TryGetProperty("counter", out _)).Select(e => e.EnumerateObject().First().Name).ToList() is ["accept"];
                    marks[_text] = NftMarkSet.From(value.GetProperty("value"), accepts, table + rule.GetProperty("chain").GetString());
                    break;
                case "limit":
                    var inverted = value.TryGetProperty("inv", out var inv) && inv.ValueKind == JsonValueKind.True;
                    var rate = $"{(value.TryGetProperty("rate", out var r) ? r.ToString() : "?")}/{(value.TryGetProperty("per", out var per) ? per.GetString() : "?")}";
                    matches.Add(inverted ? FixedMatch.HoldsLater($"rate-limited: matches over {rate}") : FixedMatch.Conditional($"rate-limited to {rate}"));
                    break;
                case "queue":
                case "fwd":
                case "tproxy":
                case "synproxy":
                    yield return Rule(matches, ChainTarget.Unknown);
                    yield break;
                default:
                    if (!NonTerminating.Contains(property.Name))
                    {
                        matches.Add(FixedMatch.Unknown($"the statement '{property.Name}' is not modelled"));
                    }

                    break;
            }
        }

        yield return Rule(matches, ChainTarget.Continue);
    }

    private ChainRule Rule(List<RuleMatch> matches, ChainTarget target, string? chain = null) =>
        new() { Matches = [.. matches], Target = View(target), Chain = chain, Text = _text };

    /// <summary>
    /// A verdict as the view reads it: in the untracking view a drop or reject ends the walk like accept (the packet is
    /// tracked, the filter drops it); in the nat view a drop is not modelled.
    /// </summary>
    private ChainTarget View(ChainTarget target) => (view, target) switch
    {
        (NftView.Notrack, ChainTarget.Drop or ChainTarget.Reject) => ChainTarget.Accept,
        (NftView.Nat, ChainTarget.Drop or ChainTarget.Reject) => ChainTarget.Unknown,
        _ => target,
    };

    /// <summary>A redirect or dnat statement: where it sends the packet, and the address family it is limited to.</summary>
    private (NatTarget Target, string? Family) Translation(string kind, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (new NatTarget(_text, null, null), null);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return (new NatTarget(_text, null, null, $"{kind} to a value the tool does not model"), null);
        }

        var only = value.TryGetProperty("family", out var f) ? f.GetString() : null;
        int? port = null;
        if (value.TryGetProperty("port", out var p))
        {
            if (p.ValueKind != JsonValueKind.Number || p.GetInt32() is < 1 or > 65535)
            {
                return (new NatTarget(_text, null, null, $"{kind} to ports the tool does not model"), only);
            }

            port = p.GetInt32();
        }

        IPAddress? address = null;
        if (value.TryGetProperty("addr", out var a) && (a.ValueKind != JsonValueKind.String || !IPAddress.TryParse(a.GetString(), out address)))
        {
            return (new NatTarget(_text, null, null, $"{kind} to addresses the tool does not model"), only);
        }

        return (new NatTarget(_text, address, port), only);
    }

    private (ChainTarget Target, string? Chain) Verdict(JsonElement verdict)
    {
        if (verdict.ValueKind != JsonValueKind.Object)
        {
            return (ChainTarget.Unknown, null);
        }

        var property = verdict.EnumerateObject().First();
        return property.Name switch
        {
            "accept" => (ChainTarget.Accept, null),
            "drop" => (ChainTarget.Drop, null),
            "reject" => (ChainTarget.Reject, null),
            "return" => (ChainTarget.Return, null),
            "continue" => (ChainTarget.Continue, null),
            "jump" => (ChainTarget.Jump, table + property.Value.GetProperty("target").GetString()),
            "goto" => (ChainTarget.Goto, table + property.Value.GetProperty("target").GetString()),
            _ => (ChainTarget.Unknown, null),
        };
    }

    private IEnumerable<(JsonElement Key, JsonElement Verdict)> MapElements(JsonElement data)
    {
        IEnumerable<JsonElement> elements = data.ValueKind == JsonValueKind.String && data.GetString()!.StartsWith('@')
            ? sets.GetValueOrDefault(table + data.GetString()![1..])?.Elements ?? []
            : data.ValueKind == JsonValueKind.Object && data.TryGetProperty("set", out var set) ? set.EnumerateArray() : [];
        foreach (var element in elements)
        {
            if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 2)
            {
                yield return (element[0], element[1]);
            }
        }
    }

    private RuleMatch Match(string op, JsonElement left, JsonElement right)
    {
        var negated = op == "!=";
        if (op is not ("==" or "!=" or "in"))
        {
            return Compare(op, left, right);
        }

        if (left.ValueKind != JsonValueKind.Object)
        {
            return FixedMatch.Unknown("a match the tool does not model");
        }

        var kind = left.EnumerateObject().First();
        return kind.Name switch
        {
            "payload" => Payload(kind.Value, right, negated),
            "meta" => Meta(kind.Value.GetProperty("key").GetString() ?? string.Empty, right, negated),
            "ct" when _bridge => FixedMatch.Unknown("conntrack in the bridge family is not modelled"),
            "ct" => Conntrack(kind.Value, right, negated),
            "fib" => egress ? FixedMatch.Unknown("fib on the output path is not modelled") : Fib(kind.Value, right, negated),
            "&" when view == NftView.Forward && MaskedMark(kind.Value, right, negated) is { } mark => mark,
            "&" => Masked(kind.Value, right, negated),
            _ => FixedMatch.Unknown($"the '{kind.Name}' expression is not modelled"),
        };
    }

    private static RuleMatch Compare(string op, JsonElement left, JsonElement right)
    {
        // tcp dport < 1024 and friends: a port range.
        if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("payload", out var payload) &&
            payload.TryGetProperty("field", out var field) && field.GetString() is "dport" && right.ValueKind == JsonValueKind.Number)
        {
            var n = right.GetInt32();
            (int From, int To) range = op switch
            {
                "<" => (1, n - 1),
                "<=" => (1, n),
                ">" => (n + 1, PortRange.MaxPort),
                ">=" => (n, PortRange.MaxPort),
                _ => (0, -1),
            };
            if (range.From <= range.To && range.From >= 1 && range.To <= PortRange.MaxPort)
            {
                var proto = payload.TryGetProperty("protocol", out var p) ? p.GetString() : null;
                var port = new PortMatch([new PortRange(range.From, range.To)], false);
                return proto is "th" or null ? port : new AllOf([new ProtocolMatch([proto], false), port]);
            }
        }

        return FixedMatch.Unknown($"the comparison '{op}' is not modelled");
    }

    private RuleMatch Payload(JsonElement payload, JsonElement right, bool negated)
    {
        var proto = payload.TryGetProperty("protocol", out var p) ? p.GetString() : null;
        var field = payload.TryGetProperty("field", out var f) ? f.GetString() : null;
        if (proto is "ip" or "ip6")
        {
            if ((proto == "ip") != (family == IpFamily.IPv4))
            {
                return FixedMatch.No;
            }

            // The evaluator's source is the remote end: the source on the way in, the destination on the way out.
            var remote = egress ? "daddr" : "saddr";
            var local = egress ? "saddr" : "daddr";
            return field switch
            {
                _ when field == remote => Addresses(right) is { } sources ? new SourceMatch(V4(sources), V6(sources), negated) : SourceMatch.Unreadable(Why(right), negated),
                _ when field == local => Addresses(right) is { } destinations ? new DestinationMatch(V4(destinations), V6(destinations), negated) : FixedMatch.Unknown(Why(right)),
                "protocol" or "nexthdr" => Strings(right) is { } names ? new ProtocolMatch(names, negated) : FixedMatch.Unknown(Why(right)),
                _ => FixedMatch.Unknown($"{proto} {field} is not modelled"),
            };
        }

        if (proto is not null && (PortProtocols.Contains(proto) || proto == "th"))
        {
            RuleMatch inner = field switch
            {
                "dport" => Ports(right) is { } ports ? new PortMatch(ports, negated) : FixedMatch.Unknown(Why(right)),
                "sport" => Ports(right) is { } ports ? new PortMatch(ports, negated, PortField.Source) : FixedMatch.Unknown(Why(right)),
                "flags" when proto == "tcp" => TcpFlags(null, right, negated),
                _ => FixedMatch.Unknown($"{proto} {field} is not modelled"),
            };
            return proto == "th" ? inner : new AllOf([new ProtocolMatch([proto], false), inner]);
        }

        if (proto is not null && OtherProtocols.Contains(proto))
        {
            // An ICMP (or other protocol) header match: it never matches a packet of another protocol.
            return new AllOf([new ProtocolMatch([proto], false), FixedMatch.Unknown($"{proto} {field} is not modelled")]);
        }

        return FixedMatch.Unknown($"the payload match {proto} {field} is not modelled");
    }

    private RuleMatch Meta(string key, JsonElement right, bool negated)
    {
        switch (key)
        {
            case "nfproto" or "iifname" or "iif" or "iiftype" when _link && (key == "nfproto" || _bridge):
                return FixedMatch.Unknown($"meta {key} in the {(_bridge ? "bridge" : "netdev")} family is not modelled");
            case "l4proto":
                return Strings(right) is { } names ? new ProtocolMatch(names, negated) : FixedMatch.Unknown(Why(right));
            case "nfproto":
                var wanted = Strings(right) ?? [];
                return wanted.Contains(family == IpFamily.IPv4 ? "ipv4" : "ipv6") != negated ? FixedMatch.Yes : FixedMatch.No;
            case "protocol":
                var ethertypes = Strings(right) ?? [];
                return ethertypes.Contains(family == IpFamily.IPv4 ? "ip" : "ip6") != negated ? FixedMatch.Yes : FixedMatch.No;
            case "iifname" or "iif" or "iiftype" when egress:
                // A locally generated packet has no input interface: the expression breaks and the rule never matches.
                return FixedMatch.No;
            case "oifname" or "oif" when view == NftView.Forward:
                return Strings(right) is { } leaving ? new InterfaceMatch(leaving, negated, output: true) : FixedMatch.Unknown(Why(right));
            case "mark" when view == NftView.Forward:
                return right.ValueKind == JsonValueKind.Number ? new MarkMatch(right.GetUInt32(), uint.MaxValue, negated) : FixedMatch.Unknown(Why(right));
            case "oifname" or "oif" when egress:
                return Strings(right) is { } outgoing ? new InterfaceMatch(outgoing, negated) : FixedMatch.Unknown(Why(right));
            case "iifname" or "iif":
                return Strings(right) is { } interfaces ? new InterfaceMatch(interfaces, negated) : FixedMatch.Unknown(Why(right));
            case "iiftype":
                var types = Strings(right) ?? [];
                // The loopback interface is lo: a remote source never arrives on it, a packet on lo does.
                return types.Contains("loopback") && types.Count == 1 ? new InterfaceMatch(["lo"], negated) : FixedMatch.Unknown($"meta iiftype {string.Join(",", types)} is not modelled");
            case "pkttype":
                var kinds = Strings(right) ?? [];
                return kinds.Any(k => k is "host" or "unicast") != negated ? FixedMatch.Yes : FixedMatch.No;
            default:
                return FixedMatch.Unknown($"meta {key} is not modelled");
        }
    }

    private RuleMatch Conntrack(JsonElement ct, JsonElement right, bool negated)
    {
        var key = ct.GetProperty("key").GetString();
        var words = Strings(right) ?? [];
        return key switch
        {
            "state" => new ConntrackStateMatch(words, negated),
            // The first packet of a connection has no status yet but dnat (when nat PREROUTING translated it): not seen
            // a reply, not confirmed. An untracked packet has no connection: the expression breaks, the rule does not match.
            "status" => Tracked(words.Contains("dnat") ? new TranslatedMatch(negated) : negated ? FixedMatch.Yes : FixedMatch.No),
            "direction" => Tracked(words.Contains("original") != negated ? FixedMatch.Yes : FixedMatch.No),
            "proto-dst" when !ct.TryGetProperty("dir", out var dir) || dir.GetString() == "original" =>
                Ports(right) is { } ports ? Tracked(new PortMatch(ports, negated, PortField.OriginalDestination)) : FixedMatch.Unknown(Why(right)),
            _ => FixedMatch.Unknown($"ct {key} is not modelled"),
        };
    }

    private static TrackedOnlyMatch Tracked(RuleMatch match) => new(match, Ternary.False);

    private static RuleMatch Fib(JsonElement fib, JsonElement right, bool negated)
    {
        var flags = fib.TryGetProperty("flags", out var fl) ? (fl.ValueKind == JsonValueKind.Array ? fl.EnumerateArray().Select(x => x.GetString()).ToList() : [fl.GetString()]) : [];
        var result = fib.TryGetProperty("result", out var r) ? r.GetString() : null;
        if (result == "type")
        {
            var words = (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var set) ? set.EnumerateArray().Select(e => e.GetString()) : [right.GetString()]).ToList();
            // fib daddr type: the packet is to one of the host's own addresses (local); fib saddr type: a remote unicast source.
            var holds = flags.Contains("daddr") ? words.Contains("local") : words.Contains("unicast");
            return holds != negated ? FixedMatch.Yes : FixedMatch.No;
        }

        if (result is "oif" or "oifname" && flags.Contains("saddr") && right.ValueKind is JsonValueKind.False or JsonValueKind.True)
        {
            // Reverse-path filtering: "oif missing" holds when there is no route back to the source.
            return new ReversePathMatch(missing: (right.ValueKind == JsonValueKind.False) != negated);
        }

        return FixedMatch.Unknown($"fib {string.Join(" . ", flags)} {result} is not modelled");
    }

    /// <summary><c>meta mark and MASK == VALUE</c> (Docker's --bridge-accept-fwmark with a mask); null for any other masked match.</summary>
    private static MarkMatch? MaskedMark(JsonElement operands, JsonElement right, bool negated) =>
        operands.ValueKind == JsonValueKind.Array && operands.GetArrayLength() == 2 && IsMetaMark(operands[0]) &&
        operands[1].ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.Number
            ? new MarkMatch(right.GetUInt32(), operands[1].GetUInt32(), negated)
            : null;

    internal static bool IsMetaMark(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var key) && key.GetString() == "mark";

    private static RuleMatch Masked(JsonElement operands, JsonElement right, bool negated)
    {
        if (operands.ValueKind == JsonValueKind.Array && operands.GetArrayLength() == 2 &&
            operands[0].ValueKind == JsonValueKind.Object && operands[0].TryGetProperty("payload", out var payload) &&
            payload.TryGetProperty("field", out var field) && field.GetString() == "flags")
        {
            return new AllOf([new ProtocolMatch(["tcp"], false), TcpFlags(operands[1], right, negated)]);
        }

        if (operands.ValueKind == JsonValueKind.Array && operands.GetArrayLength() == 2 &&
            operands[0].ValueKind == JsonValueKind.Object && operands[0].TryGetProperty("ct", out var ct) && ct.GetProperty("key").GetString() == "state")
        {
            // ct state & (established|related) == 0 and the like: the state is "new".
            var mask = FlagWords(operands[1]);
            var value = FlagWords(right);
            var holds = mask.All(s => value.Contains(s) == (s == "new"));
            return holds != negated ? FixedMatch.Yes : FixedMatch.No;
        }

        return FixedMatch.Unknown("a masked match the tool does not model");
    }

    private static TcpFlagsMatch TcpFlags(JsonElement? mask, JsonElement right, bool negated)
    {
        var value = FlagWords(right);
        var examined = mask is { } m ? FlagWords(m) : ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"];
        // The first packet of a TCP connection carries SYN alone, the handshake's last ACK alone.
        return TcpFlagsMatch.For(flag => mask is null ? value.Contains(flag) : examined.All(f => value.Contains(f) == (f == flag)), negated);
    }

    private static HashSet<string> FlagWords(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array => e.EnumerateArray().SelectMany(FlagWords).ToHashSet(StringComparer.Ordinal),
        JsonValueKind.Object when e.TryGetProperty("|", out var or) => FlagWords(or),
        JsonValueKind.Object when e.TryGetProperty("set", out var set) => FlagWords(set),
        _ => [],
    };

    /// <summary>The atoms of a right-hand side: a literal, an anonymous set, or a named set's elements ("@name").</summary>
    private List<JsonElement>? Atoms(JsonElement right)
    {
        if (right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@'))
        {
            return sets.TryGetValue(table + right.GetString()![1..], out var named) ? named.Elements.Select(Unwrap).ToList() : null;
        }

        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var set))
        {
            return set.EnumerateArray().Select(Unwrap).ToList();
        }

        return [Unwrap(right)];
    }

    private static JsonElement Unwrap(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var elem) && elem.TryGetProperty("val", out var val) ? val : e;

    private static string Why(JsonElement right) =>
        right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@')
            ? $"the set {right.GetString()} was not read or is not of that type"
            : "a value the tool does not model";

    private AddressSet? Addresses(JsonElement right)
    {
        if (Atoms(right) is not { } atoms)
        {
            return null;
        }

        var result = AddressSet.Empty(family);
        foreach (var atom in atoms)
        {
            AddressSet? one = atom.ValueKind switch
            {
                JsonValueKind.String => AddressSet.TryParse(atom.GetString()),
                JsonValueKind.Object when atom.TryGetProperty("prefix", out var prefix) =>
                    AddressSet.TryParse($"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}"),
                JsonValueKind.Object when atom.TryGetProperty("range", out var range) && range.GetArrayLength() == 2 &&
                                          IPAddress.TryParse(range[0].GetString(), out var a) && IPAddress.TryParse(range[1].GetString(), out var b) =>
                    AddressSet.Range(a, b),
                _ => null,
            };
            if (one is null)
            {
                return null;
            }

            if (one.Family == family)
            {
                result = result.Union(one);
            }
        }

        return result;
    }

    private List<PortRange>? Ports(JsonElement right)
    {
        if (Atoms(right) is not { } atoms)
        {
            return null;
        }

        var result = new List<PortRange>();
        foreach (var atom in atoms)
        {
            if (atom.ValueKind == JsonValueKind.Number && atom.GetInt32() is >= 0 and <= PortRange.MaxPort)
            {
                var n = Math.Max(atom.GetInt32(), 1);
                result.Add(new PortRange(n, n));
            }
            else if (atom.ValueKind == JsonValueKind.Object && atom.TryGetProperty("range", out var range) && range.GetArrayLength() == 2 &&
                     NftRulesetParser.Int(range[0]) is >= 0 and var from && NftRulesetParser.Int(range[1]) is <= PortRange.MaxPort and var to && from <= to)
            {
                result.Add(new PortRange(Math.Max(from, 1), Math.Max(to, 1)));
            }
            else if (atom.ValueKind == JsonValueKind.String && PortRange.TryParse(atom.GetString(), out PortRange named, out _))
            {
                result.Add(named);
            }
            else
            {
                return null;
            }
        }

        return result;
    }

    private List<string>? Strings(JsonElement right)
    {
        if (Atoms(right) is not { } atoms)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var atom in atoms)
        {
            switch (atom.ValueKind)
            {
                case JsonValueKind.String:
                    result.Add(atom.GetString()!);
                    break;
                case JsonValueKind.Number:
                    result.Add(atom.GetRawText());
                    break;
                case JsonValueKind.Array:
                    result.AddRange(atom.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
                    break;
                default:
                    return null;
            }
        }

        return result;
    }

    private static AddressSet V4(AddressSet set) => set.Family == IpFamily.IPv4 ? set : AddressSet.Empty(IpFamily.IPv4);

    private static AddressSet V6(AddressSet set) => set.Family == IpFamily.IPv6 ? set : AddressSet.Empty(IpFamily.IPv6);
}

/// <summary>How a ruleset's chains are read: as filters, for nat PREROUTING's translations, for what raw untracks, or as the forward path.</summary>
internal enum NftView
{
    Filter,
    Nat,
    Notrack,

    /// <summary>The forward hook's filters: oifname is the interface the packet leaves by, and the mark is followed.</summary>
    Forward,
}
