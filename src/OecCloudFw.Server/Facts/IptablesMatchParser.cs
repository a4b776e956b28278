using System.Globalization;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// Turns one rule's match options into matches, each answered for the first packet of a new inbound connection (a TCP
/// SYN or a first datagram, from a remote unicast source to one of the server's own addresses). What it does not model
/// becomes an unknown match naming the option.
/// </summary>
internal sealed class IptablesMatchParser(IReadOnlyDictionary<string, IpSet>? sets, IpFamily family, bool egress = false)
{
    /// <summary>Modules whose options are modelled below; any other module makes the rule's match unknown.</summary>
    private static readonly HashSet<string> KnownModules =
    [
        "tcp", "udp", "udplite", "sctp", "dccp", "icmp", "icmp6", "icmpv6", "multiport", "conntrack", "state", "addrtype", "set", "iprange",
        "limit", "hashlimit", "connlimit", "recent", "comment", "pkttype", "rt", "policy", "mark", "connmark", "hl", "ttl",
    ];

    /// <summary>The ports a module's --dport/--sport apply to (none for icmp).</summary>
    private static readonly HashSet<string> NoArgumentOptions =
    [
        "--syn", "--rsource", "--rdest", "--reap", "--rttl", "--limit-iface-in", "--limit-iface-out", "--connlimit-saddr", "--connlimit-daddr",
        "--return-nomatch", "--update-counters", "--update-subcounters", "--strict", "--next", "--set", "--rcheck", "--update", "--remove",
        "--fragment", "-f",
    ];

    /// <summary>One shared match per common protocol: a 10,000-rule save has 10,000 "-p tcp".</summary>
    private static readonly Dictionary<string, ProtocolMatch> Protocols = new(StringComparer.Ordinal)
    {
        ["tcp"] = new(["tcp"], false),
        ["udp"] = new(["udp"], false),
        ["icmp"] = new(["icmp"], false),
        ["ipv6-icmp"] = new(["ipv6-icmp"], false),
        ["all"] = new(["all"], false),
    };

    private readonly List<RuleMatch> _matches = [];
    private string? _module;
    private (int Index, bool Negate)? _recent;
    private string? _recentSeconds;
    private int _recentHits;
    private string _recentName = "DEFAULT";

    public IReadOnlyList<RuleMatch> Result
    {
        get
        {
            if (_recent is { } recent)
            {
                _matches[recent.Index] = Recent(recent.Negate);
                _recent = null;
            }

            return _matches;
        }
    }

    /// <summary>
    /// <c>-m recent --update/--rcheck --hitcount N</c> (ufw limit's form): a source's first new connection has at most
    /// one hit in the list (its own, when a --set rule ran first), so with N ≥ 2 the match fails for it and holds after
    /// N connections: admitted, but rate-limited. Without a hit count, whether the source is already listed is not known.
    /// </summary>
    private FixedMatch Recent(bool negate)
    {
        if (_recentHits < 2)
        {
            return FixedMatch.Unknown($"-m recent: whether the source is in the list {_recentName} is not modelled");
        }

        var condition = $"rate-limited: -m recent matches from a source's {Ordinal(_recentHits)} new connection{(_recentSeconds is null ? string.Empty : $" in {_recentSeconds} s")}";
        return negate ? FixedMatch.Conditional(condition) : FixedMatch.HoldsLater(condition);
    }

    private static string Ordinal(int n) => n.ToString(CultureInfo.InvariantCulture) + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static TrackedOnlyMatch Tracked(RuleMatch match) => new(match, Ternary.Unknown);

