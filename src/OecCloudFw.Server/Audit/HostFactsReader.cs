using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Audit;

/// <summary>Derives the audit's host facts from the probe: listeners, sshd, fail2ban jails, CSF, Docker's published ports (pure).</summary>
public static class HostFactsReader
{
    public static HostFacts Read(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var nat = facts.IptablesSave4 is { } save ? IptablesSaveParser.ParseTable(save, "nat", "PREROUTING") : null;
        var dockerUser = facts.IptablesSave4 is { } filter ? IptablesSaveParser.ParseTable(filter, "filter", "DOCKER-USER") : null;
        return new HostFacts
        {
            SshPorts = facts.SshPorts,
            ListeningPublic = facts.Listening.Where(l => l.IsPublic).Select(l => l.Port).ToHashSet(),
            PasswordAuthentication = facts.Sshd.PasswordAuthentication,
            PermitRootLogin = facts.Sshd.PermitRootLogin,
            Fail2BanPorts = facts.Fail2Ban is null ? null : Fail2BanPorts(facts.Fail2Ban),
            Fail2BanFilterMisses = facts.Fail2BanFilter is { Misses: true } f2b ? f2b.Describe() : null,
            CsfActive = facts.Csf is { Active: true },
            DockerHost = facts.Commands.Contains("docker") || (nat?.Chains.ContainsKey("DOCKER") ?? false) || facts.DockerFirewall.TablesPresent,
            DockerNftables = facts.DockerFirewall.Nftables,
            DockerPublished = DockerPublished(nat, dockerUser, facts.Network, DockerUserFirst(facts.IptablesSave4))
                .Select(d => (d.Port, d.ExposedByForwardPath, ServerLayerEvaluator.EvaluateInputOnly(facts, Protocol.Tcp, d.Port, Cidr.AnyIPv4).Admitted, d.Evidence))
                .Concat(DockerNftPublished(facts)).ToList(),
        };
    }

