using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Configure;

/// <summary>
/// The guide's automatic configuration as a plan: disable CSF/LFD, install UFW if missing, open the detected SSH
/// port(s), 80, 443 and the optional ports, enable. Falls back to firewalld on RHEL/CentOS or where UFW cannot be
/// had, and to iptables (then native nftables) as the last resort.
/// </summary>
internal static class ConfigurePlanner
{
    private static readonly Dictionary<string, IFirewallBackend> Backends = new(StringComparer.Ordinal)
    {
        ["ufw"] = new UfwBackend(),
        ["firewalld"] = new FirewalldBackend(),
        ["iptables"] = new IptablesBackend(),
        ["nftables"] = new NftablesBackend(),
    };

    public static ConfigurePlan Plan(ServerFacts facts, ServerPolicy policy, string? forced = null, DockerMode docker = DockerMode.Policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var order = Order(facts);
        var backend = forced ?? order[0];
        return PlanFor(backend, facts, policy, order.SkipWhile(b => b != backend).Skip(1).ToList(), docker);
    }

    /// <param name="backend">The frontend.</param>
    /// <param name="facts">The server as read.</param>
    /// <param name="policy">The policy as this server needs it.</param>
    /// <param name="fallbacks">Frontends to use, in order, if installing this one fails.</param>
    /// <param name="docker">Whether Docker's published ports are made to follow the policy (DOCKER-USER).</param>
    public static ConfigurePlan PlanFor(string backend, ServerFacts facts, ServerPolicy policy, IReadOnlyList<string> fallbacks, DockerMode docker = DockerMode.Policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var install = new List<string>();
        if (backend == "ufw" && !facts.UfwInstalled)
        {
            install.Add(facts.Os.PackageManager switch
            {
                "apt-get" => "DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw; }",
                "dnf" => "dnf install -y ufw",
                _ => "yum install -y ufw",
            });
        }

        var (dockerBefore, dockerAfter) = DockerUserRules.Plan(facts, policy, backend, docker);
        var commands = CsfBackend.DisableCommands(facts).Concat(dockerBefore).Concat(Backends[backend].Plan(facts, policy)).Concat(dockerAfter).ToList();
        return new ConfigurePlan(backend, install, commands, fallbacks) { Docker = docker };
    }

    /// <summary>The frontend that filters now (UFW active, firewalld running, the tool's or anyone's nftables, iptables); null when none does.</summary>
    public static string? Filtering(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.UfwActive ? "ufw"
            : facts.FirewalldRunning ? "firewalld"
            : facts.NftActive && !facts.IptablesActive ? "nftables"
            : facts.IptablesActive ? "iptables"
            : null;
    }

    /// <summary>The frontends to try, best first.</summary>
    public static IReadOnlyList<string> Order(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var order = new List<string>();
        if (facts.UfwActive)
        {
            order.Add("ufw");
        }

        if (facts.FirewalldRunning)
        {
            order.Add("firewalld");
        }

        if (!facts.Os.IsRhelLike && (facts.UfwInstalled || facts.Os.PackageManager != "none"))
        {
            order.Add("ufw");
        }

        if (facts.FirewalldInstalled)
        {
            order.Add("firewalld");
        }

        if (facts.Commands.Contains("iptables"))
        {
            order.Add("iptables");
        }

        if (facts.Commands.Contains("nft"))
        {
            order.Add("nftables");
        }

        return order.Count == 0 ? throw new Core.LayerFailureException("no firewall frontend can be used: none of ufw, firewalld, iptables or nft is installed, and no package manager was found") : order.Distinct().ToList();
    }
}
