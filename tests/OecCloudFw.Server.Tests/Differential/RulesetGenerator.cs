using System.Globalization;
using System.Text;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Server.Tests.Differential;

/// <summary>
/// Random rulesets for the kernel-oracle test, in each frontend's own language: iptables-restore input (with ipsets),
/// native nft scripts, ufw commands and firewall-cmd commands. They mix interfaces, sets, ICMP-only rules, conntrack
/// states, ranges, negations, jumps, gotos, returns, verdict maps, denies and accepts in random order, and before the
/// filter REDIRECT/DNAT to the server (nat PREROUTING, nft redirect/dnat, firewalld forward-ports) and NOTRACK; the hooks
/// before input: nft ingress chains (netdev and inet, on the client's interface and on another device), prerouting and
/// input chains at several priorities and families, drops in raw and mangle, bridge-family chains (no bridge in the path).
/// Everything is derived from one seed, so a failing case replays.
/// </summary>
internal sealed class RulesetGenerator(int seed)
{
    /// <summary>The client's source addresses: "internet" ones and a management one, IPv4 and IPv6.</summary>
    public static readonly string[] Sources4 = ["198.18.10.5", "198.18.10.77", "198.18.130.9", "198.18.77.1"];

    public static readonly string[] Sources6 = ["2001:2:0:10::5", "2001:2:0:20::9"];

    /// <summary>The ports listened on.</summary>
    public static readonly int[] Ports = [80, 443, 5432, 8069, 9100, 10022];

    private static readonly string[] Cidrs4 =
        ["198.18.10.5/32", "198.18.10.0/24", "198.18.0.0/17", "198.18.128.0/17", "198.18.0.0/15", "198.19.0.0/16", "198.18.10.77", "198.18.64.0/18"];

    private static readonly string[] Cidrs6 = ["2001:2:0:10::5/128", "2001:2:0:10::/64", "2001:2::/48", "2001:2:0:20::/64", "2001:2:0:20::9"];

    private static readonly string[] Interfaces = ["eth1", "eth0", "wg0", "lo", "eth+", "docker0", "e+"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private bool Chance(double p) => _random.NextDouble() < p;

    private string PortText(bool multiportAllowed)
    {
        return _random.Next(6) switch
        {
            0 => "5000:9000",
            1 => "1:1024",
            2 when multiportAllowed => "80,443",
            3 when multiportAllowed => "5432,9100,10022",
            _ => Pick(Ports).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>ipset commands creating the sets the iptables rules may use (o4a, o4n for IPv4; o6a for IPv6).</summary>
    public string IpsetScript()
    {
        var sb = new StringBuilder();
        sb.AppendLine("ipset create o4a hash:ip family inet");
        sb.AppendLine("ipset create o4n hash:net family inet");
        sb.AppendLine("ipset create o6a hash:net family inet6");
        foreach (var s in Sources4.Where(_ => Chance(0.5)))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"ipset add o4a {s}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"ipset add o4n {Pick(new[] { "198.18.10.0/24", "198.18.128.0/17", "198.18.77.0/30" })}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"ipset add o6a {Pick(new[] { "2001:2:0:10::/64", "2001:2:0:20::9", "2001:2::/48" })}");
        return sb.ToString();
    }

    /// <summary>An iptables-restore input for one family; with <paramref name="beforeFilter"/>, sometimes nat and raw PREROUTING too.</summary>
    public string Iptables(bool v6, bool beforeFilter = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine("*filter");
        sb.AppendLine(CultureInfo.InvariantCulture, $":INPUT {(Chance(0.5) ? "DROP" : "ACCEPT")} [0:0]");
        sb.AppendLine(":FORWARD ACCEPT [0:0]");
        sb.AppendLine(":OUTPUT ACCEPT [0:0]");
        sb.AppendLine(":u1 - [0:0]");
        sb.AppendLine(":u2 - [0:0]");
        // As on every real server, the packets after the first of a connection are let in (the oracle is the first
        // packet: a handshake whose ACK is dropped fails whatever the SYN met).
        sb.AppendLine("-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT");
        if (v6)
        {
            // Neighbour discovery must work for IPv6 to work at all: an ICMPv6-only accept (never matches TCP).
            sb.AppendLine("-A INPUT -p ipv6-icmp -j ACCEPT");
        }

        if (beforeFilter && Chance(0.4))
        {
            RateLimits(sb);
        }

        if (beforeFilter && Chance(0.25))
        {
            // A mark matched in the filter (set, or not, in mangle PREROUTING below): marks are not modelled, so the
            // rule makes what reaches it indeterminate, never a wrong definite verdict.
            sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m mark --mark 0x1 -j {Pick(new[] { "ACCEPT", "DROP" })}");
        }

        for (var i = _random.Next(3, 10); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT{IptablesMatches(v6)} -j {Pick(new[] { "ACCEPT", "DROP", "REJECT", "u1", "LOG", "ACCEPT", "DROP" })}");
        }

        if (Chance(0.3))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT{IptablesMatches(v6)} -g u2");
        }

        for (var i = _random.Next(1, 5); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"-A u1{IptablesMatches(v6)} -j {Pick(new[] { "ACCEPT", "DROP", "REJECT", "RETURN", "u2", "LOG" })}");
        }

        for (var i = _random.Next(0, 4); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"-A u2{IptablesMatches(v6)} -j {Pick(new[] { "ACCEPT", "DROP", "REJECT", "RETURN" })}");
        }