    /// <summary>
    /// The ports Docker 29's nftables backend publishes (its docker-bridges DNAT rules): whether the internet gets through
    /// (nat, then the forward path: iptables FORWARD, the nft forward chains, Docker's filter-FORWARD), and whether INPUT
    /// alone would have admitted it. IPv4, as for the iptables backend.
    /// </summary>
    private static IEnumerable<(int, bool, bool, string)> DockerNftPublished(ServerFacts facts) =>
        facts.DockerFirewall.Published.Where(p => p.Family == IpFamily.IPv4).GroupBy(p => p.Port).Select(g =>
        {
            var forward = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, g.Key, Cidr.AnyIPv4);
            return (g.Key, forward.Decision == Core.Rules.Decision.Admitted, ServerLayerEvaluator.EvaluateInputOnly(facts, Protocol.Tcp, g.Key, Cidr.AnyIPv4).Admitted,
                $"Docker's nftables backend: {forward.Evidence}");
        });

    /// <summary>Ports covered by enabled jails in fail2ban's status and jail files ("ssh" is 22; a jail without a port is sshd's default).</summary>
    public static IReadOnlyList<int> Fail2BanPorts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var running = text.Split('\n').FirstOrDefault(l => l.Contains("Jail list:", StringComparison.Ordinal))?.Split(':', 2)[1]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal) ?? [];
        var ports = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        string? jail = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                jail = line[1..^1];
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (jail is null || eq < 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (key == "enabled" && value is "true" or "yes" or "1")
            {
                enabled.Add(jail);
            }
            else if (key == "port")
            {
                ports[jail] = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p is "ssh" ? 22 : int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
                    .Where(n => n > 0).ToList();
            }
        }

        // A jail protects only while fail2ban-server runs: when `fail2ban-client status` has no jail list (the server is
        // stopped), the jails in its files ban nobody.
        if (!text.Contains("Jail list:", StringComparison.Ordinal))
        {
            return [];
        }

        return running
            .SelectMany(j => ports.TryGetValue(j, out var p) ? p : j.Contains("ssh", StringComparison.Ordinal) ? [22] : [])
            .Distinct().Order().ToList();
    }

    /// <summary>Docker's published ports: DNAT rules in nat's DOCKER chain, and whether DOCKER-USER lets the internet through.</summary>
    /// <param name="nat">nat's PREROUTING path (Docker's DOCKER chain).</param>
    /// <param name="dockerUser">filter's DOCKER-USER path.</param>
    /// <param name="network">The server's addresses and routes: which interface an internet packet arrives on (rules match -i).</param>
    /// <param name="order">Whether FORWARD reaches DOCKER-USER before anything that accepts a new forwarded packet (<see cref="DockerUserFirst"/>).</param>
    public static IReadOnlyList<(int Port, bool ExposedByForwardPath, string Evidence)> DockerPublished(ChainRuleSet? nat, ChainRuleSet? dockerUser, ServerNetwork? network = null, (bool First, string Evidence)? order = null)
    {
        if (nat is null || !nat.Chains.TryGetValue("DOCKER", out var docker))
        {
            return [];
        }

        var result = new List<(int, bool, string)>();
        foreach (var rule in docker.Rules.Where(r => r.Text.Contains("-j DNAT", StringComparison.Ordinal)))
        {
            var ports = rule.Matches.OfType<AllOf>().SelectMany(a => a.Parts).Concat(rule.Matches).OfType<PortMatch>()
                .Where(m => m.Field == PortField.Destination && !m.Negated).SelectMany(m => m.Ranges);
            foreach (var port in ports.Where(p => p.IsSingle).Select(p => p.From))
            {
                // Forwarded packets never see INPUT; only DOCKER-USER (then Docker's own accept) decides.
                // DOCKER-USER is a user chain: falling off its end returns to Docker's accept, as "policy ACCEPT" here.
                // Only when FORWARD jumps to it before Docker's accept (a firewalld reload can leave the jump last).
                var verdict = order is { First: false } late
                    ? new ChainVerdict(true, late.Evidence)
                    : dockerUser is { BaseChains.Count: > 0 }
                        ? dockerUser.Evaluate((network ?? ServerNetwork.Empty).Context(Protocol.Tcp, port, Cidr.AnyIPv4), AddressSet.Of(Cidr.AnyIPv4))
                        : new ChainVerdict(true, "no DOCKER-USER chain");
                result.Add((port, verdict.Admitted, $"nat: {rule.Text}; DOCKER-USER: {verdict.Evidence}"));
            }
        }

        return result;
    }

    /// <summary>
    /// Whether filter's FORWARD reaches its jump to DOCKER-USER before a rule that would accept a new forwarded packet
    /// (a jump to Docker's DOCKER chain, or an ACCEPT not limited to established connections). Docker puts the jump
    /// first; a firewalld reload can leave it after Docker's accept, where DOCKER-USER filters nothing.
    /// </summary>
    public static (bool First, string Evidence) DockerUserFirst(string? iptablesSave)
    {
        foreach (var line in IptablesSaveParser.TableLines(iptablesSave, "filter").Where(l => l.StartsWith("-A FORWARD ", StringComparison.Ordinal)))
        {
            if (line.EndsWith(" -j DOCKER-USER", StringComparison.Ordinal))
            {
                return (true, "FORWARD jumps to DOCKER-USER first");
            }

            var established = line.Contains("--ctstate RELATED,ESTABLISHED", StringComparison.Ordinal) || line.Contains("--state RELATED,ESTABLISHED", StringComparison.Ordinal);
            if (line.EndsWith(" -j DOCKER", StringComparison.Ordinal) || (line.EndsWith(" -j ACCEPT", StringComparison.Ordinal) && !established))
            {
                return (false, $"FORWARD reaches \"{line}\" before its jump to DOCKER-USER: DOCKER-USER does not filter the published ports");
            }
        }

        return (true, "no FORWARD rule accepts before DOCKER-USER");
    }
}
