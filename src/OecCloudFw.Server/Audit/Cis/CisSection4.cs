using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Audit.Benchmarks;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>
/// CIS Ubuntu 24.04 LTS section 4 on one server (pure, from its facts): which utility filters (4.1.1), then the
/// section of that utility, ufw (4.2), nftables (4.3) or iptables (4.4). Loopback, outbound and established, default
/// deny and the listening ports are decided by the one engine on packets (<see cref="CisPackets"/>), not by reading
/// rule text; a failed check is also a finding carrying its id.
/// </summary>
public static class CisSection4
{
    public static (BenchmarkReport Report, IReadOnlyList<Finding> Findings) Check(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var utilities = FirewallUtilities.Read(facts);
        var packets = new CisPackets(facts);
        var ssh = facts.SshPorts.DefaultIfEmpty(22).First().ToString(CultureInfo.InvariantCulture);
        var checks = new List<BenchmarkCheck>();
        var findings = new List<Finding>();

        void Add(string id, BenchmarkStatus status, string evidence, string findingId = "", string message = "", IReadOnlyList<string>? fixes = null, Severity severity = Severity.Warning)
        {
            var check = new BenchmarkCheck(id, CisUbuntu2404.TitleOf(id), status, evidence);
            checks.Add(check);
            if (status == BenchmarkStatus.Fail)
            {
                findings.Add(CisUbuntu2404.Failed(check, findingId, severity, message, fixes ?? []));
            }
        }

        // 4.1.1: one utility, and one ruleset.
        var used = string.Join(", ", utilities.InUse.Select(u => $"{u.Name}: {u.Evidence}"));
        if (utilities.SplitBrain is { } split)
        {
            Add("4.1.1", BenchmarkStatus.Fail, $"{split}; in use: {(used.Length > 0 ? used : "none")}", FindingIds.IptablesSplitBrain,
                "iptables-legacy rules filter next to nf_tables ones: the kernel runs both, and each tool (ufw, nft, iptables-nft) lists only its own",
                ["iptables-legacy-save (the rules nf_tables' tools do not show); move what is needed to the utility in use, then: iptables-legacy -F && iptables-legacy -X && ip6tables-legacy -F && ip6tables-legacy -X"]);
        }
        else if (utilities.InUse.Count == 1)
        {
            Add("4.1.1", BenchmarkStatus.Pass, used + (utilities.Uses("firewalld") ? " (the benchmark's sections cover ufw, nftables and iptables, not firewalld)" : string.Empty));
        }
        else
        {
            Add("4.1.1", BenchmarkStatus.Fail, utilities.InUse.Count == 0 ? "no ufw, firewalld, nftables or iptables rule filters" : used, FindingIds.FirewallUtilities,
                utilities.InUse.Count == 0 ? "no firewall utility filters on this server" : $"{utilities.InUse.Count} firewall utilities filter at once ({string.Join(", ", utilities.InUse.Select(u => u.Name))}): use one",
                ["oec-cloudfw server configure (one utility, with the policy's ports)"]);
        }

        var none = utilities.InUse.Count == 0 ? "no firewall utility is in use (4.1.1)" : $"in use: {string.Join(", ", utilities.InUse.Select(u => u.Name))}";

        // 4.2: ufw.
        if (utilities.Uses("ufw"))
        {
            Add("4.2.2", facts.BootRulePackages is null ? BenchmarkStatus.Undecided : facts.BootRulePackages.Contains("iptables-persistent") ? BenchmarkStatus.Fail : BenchmarkStatus.Pass,
                facts.BootRulePackages is null ? "dpkg-query is not available: the installed packages were not read"
                    : facts.BootRulePackages.Count == 0 ? "dpkg: iptables-persistent and netfilter-persistent not installed"
                    : $"dpkg: {string.Join(", ", facts.BootRulePackages.Order(StringComparer.Ordinal))} installed",
                FindingIds.PersistentWithUfw, "iptables-persistent is installed next to ufw: both load rules at boot, and the last one wins",
                ["apt-get purge -y iptables-persistent"]);
            Packets("4.2.4", [IpFamily.IPv4, IpFamily.IPv6], packets.Loopback, FindingIds.Loopback, "loopback traffic is not configured in ufw",
                ["ufw allow in on lo", "ufw allow out on lo", "ufw deny in from 127.0.0.0/8", "ufw deny in from ::1"]);
            Packets("4.2.5", [IpFamily.IPv4, IpFamily.IPv6], packets.OutboundAndEstablished, FindingIds.OutboundEstablished, "ufw refuses outbound connections the server needs",
                ["ufw allow out 443/tcp", "ufw allow out 80/tcp", "ufw allow out 53"]);
            OpenPorts("4.2.6", [IpFamily.IPv4, IpFamily.IPv6], port => $"ufw allow {port}/tcp (or ufw deny {port}/tcp)");
            DefaultDeny("4.2.7", [IpFamily.IPv4, IpFamily.IPv6], outputByPacket: true,
                [$"ufw allow {ssh}/tcp", "ufw allow out 443/tcp", "ufw allow out 80/tcp", "ufw allow out 53", "ufw default deny incoming", "ufw default deny outgoing", "ufw default deny routed"]);
        }
        else
        {
            foreach (var id in new[] { "4.2.2", "4.2.4", "4.2.5", "4.2.6", "4.2.7" })
            {
                Add(id, BenchmarkStatus.NotApplicable, $"ufw is not the firewall in use ({none})");
            }
        }

        // 4.3: nftables.
        if (utilities.Uses("nftables"))
        {
            Packets("4.3.6", [IpFamily.IPv4, IpFamily.IPv6], packets.Loopback, FindingIds.Loopback, "loopback traffic is not configured in nftables",
                ["nft insert rule inet filter input iif lo accept", "nft add rule inet filter input ip saddr 127.0.0.0/8 counter drop", "nft add rule inet filter input ip6 saddr ::1 counter drop",
                 "(in the table and input chain that decide; the drops before any accept)"]);
            Packets("4.3.7", [IpFamily.IPv4, IpFamily.IPv6], packets.OutboundAndEstablished, FindingIds.OutboundEstablished, "nftables refuses outbound or established connections",
                ["nft insert rule inet filter input ct state established,related accept", "nft insert rule inet filter output ct state established,related,new accept"]);
            DefaultDeny("4.3.8", [IpFamily.IPv4, IpFamily.IPv6], outputByPacket: false,
                [$"nft insert rule inet filter input tcp dport {ssh} accept", "nft insert rule inet filter input ct state established,related accept",
                 "nft insert rule inet filter output ct state established,related,new accept",
                 "nft chain inet filter input '{ policy drop; }'", "nft chain inet filter forward '{ policy drop; }'", "nft chain inet filter output '{ policy drop; }'"]);
            Permanent();
        }
        else
        {
            foreach (var id in new[] { "4.3.6", "4.3.7", "4.3.8", "4.3.10" })
            {
                Add(id, BenchmarkStatus.NotApplicable, $"nftables is not the firewall in use ({none})");
            }
        }

        // 4.4: iptables, IPv4 (4.4.2) and IPv6 (4.4.3).
        foreach (var (family, prefix, tool) in new[] { (IpFamily.IPv4, "4.4.2", "iptables"), (IpFamily.IPv6, "4.4.3", "ip6tables") })
        {
            if (!utilities.Uses("iptables"))
            {
                foreach (var n in new[] { 1, 2, 3, 4 })
                {
                    Add($"{prefix}.{n}", BenchmarkStatus.NotApplicable, $"iptables is not the firewall in use ({none})");
                }

                continue;
            }

            var (loopback, any) = family == IpFamily.IPv4 ? ("127.0.0.0/8", "0.0.0.0/0") : ("::1", "::/0");
            DefaultDeny($"{prefix}.1", [family], outputByPacket: false,
                [$"{tool} -I INPUT -p tcp --dport {ssh} -j ACCEPT", $"{tool} -I INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT", $"{tool} -I OUTPUT -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT",
                 $"{tool} -P INPUT DROP", $"{tool} -P OUTPUT DROP", $"{tool} -P FORWARD DROP"]);
            Packets($"{prefix}.2", [family], packets.Loopback, FindingIds.Loopback, $"loopback traffic is not configured in {tool}",
                [$"{tool} -I INPUT 1 -i lo -j ACCEPT", $"{tool} -I OUTPUT 1 -o lo -j ACCEPT", $"{tool} -I INPUT 2 -s {loopback} -j DROP"]);
            Packets($"{prefix}.3", [family], packets.OutboundAndEstablished, FindingIds.OutboundEstablished, $"{tool} refuses outbound or established connections",
                [$"{tool} -I OUTPUT -p tcp -m state --state NEW,ESTABLISHED -d {any} -j ACCEPT", $"{tool} -I INPUT -p tcp -m state --state ESTABLISHED -j ACCEPT"]);
            OpenPorts($"{prefix}.4", [family], port => $"{tool} -A INPUT -p tcp --dport {port} -m state --state NEW -j ACCEPT (or -j DROP)");
        }

        var order = CisUbuntu2404.Checks.Select(c => c.Id).ToList();
        return (new BenchmarkReport(CisUbuntu2404.Name, CisUbuntu2404.Title, checks.OrderBy(c => order.IndexOf(c.Id)).ToList()), findings);

        void Packets(string id, IpFamily[] families, Func<IpFamily, IEnumerable<PacketCheck>> ask, string findingId, string message, IReadOnlyList<string> fixes)
        {
            var results = families.SelectMany(ask).ToList();
            var (status, evidence) = Outcome(results);
            Add(id, status, evidence, findingId, message, fixes);
        }

        // ufw's default deny covers outgoing (ufw default deny outgoing, then allow out what is needed): a new
        // connection out to a port no rule names is refused. nftables' and iptables' is the output chain's policy, as
        // the benchmark reads it (its own 4.3.7 and 4.4.2.3 admit every new outbound connection by a rule).
        void DefaultDeny(string id, IpFamily[] families, bool outputByPacket, IReadOnlyList<string> fixes)
        {
            var results = families.SelectMany(f => packets.DefaultDeny(f).Where(p => outputByPacket || p.Incoming)).ToList();
            var (status, evidence) = Outcome(results);
            var forward = families.Select(f => Policy(f, "forward")).Concat(outputByPacket ? [] : families.Select(f => Policy(f, "output"))).ToList();
            if (forward.Any(f => f.Refused == false))
            {
                status = BenchmarkStatus.Fail;
            }
            else if (forward.Any(f => f.Refused is null) && status == BenchmarkStatus.Pass)
            {
                status = BenchmarkStatus.Undecided;
            }

            Add(id, status, $"{evidence}; {string.Join("; ", forward.Select(f => f.Evidence))}", FindingIds.DefaultDeny,
                "a packet to a port no rule names is admitted: the default is not deny", fixes);
        }

        void OpenPorts(string id, IpFamily[] families, Func<int, string> fix)
        {
            var missing = new List<string>();
            var missingPorts = new List<int>();
            var undecided = new List<string>();
            var covered = new List<string>();
            foreach (var family in families)
            {
                var baseline = packets.FromInternet(family, packets.UnlistedPort);
                foreach (var port in facts.Listening.Where(l => l.IsPublic && Listens(l.Address, family)).Select(l => l.Port).Distinct().Order())
                {
                    var verdict = packets.FromInternet(family, port);
                    var what = $"{CisPackets.Name(family)} TCP {port.ToString(CultureInfo.InvariantCulture)}";
                    if (verdict.Indeterminate || baseline.Indeterminate)
                    {
                        undecided.Add($"{what}: cannot be decided ({(verdict.Indeterminate ? verdict.Evidence : baseline.Evidence)})");
                    }
                    else if (verdict.Decision == baseline.Decision && verdict.Evidence == baseline.Evidence)
                    {
                        missingPorts.Add(port);
                        missing.Add($"{what}: {(verdict.Admitted ? "admitted" : "refused")} by the default, as port {packets.UnlistedPort.ToString(CultureInfo.InvariantCulture)} that no rule names ({verdict.Evidence})");
                    }
                    else
                    {
                        covered.Add($"{what}: {(verdict.Admitted ? "admitted" : "refused")} by {verdict.Evidence}");
                    }
                }
            }

            var status = missing.Count > 0 ? BenchmarkStatus.Fail : undecided.Count > 0 ? BenchmarkStatus.Undecided : BenchmarkStatus.Pass;
            var evidence = missing.Count + undecided.Count + covered.Count == 0 ? "ss -Htln: nothing listens on a non-loopback address"
                : string.Join("; ", missing.Concat(undecided).Concat(status == BenchmarkStatus.Pass ? covered : []));
            Add(id, status, evidence, FindingIds.ListenerWithoutRule, "a port something listens on has no firewall rule of its own: the default decides it",
                missingPorts.Distinct().Order().Select(fix).ToList());
        }

        void Permanent()
        {
            var running = NftTables.Parse(facts.NftRuleset).Native(facts.IptablesVariant == "nf_tables").Where(t => t.Filters).ToList();
            if (facts.NftablesEnabledBy is null)
            {
                Add("4.3.10", BenchmarkStatus.Fail, "/etc/nftables.conf does not exist: nothing loads the rules at boot", FindingIds.NftablesNotPermanent,
                    "the nftables rules in force are lost at reboot", [NftSave]);
                return;
            }

            var problems = new List<string>();
            if (facts.NftablesEnabledBy.Count == 0)
            {
                problems.Add("nftables.service is not enabled (no unit links to it)");
            }

            switch (facts.NftablesBoot)
            {
                case null:
                    Add("4.3.10", problems.Count > 0 ? BenchmarkStatus.Fail : BenchmarkStatus.Undecided,
                        string.Join("; ", problems.Append("/etc/nftables.conf could not be loaded to compare (no unshare on the server)")), FindingIds.NftablesNotPermanent,
                        "the nftables rules in force are not the ones loaded at boot", [NftSave]);
                    return;
                case { Ruleset: null } failed:
                    problems.Add($"loading /etc/nftables.conf fails: {failed.Error?.Trim()}");
                    break;
                case { Ruleset: { } boot }:
                    var atBoot = NftTables.Parse(boot).Tables.ToDictionary(t => t.Key, StringComparer.Ordinal);
                    foreach (var table in running)
                    {
                        if (!atBoot.TryGetValue(table.Key, out var loaded))
                        {
                            problems.Add($"table {table.Key} is not in /etc/nftables.conf");
                            continue;
                        }

                        foreach (var chain in table.Chains)
                        {
                            var other = loaded.Chains.FirstOrDefault(c => c.Name == chain.Name);
                            if (other is null)
                            {
                                problems.Add($"chain {table.Key} {chain.Name} is not in /etc/nftables.conf");
                            }
                            else if (other.Describe() != chain.Describe())
                            {
                                problems.Add($"chain {table.Key} {chain.Describe()} is {other.Describe()} at boot");
                            }
                            else if (!other.Rules.SequenceEqual(chain.Rules, StringComparer.Ordinal))
                            {
                                problems.Add($"chain {table.Key} {chain.Name} has {chain.Rules.Count.ToString(CultureInfo.InvariantCulture)} rules now, other rules at boot ({other.Rules.Count.ToString(CultureInfo.InvariantCulture)})");
                            }
                        }
                    }

                    break;
            }

            Add("4.3.10", problems.Count > 0 ? BenchmarkStatus.Fail : BenchmarkStatus.Pass,
                problems.Count > 0 ? string.Join("; ", problems)
                    : $"nftables.service is enabled ({string.Join(", ", facts.NftablesEnabledBy)}); /etc/nftables.conf, loaded in a scratch namespace, gives the tables in force ({string.Join(", ", running.Select(t => t.Key))}) rule for rule",
                FindingIds.NftablesNotPermanent, "the nftables rules in force are not the ones loaded at boot", [NftSave]);
        }

        // A hook's default: its base chains' policies (a packet must pass every one), as the benchmark reads them; a
        // forward default also holds when the kernel does not forward the family at all.
        (bool? Refused, string Evidence) Policy(IpFamily family, string hook)
        {
            var name = CisPackets.Name(family);
            if (hook == "forward" && (family == IpFamily.IPv4 ? facts.Forwarding.V4 : facts.Forwarding.V6) == false)
            {
                return (true, $"forward: the kernel does not forward {name}");
            }

            var chainName = hook.ToUpperInvariant();
            var policies = new List<(string Where, bool Drop)>();
            var save = family == IpFamily.IPv4 ? facts.IptablesSave4 : facts.IptablesSave6;
            if (IptablesSaveParser.TableLines(save, "filter").FirstOrDefault(l => l.StartsWith($":{chainName} ", StringComparison.Ordinal)) is { } line)
            {
                policies.Add(($"{(family == IpFamily.IPv4 ? "iptables" : "ip6tables")} {chainName} policy {line.Split(' ')[1]}", line.Split(' ')[1] is "DROP"));
            }

            var legacy = hook == "forward" ? (family == IpFamily.IPv4 ? facts.IptablesLegacy4 : facts.IptablesLegacy6)
                : family == IpFamily.IPv4 ? facts.Output.Value.IptablesLegacy4 : facts.Output.Value.IptablesLegacy6;
            if (legacy?.Chains.TryGetValue(chainName, out var legacyChain) == true)
            {
                policies.Add(($"iptables-legacy {chainName} policy {legacyChain.Policy}", legacyChain.Policy == Core.Rules.Chains.ChainTarget.Drop));
            }

            var familyName = family == IpFamily.IPv4 ? "ip" : "ip6";
            foreach (var table in NftTables.Parse(facts.NftRuleset).Native(facts.IptablesVariant == "nf_tables").Where(t => t.Family is "inet" || t.Family == familyName))
            {
                foreach (var chain in table.Chains.Where(c => c.Hook == hook))
                {
                    policies.Add(($"nft {table.Key} {chain.Name} (hook {hook}) policy {chain.Policy}", chain.Policy == "drop"));
                }
            }

            return policies.Count == 0
                ? (false, $"{hook}: no {hook} chain filters {name}{(hook == "forward" ? " and the kernel forwards it (or that was not read)" : string.Empty)}")
                : (policies.Any(p => p.Drop), $"{hook} of {name}: {string.Join(", ", policies.Select(p => p.Where))}");
        }
    }