        sb.AppendLine("COMMIT");
        if (beforeFilter)
        {
            Prerouting(sb, v6);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Rate limits the way servers write them (ufw limit's recent pair, -m recent --hitcount, hashlimit, limit), each on
    /// one port: the oracle's few SYNs per source and port stay under them, so the kernel admits what they pass and the
    /// tool's "conditionally: rate-limited" must be what the kernel does to a first connection.
    /// </summary>
    private void RateLimits(StringBuilder sb)
    {
        var port = Pick(Ports).ToString(CultureInfo.InvariantCulture);
        var name = $"rl{_random.Next(1000).ToString(CultureInfo.InvariantCulture)}";
        switch (_random.Next(4))
        {
            case 0:
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -m conntrack --ctstate NEW -m recent --set --name {name} --rsource");
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 15 --name {name} --rsource -j {Pick(new[] { "DROP", "REJECT" })}");
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -j ACCEPT");
                break;
            case 1:
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -m hashlimit --hashlimit-upto 1000/sec --hashlimit-burst 1000 --hashlimit-mode srcip --hashlimit-name {name} -j ACCEPT");
                break;
            case 2:
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -m limit --limit 1000/sec --limit-burst 1000 -j ACCEPT");
                break;
            default:
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -m hashlimit --hashlimit-above 1000/sec --hashlimit-burst 1000 --hashlimit-mode srcip --hashlimit-name {name} -j DROP");
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A INPUT -p tcp -m tcp --dport {port} -j ACCEPT");
                break;
        }
    }

    /// <summary>
    /// Sometimes what happens before the filter: a REDIRECT or a DNAT to the server's own address in nat PREROUTING (the
    /// filter then sees the translated port), a NOTRACK in raw PREROUTING (the state is then UNTRACKED, not NEW).
    /// </summary>
    private void Prerouting(StringBuilder sb, bool v6)
    {
        if (Chance(0.35))
        {
            sb.AppendLine("*nat");
            sb.AppendLine(":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]");
            for (var i = _random.Next(1, 3); i > 0; i--)
            {
                var to = Pick(Ports).ToString(CultureInfo.InvariantCulture);
                var source = Chance(0.3) ? $" -s {Pick(v6 ? Cidrs6 : Cidrs4)}" : string.Empty;
                var target = _random.Next(3) switch
                {
                    0 => $"DNAT --to-destination {(v6 ? $"[{TestClient.ServerAddress6}]" : TestClient.ServerAddress4)}:{to}",
                    1 when Chance(0.5) => "ACCEPT",
                    _ => $"REDIRECT --to-ports {to}",
                };
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A PREROUTING -p tcp{source} -m tcp --dport {Pick(Ports)} -j {target}");
            }

            sb.AppendLine("COMMIT");
        }

        var notrack = Chance(0.3);
        var rawDrop = Chance(0.2);
        if (notrack || rawDrop)
        {
            sb.AppendLine("*raw");
            sb.AppendLine(":PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]");
            if (rawDrop)
            {
                // Before conntrack: no connection yet, so the state is INVALID (a NEW match never holds there).
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A PREROUTING -p tcp{Source(v6)} -m tcp --dport {PortText(multiportAllowed: false)}{Pick(new[] { string.Empty, " -m conntrack --ctstate INVALID", " -m conntrack --ctstate NEW" })} -j DROP");
            }

            if (notrack)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A PREROUTING -p tcp{Source(v6)} -m tcp --dport {PortText(multiportAllowed: false)} -j {Pick(new[] { "CT --notrack", "NOTRACK" })}");
            }

            sb.AppendLine("COMMIT");
        }

        if (Chance(0.25))
        {
            // Drops in mangle, before the filter (PREROUTING) and at input.
            sb.AppendLine("*mangle");
            sb.AppendLine(":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]");
            for (var i = _random.Next(1, 3); i > 0; i--)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A {Pick(new[] { "PREROUTING", "INPUT" })} -p tcp{Source(v6)} -m tcp --dport {PortText(multiportAllowed: false)} -j {Pick(new[] { "DROP", "ACCEPT", "DROP" })}");
            }

            if (Chance(0.5))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"-A PREROUTING -p tcp{Source(v6)} -m tcp --dport {PortText(multiportAllowed: false)} -j MARK --set-mark 0x1");
            }

