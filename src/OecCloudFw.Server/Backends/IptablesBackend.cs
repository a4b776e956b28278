using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>
/// Raw iptables/ip6tables, the last resort: accept ESTABLISHED,RELATED and loopback, accept the ports, DROP policy,
/// and save so that the rules survive a reboot (/etc/iptables/rules.v4 or /etc/sysconfig/iptables).
/// </summary>
internal sealed class IptablesBackend : IFirewallBackend
{
    public string Name => "iptables";

    public IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var commands = new List<string>();
        foreach (var (tool, family, set) in new[] { ("iptables", IpFamily.IPv4, facts.Iptables4), ("ip6tables", IpFamily.IPv6, facts.Iptables6) })
        {
            if (!facts.Commands.Contains(tool))
            {
                continue;
            }

            // Inserted at the top in reverse order, so the final order is: established, loopback, ports.
            var inserts = new List<string>();
            foreach (var requirement in policy.Requirements)
            {
                var ports = requirement.Ports.IsSingle ? requirement.Ports.ToString() : $"{requirement.Ports.From}:{requirement.Ports.To}";
                // SSH restricted to management sources: their accepts, then a drop for everyone else, above any broad accept.
                var restrictedSsh = requirement.IsSsh && !requirement.FromAnywhere &&
                                    (set is null || !Filters(set) || !set.Evaluate(requirement.Protocol, requirement.Ports.From, Cidr.Internet(family)).Refused);
                var familySources = requirement.Sources.Where(s => s.Family == family).ToList();
                foreach (var source in familySources)
                {
                    if (!restrictedSsh && set is { } existing && existing.Evaluate(requirement.Protocol, requirement.Ports.From, source).Admitted && Filters(existing))
                    {
                        continue;
                    }

                    var from = source.IsInternet ? string.Empty : $" -s {ShellQuote.Quote(source.ToString())}";
                    inserts.Add($"{tool} -I INPUT 1 -p {requirement.Protocol.ToName()}{from} --dport {ports} -m comment --comment {ShellQuote.Quote(requirement.Comment)} -j ACCEPT");
                }

                if (restrictedSsh && (familySources.Count > 0 || requirement.Sources.Count > 0))
                {
                    inserts.Add($"{tool} -I INPUT 1 -p {requirement.Protocol.ToName()} --dport {ports} -m comment --comment {ShellQuote.Quote("SSH from elsewhere")} -j DROP");
                }
            }

            var needsPolicy = set is null || !Filters(set);
            if (inserts.Count == 0 && !needsPolicy)
            {
                continue;
            }

            inserts.Reverse();
            commands.AddRange(inserts);
            commands.Add($"{tool} -C INPUT -i lo -j ACCEPT 2>/dev/null || {tool} -I INPUT 1 -i lo -j ACCEPT");
            commands.Add($"{tool} -C INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT 2>/dev/null || {tool} -I INPUT 1 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT");
            commands.Add($"{tool} -P INPUT DROP");
        }

        if (commands.Count > 0)
        {
            commands.Add(SaveCommand(facts));
        }

        return commands;
    }

    /// <summary>Saves the rules where the distribution's boot loads them (netfilter-persistent; iptables-services on RHEL).</summary>
    public static string SaveCommand(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Os.IsRhelLike
            ? "mkdir -p /etc/sysconfig && iptables-save > /etc/sysconfig/iptables && ip6tables-save > /etc/sysconfig/ip6tables"
            : "mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4 && ip6tables-save > /etc/iptables/rules.v6";
    }

    private static bool Filters(Core.Rules.Chains.ChainRuleSet set) =>
        set.BaseChains.Any(b => set.Chains[b].Policy == Core.Rules.Chains.ChainTarget.Drop);
}
