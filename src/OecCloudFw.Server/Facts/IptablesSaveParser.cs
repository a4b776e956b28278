using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>Parses the <c>*filter</c> table of <c>iptables-save</c> / <c>ip6tables-save</c> into chains (pure).</summary>
public static class IptablesSaveParser
{
    private static readonly HashSet<string> Builtins = ["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"];

    /// <summary>Targets that do not decide the packet's fate; evaluation continues after them.</summary>
    private static readonly HashSet<string> NonTerminating =
        ["LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "AUDIT", "SET", "TCPMSS", "CHECKSUM", "DSCP", "TOS", "TEE", "DNAT", "SNAT", "MASQUERADE", "REDIRECT"];

    /// <summary>The filter table's INPUT path; null when the output has no filter table (nothing loaded).</summary>
    public static ChainRuleSet? ParseFilterInput(string text) => ParseTable(text, "filter", "INPUT");

    /// <summary>Any table and base chain, e.g. ("nat", "PREROUTING") for Docker's DNAT rules.</summary>
    public static ChainRuleSet? ParseTable(string text, string table, string baseChain)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chains = new Dictionary<string, (ChainTarget? Policy, List<ChainRule> Rules)>(StringComparer.Ordinal);
        var inTable = false;
        var seen = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('*'))
            {
                inTable = line[1..].Trim() == table;
                seen |= inTable;
                continue;
            }

            if (!inTable || line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line == "COMMIT")
            {
                inTable = false;
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

                entry.Rules.Add(ParseRule(tokens, line));
            }
        }

        if (!seen)
        {
            return null;
        }

        var result = chains.ToDictionary(c => c.Key, c => new Chain(c.Key, c.Value.Policy, c.Value.Rules), StringComparer.Ordinal);
        return new ChainRuleSet(result, result.ContainsKey(baseChain) ? [baseChain] : []);
    }

    private static ChainRule ParseRule(List<string> tokens, string text)
    {
        Protocol? protocol = null;
        List<PortRange>? ports = null;
        List<Cidr>? sources = null;
        bool portsNegated = false, sourcesNegated = false, notNew = false, loopback = false, never = false;
        var target = ChainTarget.Continue;
        string? chain = null;
        var negate = false;
        for (var i = 2; i < tokens.Count; i++)
        {
            var token = tokens[i];
            string Next() => i + 1 < tokens.Count ? tokens[++i] : string.Empty;
            if (token == "!")
            {
                negate = true;
                continue;
            }

            switch (token)
            {
                case "-p" or "--protocol":
                    var name = Next();
                    if (ProtocolNames.TryParse(name, out var parsed) && !negate)
                    {
                        protocol = parsed;
                    }
                    else if (name is "ipv6-icmp" or "icmpv6")
                    {
                        protocol = Protocol.Icmp;
                    }

                    break;
                case "--dport" or "--destination-port" or "--dports" or "--destination-ports":
                    ports = Next().Split(',').Select(p => PortRange.TryParse(p, out PortRange r, out _) ? r : PortRange.All).ToList();
                    portsNegated = negate;
                    break;
                case "--sport" or "--source-port" or "--sports" or "--source-ports":
                    Next();
                    never |= !negate;
                    break;
                case "-s" or "--source" or "--src":
                    sources = Next().Split(',').Select(s => Cidr.TryParse(s, out var c) ? c : null).OfType<Cidr>().ToList();
                    sourcesNegated = negate;
                    break;
                case "-d" or "--destination" or "--dst":
                    var destination = Next();
                    never |= !negate && (destination.StartsWith("224.", StringComparison.Ordinal) || destination.StartsWith("ff", StringComparison.OrdinalIgnoreCase) ||
                                         destination.StartsWith("255.255.255.255", StringComparison.Ordinal) || destination.StartsWith("239.", StringComparison.Ordinal));
                    break;
                case "-i" or "--in-interface":
                    var iface = Next();
                    if (iface == "lo")
                    {
                        loopback |= !negate;
                    }

                    break;
                case "--state" or "--ctstate":
                    var states = Next().Split(',');
                    var hasNew = states.Contains("NEW");
                    notNew |= negate ? hasNew : !hasNew;
                    break;
                case "--dst-type":
                    var types = Next().Split(',');
                    var local = types.Contains("LOCAL");
                    never |= negate ? local : !local;
                    break;
                case "--update" or "--rcheck":
                    never |= !negate;
                    break;
                case "--rt-type" or "--hl-eq" or "--hl-lt" or "--hl-gt" or "--ttl-eq" or "--ttl-lt" or "--ttl-gt" or "--tcp-option" or "--pkt-type":
                    // Properties a plain first packet from the internet does not have (routing header 0, hop limit 255…).
                    Next();
                    never |= !negate;
                    break;
                case "--syn":
                    never |= negate;
                    break;
                case "--icmp-type" or "--icmpv6-type":
                    Next();
                    break;
                case "-j" or "--jump" or "-g" or "--goto":
                    var goTo = token is "-g" or "--goto";
                    var name2 = Next();
                    (target, chain) = name2 switch
                    {
                        "ACCEPT" => (ChainTarget.Accept, (string?)null),
                        "DROP" => (ChainTarget.Drop, null),
                        "REJECT" => (ChainTarget.Reject, null),
                        "RETURN" => (ChainTarget.Return, null),
                        _ when NonTerminating.Contains(name2) => (ChainTarget.Continue, null),
                        _ => (goTo ? ChainTarget.Goto : ChainTarget.Jump, name2),
                    };
                    break;
                case "-m" or "--match" or "--comment" or "--limit" or "--limit-burst" or "--name" or "--seconds" or "--hitcount" or "--mask" or "--log-prefix" or "--reject-with" or "--to-destination":
                    Next();
                    break;
            }

            negate = false;
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
            Text = text,
        };
    }

    /// <summary>Splits an iptables-save line into words, honouring double quotes (comments).</summary>
    internal static List<string> Tokenize(string line)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            return [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }

        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
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
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
