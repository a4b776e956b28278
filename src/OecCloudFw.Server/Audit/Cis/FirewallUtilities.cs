using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Audit.Cis;

/// <summary>
/// Which firewall configuration utilities filter on the server (ufw, firewalld, nftables, iptables), and whether
/// iptables-legacy holds rules next to nf_tables ones: two rulesets both filtering, each tool reading only its own.
/// </summary>
internal sealed record FirewallUtilities(IReadOnlyList<(string Name, string Evidence)> InUse, string? SplitBrain)
{
    public bool Uses(string name) => InUse.Any(u => u.Name == name);

    public static FirewallUtilities Read(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var inUse = new List<(string, string)>();
        if (facts.UfwActive)
        {
            inUse.Add(("ufw", "ufw is enabled and its chains are loaded"));
        }

        if (facts.FirewalldRunning)
        {
            inUse.Add(("firewalld", "firewalld is running"));
        }

        var native = NftTables.Parse(facts.NftRuleset).Native(facts.IptablesVariant == "nf_tables").Where(t => t.Filters).ToList();
        if (native.Count > 0 && !facts.FirewalldRunning)
        {
            inUse.Add(("nftables", $"nftables tables {string.Join(", ", native.Select(t => t.Key))} hold rules"));
        }

        var iptables = IptablesRules(facts.IptablesSave4) + IptablesRules(facts.IptablesSave6);
        var legacy = Count(facts.IptablesLegacy4) + Count(facts.IptablesLegacy6);
        if (!facts.UfwActive && !facts.FirewalldRunning && iptables + legacy > 0)
        {
            inUse.Add(("iptables", $"iptables ({facts.IptablesVariant ?? "legacy"}) holds {iptables + legacy} filter rules or DROP policies"));
        }

        // The kernel runs legacy's tables and nf_tables' both: rules in one set that a tool (ufw, nft) does not list.
        string? split = null;
        var nfTables = (facts.IptablesVariant == "nf_tables" ? iptables : 0) + native.Count;
        if (legacy > 0 && nfTables > 0)
        {
            split = $"iptables-legacy holds {legacy} rules or DROP policies next to nf_tables' ({(facts.IptablesVariant == "nf_tables" && iptables > 0 ? $"iptables-nft: {iptables}" : string.Empty)}{(native.Count > 0 ? $"{(facts.IptablesVariant == "nf_tables" && iptables > 0 ? "; " : string.Empty)}nftables tables {string.Join(", ", native.Select(t => t.Key))}" : string.Empty)})";
        }
        else if (facts.IptablesVariant == "legacy" && iptables > 0 && native.Count > 0)
        {
            split = $"iptables-legacy holds {iptables} rules or DROP policies next to nftables tables {string.Join(", ", native.Select(t => t.Key))}";
        }

        return new FirewallUtilities(inUse, split);
    }

    /// <summary>Rules in the filter table (not Docker's or fail2ban's, which follow the utility in use) and DROP policies.</summary>
    private static int IptablesRules(string? save)
    {
        var count = 0;
        foreach (var line in IptablesSaveParser.TableLines(save, "filter"))
        {
            if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var target = Array.IndexOf(words, "-j") is var j and >= 0 && j + 1 < words.Length ? words[j + 1] : string.Empty;
                if (!words[1].StartsWith("DOCKER", StringComparison.Ordinal) && !target.StartsWith("DOCKER", StringComparison.Ordinal) &&
                    !words[1].StartsWith("f2b-", StringComparison.Ordinal) && !target.StartsWith("f2b-", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            else if (line.StartsWith(':') && line.Contains(" DROP ", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    private static int Count(Core.Rules.Chains.ChainRuleSet? set) =>
        set is null ? 0 : set.RuleCount + set.Chains.Values.Count(c => c.Policy == Core.Rules.Chains.ChainTarget.Drop);
}