    /// <summary>Reads the option at <paramref name="i"/> (and its arguments); returns the index of its last token.</summary>
    public int Consume(List<string> tokens, int i, bool negate)
    {
        var token = tokens[i];
        string Next() => i + 1 < tokens.Count ? tokens[++i] : string.Empty;
        switch (token)
        {
            case "-p" or "--protocol":
                var name = Next();
                _matches.Add(negate ? new ProtocolMatch([name], true) : Protocols.GetValueOrDefault(name) ?? new ProtocolMatch([name], false));
                break;
            // On the output path (egress) the remote end is the destination and the interface is the outgoing one:
            // the evaluator's "source" is always the remote end, its "destination" the host's own address.
            case "-s" or "--source" or "--src":
                _matches.Add(egress ? DestinationMatch.Of(Addresses(Next()), negate) : SourceMatch.Of(Addresses(Next()), negate));
                break;
            case "-d" or "--destination" or "--dst":
                _matches.Add(egress ? SourceMatch.Of(Addresses(Next()), negate) : DestinationMatch.Of(Addresses(Next()), negate));
                break;
            case "-i" or "--in-interface":
                // Not valid on the output path; iptables refuses it there.
                var inInterface = Next();
                if (!egress)
                {
                    _matches.Add(new InterfaceMatch([inInterface], negate));
                }

                break;
            case "-o" or "--out-interface":
                // Not valid on the input path (iptables refuses it there); on the forward path (FORWARD, DOCKER-USER) it is
                // the interface the packet leaves by, unknown unless the packet's way out is.
                var outInterface = Next();
                _matches.Add(new InterfaceMatch([outInterface], negate, output: !egress));

                break;
            case "-f" or "--fragment":
                // A first packet is never a non-first fragment.
                _matches.Add(negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "-m" or "--match":
                _module = Next();
                if (!KnownModules.Contains(_module))
                {
                    _matches.Add(FixedMatch.Unknown($"-m {_module} is not modelled"));
                }
                else if (_module == "rt")
                {
                    // A plain packet carries no routing header: the rt match needs one, whatever its options.
                    _matches.Add(FixedMatch.No);
                }

                break;
            case "-c" or "--set-counters":
                Next();
                Next();
                break;
            default:
                if (token.StartsWith('['))
                {
                    break;
                }

                i = Option(tokens, i, negate);
                break;
        }

        return i;
    }

    private int Option(List<string> tokens, int i, bool negate)
    {
        var token = tokens[i];
        string Next() => i + 1 < tokens.Count ? tokens[++i] : string.Empty;
        if (egress && token is "--ctorigsrc" or "--ctrepldst" or "--ctorigdst" or "--ctreplsrc" or "--dst-type" or "--src-type" or
                "--match-set" or "--src-range" or "--dst-range" or "--rcheck" or "--update" or "--remove" or "--dir" or "--pol" or
                "--hashlimit-upto" or "--hashlimit" or "--hashlimit-above" or "--connlimit-above" or "--connlimit-upto" or "--pkt-type")
        {
            // Direction-dependent matches are modelled for the input path only: on the output path they are unknown.
            var argument = token == "--match-set" ? $"{Next()} {Next()}" : token is "--rcheck" or "--update" or "--remove" ? string.Empty : Next();
            _matches.Add(FixedMatch.Unknown($"{token} {argument} on the output path is not modelled".Replace("  ", " ", StringComparison.Ordinal)));
            return i;
        }

        switch (token)
        {
            case "--dport" or "--destination-port" or "--dports" or "--destination-ports":
                _matches.Add(new PortMatch(Ports(Next()), negate));
                break;
            case "--sport" or "--source-port" or "--sports" or "--source-ports":
                _matches.Add(new PortMatch(Ports(Next()), negate, PortField.Source));
                break;
            case "--ports":
                _matches.Add(new PortMatch(Ports(Next()), negate, PortField.Either));
                break;
            case "--syn":
                _matches.Add(new TcpFlagsMatch(!negate, negate));
                break;
            case "--tcp-flags":
                var mask = Flags(Next());
                var set = Flags(Next());
                // The first packet of a TCP connection carries SYN alone, the handshake's last ACK alone.
                _matches.Add(TcpFlagsMatch.For(flag => mask.All(f => set.Contains(f) == string.Equals(f, flag, StringComparison.OrdinalIgnoreCase)), negate));
                break;
            case "--icmp-type" or "--icmpv6-type":
                Next();
                break;
            case "--state" or "--ctstate":
                _matches.Add(new ConntrackStateMatch(Next().Split(','), negate));
                break;
            // The other conntrack options look at the connection: an untracked packet has none (what the rule then
            // does depends on its --ctstate too), so they are unknown for it.
            case "--ctstatus":
                var statuses = Next().Split(',');
                _matches.Add(Tracked(statuses.Contains("NONE") != negate ? FixedMatch.Yes : FixedMatch.No));
                break;
            case "--ctproto":
                _matches.Add(Tracked(new ProtocolMatch([Next()], negate)));
                break;
            case "--ctdir":
                _matches.Add(Tracked((Next() == "ORIGINAL") != negate ? FixedMatch.Yes : FixedMatch.No));
                break;
            case "--ctorigdstport":
                // The port the packet arrived with, before nat PREROUTING (REDIRECT, DNAT) translated it.
                _matches.Add(Tracked(new PortMatch(Ports(Next()), negate, PortField.OriginalDestination)));
                break;
            case "--ctreplsrcport":
                _matches.Add(Tracked(new PortMatch(Ports(Next()), negate)));
                break;
            case "--ctorigsrcport" or "--ctrepldstport":
                _matches.Add(Tracked(new PortMatch(Ports(Next()), negate, PortField.Source)));
                break;
            case "--ctorigsrc" or "--ctrepldst":
                _matches.Add(SourceMatch.Of(Addresses(Next()), negate));
                break;
            case "--ctorigdst" or "--ctreplsrc":
                _matches.Add(DestinationMatch.Of(Addresses(Next()), negate));
                break;
            case "--dst-type":
                // The packet is addressed to the host (LOCAL, UNICAST); never BROADCAST, MULTICAST, ANYCAST…
                var dst = Next().Split(',');
                _matches.Add(dst.Any(t => t is "LOCAL" or "UNICAST") != negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "--src-type":
                // A remote unicast source: UNICAST holds; LOCAL, BROADCAST, MULTICAST, UNREACHABLE… do not.
                var src = Next().Split(',');
                _matches.Add(src.Contains("UNICAST") != negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "--match-set":
                _matches.Add(SetMatch(Next(), Next(), negate));
                break;
            case "--src-range":
                _matches.Add(Range(Next(), negate, source: true));
                break;
            case "--dst-range":
                _matches.Add(Range(Next(), negate, source: false));
                break;
            case "--limit":
                _matches.Add(FixedMatch.Conditional($"rate-limited to {Next()}"));
                break;
            case "--hashlimit-upto" or "--hashlimit":
                _matches.Add(FixedMatch.Conditional($"rate-limited to {Next()} per source"));
                break;
            case "--hashlimit-above":
                var over = Next();
                _matches.Add(negate ? FixedMatch.Conditional($"rate-limited to {over} per source") : FixedMatch.HoldsLater($"rate-limited: matches above {over} per source"));
                break;
            case "--connlimit-above":
                var above = Number(Next());
                _matches.Add(above < 1 || negate
                    ? new FixedMatch((above < 1) != negate ? Ternary.True : Ternary.False, $"limited to {above} connections")
                    : FixedMatch.HoldsLater($"limited: matches above {above} connections"));
                break;
            case "--connlimit-upto":
                var upto = Number(Next());
                _matches.Add(new FixedMatch((upto >= 1) != negate ? Ternary.True : Ternary.False, $"limited to {upto} connections"));
                break;
            case "--set" when _module == "recent":
                break;
            case "--rcheck" or "--update" or "--remove" when _module == "recent":
                // Decided once the module's options are all read (--hitcount, --seconds, --name come after).
                _recent = (_matches.Count, negate);
                _matches.Add(FixedMatch.No);
                break;
            case "--seconds" when _module == "recent":
                _recentSeconds = Next();
                break;
            case "--hitcount" when _module == "recent":
                _recentHits = Number(Next());
                break;
            case "--name" when _module == "recent":
                _recentName = Next();
                break;
            case "--pkt-type":
                _matches.Add((Next() == "unicast") != negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "--dir":
                _matches.Add((Next() == "in") != negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "--pol":
                // No IPsec policy applies to a plain packet.
                _matches.Add((Next() == "none") != negate ? FixedMatch.Yes : FixedMatch.No);
                break;
            case "--comment" or "--limit-burst" or "--seconds" or "--hitcount" or "--name" or "--mask" or "--connlimit-mask" or
                "--hashlimit-burst" or "--hashlimit-mode" or "--hashlimit-name" or "--hashlimit-htable-size" or "--hashlimit-htable-max" or
                "--hashlimit-htable-expire" or "--hashlimit-htable-gcinterval" or "--hashlimit-srcmask" or "--hashlimit-dstmask":
                Next();
                break;
            default:
                if (_module is "rt" || NoArgumentOptions.Contains(token))
                {
                    break;
                }

                // Not modelled: the match is unknown. Its arguments are the words up to the next option.
                while (i + 1 < tokens.Count && !tokens[i + 1].StartsWith('-') && tokens[i + 1] != "!")
                {
                    i++;
                }

                _matches.Add(FixedMatch.Unknown($"{(_module is null ? string.Empty : $"-m {_module} ")}{token} is not modelled"));
                break;
        }

        return i;
    }

    private RuleMatch SetMatch(string name, string flags, bool negate)
    {
        var dimensions = flags.Split(',');
        if (dimensions.Length != 1 || sets is null || !sets.TryGetValue(name, out var set) || set.Members(family) is not { } members)
        {
            return SourceMatch.Unreadable(sets is null || !sets.ContainsKey(name)
                ? $"the members of ipset {name} were not read"
                : $"ipset {name} ({sets[name].Type}, {flags}) is not an address set", negate);
        }

        var v4 = family == IpFamily.IPv4 ? members : AddressSet.Empty(IpFamily.IPv4);
        var v6 = family == IpFamily.IPv6 ? members : AddressSet.Empty(IpFamily.IPv6);
        return dimensions[0] == "src" ? new SourceMatch(v4, v6, negate) : new DestinationMatch(v4, v6, negate);
    }

    private static RuleMatch Range(string text, bool negate, bool source)
    {
        if (AddressSet.TryParse(text) is not { } range)
        {
            return FixedMatch.Unknown($"iprange {text} is not an address range");
        }

        var v4 = range.Family == IpFamily.IPv4 ? range : AddressSet.Empty(IpFamily.IPv4);
        var v6 = range.Family == IpFamily.IPv6 ? range : AddressSet.Empty(IpFamily.IPv6);
        return source ? new SourceMatch(v4, v6, negate) : new DestinationMatch(v4, v6, negate);
    }

    private static List<Cidr> Addresses(string text)
    {
        if (!text.Contains(',', StringComparison.Ordinal))
        {
            return IptablesSaveParser.Address(text) is { } one ? [one] : [];
        }

        return text.Split(',').Select(IptablesSaveParser.Address).OfType<Cidr>().ToList();
    }

    private static List<PortRange> Ports(string text)
    {
        if (!text.Contains(',', StringComparison.Ordinal))
        {
            return IptablesSaveParser.Port(text) is { } one ? [one] : [];
        }

        return text.Split(',').Select(IptablesSaveParser.Port).OfType<PortRange>().ToList();
    }

    private static HashSet<string> Flags(string text) =>
        text.Split(',').SelectMany(f => f == "ALL" ? ["SYN", "ACK", "FIN", "RST", "URG", "PSH"] : f == "NONE" ? [] : new[] { f }).ToHashSet(StringComparer.Ordinal);

    private static int Number(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