            sb.AppendLine("COMMIT");
        }
    }

    private string Source(bool v6) => Chance(0.3) ? $" -s {Pick(v6 ? Cidrs6 : Cidrs4)}" : string.Empty;

    private string IptablesMatches(bool v6)
    {
        var sb = new StringBuilder();
        var protocol = _random.Next(10) switch
        {
            < 6 => "tcp",
            6 => "udp",
            7 => v6 ? "ipv6-icmp" : "icmp",
            8 => "!udp",
            _ => null,
        };
        if (protocol is not null)
        {
            sb.Append(protocol.StartsWith('!') ? $" ! -p {protocol[1..]}" : $" -p {protocol}");
        }

        var count = _random.Next(0, 4);
        var used = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            // iptables takes each kind of match once per rule.
            var kind = _random.Next(12);
            kind = kind is 1 ? 0 : kind is 3 ? 2 : kind;
            if (!used.Add(kind))
            {
                continue;
            }

            switch (kind)
            {
                case 0 or 1 when protocol is "tcp" or "udp":
                    var ports = PortText(multiportAllowed: true);
                    sb.Append(ports.Contains(',', StringComparison.Ordinal)
                        ? $" -m multiport {(Chance(0.2) ? "! " : string.Empty)}--dports {ports}"
                        : $" -m {protocol} {(Chance(0.2) ? "! " : string.Empty)}--dport {ports}");
                    break;
                case 2 or 3:
                    sb.Append(CultureInfo.InvariantCulture, $"{(Chance(0.25) ? " !" : string.Empty)} -s {Pick(v6 ? Cidrs6 : Cidrs4)}");
                    break;
                case 4:
                    sb.Append(CultureInfo.InvariantCulture, $"{(Chance(0.25) ? " !" : string.Empty)} -i {Pick(Interfaces)}");
                    break;
                case 5:
                    sb.Append(CultureInfo.InvariantCulture, $" -m conntrack {(Chance(0.2) ? "! " : string.Empty)}--ctstate {Pick(new[] { "NEW", "ESTABLISHED,RELATED", "INVALID", "NEW,ESTABLISHED" })}");
                    break;
                case 6:
                    sb.Append(CultureInfo.InvariantCulture, $" -m set {(Chance(0.25) ? "! " : string.Empty)}--match-set {(v6 ? "o6a" : Pick(new[] { "o4a", "o4n" }))} src");
                    break;
                case 7:
                    sb.Append(v6 ? " -m iprange --src-range 2001:2:0:10::1-2001:2:0:10::ff" : $" -m iprange {(Chance(0.2) ? "! " : string.Empty)}--src-range 198.18.10.1-198.18.77.200");
                    break;
                case 8:
                    sb.Append(CultureInfo.InvariantCulture, $" -m addrtype --dst-type {Pick(v6 ? new[] { "LOCAL", "MULTICAST", "UNICAST" } : new[] { "LOCAL", "MULTICAST", "BROADCAST" })}");
                    break;
                case 9 when protocol == "tcp":
                    sb.Append(Chance(0.5) ? " -m tcp --syn" : " -m tcp --tcp-flags SYN,RST,ACK SYN");
                    break;
                case 10:
                    sb.Append(CultureInfo.InvariantCulture, $" -d {(v6 ? Pick(new[] { "2001:2:0:ff::1", "2001:2:0:99::/64" }) : Pick(new[] { "198.18.199.1", "198.18.55.0/24" }))}");
                    break;
                default:
                    sb.Append(CultureInfo.InvariantCulture, $" -m comment --comment \"case {_random.Next(100)}\"");
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>A native nftables script (it flushes the ruleset first).</summary>
    public string Nft()
    {
        var sb = new StringBuilder();
        sb.AppendLine("flush ruleset");
        sb.AppendLine("table inet t {");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  set a4 {{ type ipv4_addr; flags interval; auto-merge; elements = {{ {Pick(new[] { "198.18.10.0/24", "198.18.77.1", "198.18.128.0/17" })}, 198.18.10.77 }} }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  set a6 {{ type ipv6_addr; flags interval; auto-merge; elements = {{ {Pick(new[] { "2001:2:0:10::/64", "2001:2:0:20::9" })} }} }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  set p {{ type inet_service; elements = {{ {Pick(Ports)}, {Pick(Ports)} }} }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  chain in {{ type filter hook input priority 0; policy {(Chance(0.5) ? "drop" : "accept")};");
        sb.AppendLine("    ct state established,related accept");
        sb.AppendLine("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept");
        if (Chance(0.4))
        {
            // Rate limits, each on one port, high enough that the oracle's few SYNs pass them.
            var limited = Pick(Ports).ToString(CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {(Chance(0.5) ? $"tcp dport {limited} limit rate 1000/second burst 1000 packets accept" : $"tcp dport {limited} limit rate over 1000/second burst 1000 packets drop\n    tcp dport {limited} accept")}");
        }

        for (var i = _random.Next(3, 10); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {NftRule(Pick(new[] { "accept", "drop", "reject", "jump u1", "goto u2", "counter", "accept", "drop", "vmap" }))}");
        }

        sb.AppendLine("  }");
        sb.AppendLine("  chain u1 {");
        for (var i = _random.Next(1, 5); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {NftRule(Pick(new[] { "accept", "drop", "reject", "return", "jump u2" }))}");
        }

        sb.AppendLine("  }");
        sb.AppendLine("  chain u2 {");
        for (var i = _random.Next(0, 4); i > 0; i--)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {NftRule(Pick(new[] { "accept", "drop", "reject", "return" }))}");
        }

        sb.AppendLine("  }");
        sb.AppendLine("}");
        if (Chance(0.4))
        {
            // A second base chain: a packet must pass both.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table ip t2 {{\n  chain in2 {{\n    type filter hook input priority {Pick(new[] { "10", "-50", "50" })}; policy accept;\n    ct state established,related accept");
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {NftRule(Pick(new[] { "drop", "accept", "reject" }), v4Only: true)}\n  }}\n}}");
        }

        if (Chance(0.3))
        {
            // nat PREROUTING: the filter sees the translated port.
            sb.AppendLine("table inet t4 {\n  chain nat { type nat hook prerouting priority dstnat; policy accept;");
            for (var i = _random.Next(1, 3); i > 0; i--)
            {
                var source = Chance(0.3) ? Pick(new[] { "ip saddr 198.18.10.0/24 ", "ip6 saddr 2001:2:0:10::/64 " }) : string.Empty;
                var translation = !source.StartsWith("ip6", StringComparison.Ordinal) && Chance(0.25) ? $"dnat ip to {TestClient.ServerAddress4}:" : "redirect to :";
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {source}tcp dport {Pick(Ports)} {translation}{Pick(Ports)}");
            }

            sb.AppendLine("  }\n}");
        }

        if (Chance(0.25))
        {
            // raw's notrack: the state is then untracked, not new.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table inet t5 {{\n  chain raw {{ type filter hook prerouting priority raw; policy accept;\n    tcp dport {Pick(new[] { "80", "{ 443, 5432 }", "5000-9000" })} notrack\n  }}\n}}");
        }

        if (Chance(0.3))
        {
            // A prerouting chain at raw's, mangle's, dstnat's or filter's priority: before conntrack (-300) the state is
            // INVALID, so its "ct state established,related accept" does not hold there.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table inet t3 {{\n  chain pre {{\n    type filter hook prerouting priority {Pick(new[] { "-300", "-150", "-100", "0" })}; policy accept;\n    ct state established,related accept\n    icmpv6 type {{ nd-neighbor-solicit, nd-neighbor-advert }} accept");
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {NftRule(Pick(new[] { "drop", "accept" }))}\n  }}\n}}");
        }

        if (Chance(0.2))
        {
            // An ip6 family input chain.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table ip6 t6 {{\n  chain in6 {{\n    type filter hook input priority {Pick(new[] { "-10", "5" })}; policy accept;\n    {Pick(new[] { "ip6 saddr 2001:2:0:20::/64 ", "meta l4proto tcp ", string.Empty })}tcp dport {Pick(Ports)} {Pick(new[] { "drop", "reject", "accept" })}\n  }}\n}}");
        }

        if (Chance(0.35))
        {
            // The ingress hook, before everything, for the packets arriving through its device: the client's (eth1) or
            // another one (oecx0, which nothing arrives on). Never a drop policy: ARP and neighbour discovery pass there.
            var family = Pick(new[] { "netdev", "netdev", "inet" });
            sb.AppendLine(CultureInfo.InvariantCulture, $"table {family} t7 {{\n  chain ing {{\n    type filter hook ingress device {Pick(new[] { "eth1", "eth1", "oecx0" })} priority {Pick(new[] { "0", "-20", "10" })}; policy accept;");
            for (var i = _random.Next(1, 3); i > 0; i--)
            {
                var source = Pick(new[] { string.Empty, string.Empty, "ip saddr 198.18.10.0/24 ", "ip6 saddr 2001:2:0:20::9 ", "ip saddr != 198.18.0.0/17 " });
                // (No conntrack match: the kernel refuses one at the ingress hook.)
                var state = Pick(new[] { string.Empty, string.Empty, "meta l4proto tcp ", "meta pkttype host " });
                sb.AppendLine(CultureInfo.InvariantCulture, $"    {source}{state}tcp dport {Pick(new[] { Pick(Ports).ToString(CultureInfo.InvariantCulture), "{ 80, 443 }", "5000-9000" })} {Pick(new[] { "drop", "drop", "accept" })}");
            }

            sb.AppendLine("  }\n}");
        }

        if (Chance(0.15))
        {
            // The bridge family: no bridge is in the test server's path, so the kernel does not run it.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table bridge t8 {{\n  chain in {{\n    type filter hook {Pick(new[] { "input", "prerouting" })} priority 0; policy accept;\n    tcp dport {Pick(Ports)} drop\n  }}\n}}");
        }

        return sb.ToString();
    }

    private string NftRule(string verdict, bool v4Only = false)
    {
        var parts = new List<string>();
        var count = _random.Next(0, 4);
        var protocolDone = false;
        // One address family per rule: nft refuses ip and ip6 matches together.
        var family = v4Only ? "ip" : Pick(new[] { "ip", "ip6", "ip" });
        bool Fits(string match) => !(family == "ip" ? match.StartsWith("ip6 ", StringComparison.Ordinal) || match.StartsWith("icmpv6", StringComparison.Ordinal)
            : match.StartsWith("ip ", StringComparison.Ordinal) || match.StartsWith("icmp ", StringComparison.Ordinal) || match.Contains("nfproto", StringComparison.Ordinal));
        for (var i = 0; i < count; i++)
        {
            switch (_random.Next(13))
            {
                case 0 or 1 when !protocolDone:
                    protocolDone = true;
                    parts.Add(Pick(new[] { "tcp dport 80", "tcp dport { 80, 443 }", "tcp dport 5000-9000", "tcp dport != 443", "th dport 5432", "tcp dport @p", "udp dport 53", "tcp dport { 1-1024, 10022 }" }));
                    break;
                case 2 when !protocolDone:
                    protocolDone = true;
                    parts.Add(Pick(new[] { "meta l4proto tcp", "meta l4proto { icmp, ipv6-icmp }", "meta l4proto udp", "meta l4proto != udp" }));
                    break;
                case 3 or 4:
                    parts.Add(v4Only
                        ? Pick(new[] { "ip saddr 198.18.10.0/24", "ip saddr != 198.18.0.0/17", "ip saddr 198.18.77.1" })
                        : Pick(new[] { "ip saddr 198.18.10.0/24", "ip saddr @a4", "ip saddr != @a4", "ip6 saddr @a6", "ip6 saddr 2001:2:0:10::5", "ip saddr { 198.18.10.5, 198.18.130.0/24 }", "ip6 saddr != 2001:2:0:20::/64" }.Where(Fits).ToList()));
                    break;
                case 5:
                    parts.Add(Pick(new[] { "iifname \"eth1\"", "iifname { \"wg0\", \"docker0\" }", "iifname != \"eth1\"", "iif \"lo\"", "iifname \"eth*\"", "iifname \"wg0\"" }));
                    break;
                case 6:
                    parts.Add(Pick(new[] { "ct state new", "ct state established,related", "ct state invalid", "ct state != new", "ct state { new, established }" }));
                    break;
                case 7 when !protocolDone:
                    protocolDone = true;
                    parts.Add(Pick(new[] { "icmpv6 type echo-request", "icmp type echo-request" }.Where(Fits).ToList()));
                    break;
                case 8:
                    parts.Add(Pick(new[] { "fib daddr type local", "fib daddr type multicast", "fib daddr type { local, broadcast }" }));
                    break;
                case 9 when !protocolDone:
                    protocolDone = true;
                    parts.Add(Pick(new[] { "tcp flags syn", "tcp flags & (syn|ack) == syn", "tcp flags & (syn|ack) == ack" }));
                    break;
                case 10:
                    parts.Add(v4Only ? "ip daddr 198.18.199.1" : Pick(new[] { "ip daddr 198.18.199.1", "ip daddr 198.18.55.0/24", "ip6 daddr 2001:2:0:ff::1" }.Where(Fits).ToList()));
                    break;
                case 11:
                    parts.Add("counter");
                    break;
                default:
                    parts.Add(v4Only ? "counter" : family == "ip" ? "meta nfproto ipv4" : "meta nfproto ipv6");
                    break;
            }
        }

        if (verdict == "vmap")
        {
            parts.Add(Pick(new[]
            {
                "tcp dport vmap { 80 : accept, 443 : drop, 5432 : jump u1 }",
                "iifname vmap { \"eth1\" : jump u1, \"wg0\" : accept }",
                "ip saddr vmap { 198.18.10.0/24 : drop, 198.18.128.0/17 : accept }",
            }.Where(Fits).ToList()));
        }
        else
        {
            parts.Add(verdict);
        }

        return string.Join(' ', parts);
    }

    /// <summary>ufw commands (after a reset), ending with enable.</summary>
    public IReadOnlyList<string> Ufw()
    {
        var commands = new List<string> { $"ufw default {(Chance(0.7) ? "deny" : "allow")} incoming" };
        for (var i = _random.Next(2, 7); i > 0; i--)
        {
            var action = Pick(new[] { "allow", "deny", "reject", "allow" });
            var port = Pick(Ports).ToString(CultureInfo.InvariantCulture);
            commands.Add(_random.Next(6) switch
            {
                0 => $"ufw {action} {port}/tcp",
                1 => $"ufw {action} from {Pick(Cidrs4.Where(c => c != "0.0.0.0/0").ToList())} to any port {port} proto tcp",
                2 => $"ufw {action} from {Pick(Cidrs6.Where(c => c != "::/0").ToList())} to any port {port} proto tcp",
                3 => $"ufw {action} in on {Pick(new[] { "eth1", "wg0", "eth0" })} to any port {port} proto tcp",
                4 => $"ufw {action} from {Pick(new[] { "198.18.10.77", "2001:2:0:20::9" })}",
                _ => $"ufw {action} {Pick(new[] { "5000:9000", "80,443" })}/tcp",
            });
        }

        commands.Add("ufw --force enable");
        return commands;
    }

    /// <summary>firewall-cmd --permanent commands (the zones reset first), then a reload.</summary>
    public IReadOnlyList<string> Firewalld()
    {
        var commands = new List<string>();
        if (Chance(0.3))
        {
            commands.Add("--zone=public --remove-service=ssh");
        }

        var bound = new HashSet<string>(StringComparer.Ordinal);
        for (var i = _random.Next(2, 6); i > 0; i--)
        {
            var port = Pick(Ports).ToString(CultureInfo.InvariantCulture);
            var command = _random.Next(8) switch
            {
                0 => $"--zone=public --add-port={port}/tcp",
                1 => $"--zone=public --add-service={Pick(new[] { "http", "https", "postgresql" })}",
                2 => $"--zone=public --add-rich-rule='rule family=\"ipv4\" source address=\"{Pick(new[] { "198.18.10.0/24", "198.18.130.9", "198.18.0.0/17" })}\" port port=\"{port}\" protocol=\"tcp\" {Pick(new[] { "accept", "drop", "reject" })}'",
                3 => $"--zone=public --add-rich-rule='rule family=\"ipv6\" source address=\"{Pick(new[] { "2001:2:0:10::/64", "2001:2:0:20::9" })}\" port port=\"{port}\" protocol=\"tcp\" {Pick(new[] { "accept", "drop", "reject" })}'",
                4 => $"--zone={Pick(new[] { "trusted", "drop", "block" })} --add-source={Pick(new[] { "198.18.130.9", "198.18.10.0/24", "2001:2:0:20::9" })}",
                5 => $"--zone={Pick(new[] { "trusted", "internal", "drop" })} --add-interface={Pick(new[] { "eth1", "wg0" })}",
                6 => $"--zone=public --add-rich-rule='rule family=\"ipv4\" source address=\"{Pick(new[] { "198.18.10.77", "198.18.77.1" })}\" drop'",
                7 when Chance(0.5) => $"--zone=public --add-forward-port=port={port}:proto=tcp:toport={Pick(Ports)}",
                _ => $"--zone=public --add-port={Pick(new[] { "5000-9000", "1-1024" })}/tcp",
            };

            // An interface or a source belongs to one zone only (firewalld refuses a second: ZONE_CONFLICT).
            var binding = command.Contains("--add-interface=", StringComparison.Ordinal) || command.Contains("--add-source=", StringComparison.Ordinal)
                ? command[(command.IndexOf("--add-", StringComparison.Ordinal) + 6)..].Split('=')[1]
                : null;
            if (binding is null || bound.Add(binding))
            {
                commands.Add(command);
            }
        }

        return commands;
    }
}