    private const string NftSave = "{ echo 'flush ruleset'; nft list ruleset; } > /etc/nftables.conf.new && mv /etc/nftables.conf.new /etc/nftables.conf && systemctl enable nftables (review it: iptables-nft's and Docker's tables belong to them)";

    /// <summary>Whether a listening address takes connections of the family ("*" and "[::]" take both, unless the socket is IPv6-only).</summary>
    private static bool Listens(string address, IpFamily family) => address switch
    {
        "*" or "[::]" or "::" => true,
        _ when address.Contains(':', StringComparison.Ordinal) => family == IpFamily.IPv6,
        _ => family == IpFamily.IPv4,
    };

    private static (BenchmarkStatus Status, string Evidence) Outcome(IReadOnlyList<PacketCheck> results)
    {
        var missed = results.Where(r => r.Missed).ToList();
        var undecided = results.Where(r => r.Verdict.Indeterminate).ToList();
        var status = missed.Count > 0 ? BenchmarkStatus.Fail : undecided.Count > 0 ? BenchmarkStatus.Undecided : BenchmarkStatus.Pass;
        var shown = status == BenchmarkStatus.Pass ? results : missed.Concat(undecided).ToList();
        return (status, string.Join("; ", shown.Select(r => $"{r.Describe()}{(r.Missed ? $", should be {(r.Wanted == Decision.Admitted ? "admitted" : "refused")}" : string.Empty)}")));
    }
}
