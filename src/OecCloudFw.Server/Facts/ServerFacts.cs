using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Server.Facts;

/// <summary>Everything the probe learned about one server, parsed into Core terms.</summary>
public sealed record ServerFacts
{
    public required OsInfo Os { get; init; }

    public required bool IsRoot { get; init; }

    public required IReadOnlySet<string> Commands { get; init; }

    public SshConnectionInfo? Connection { get; init; }

    public UfwState? Ufw { get; init; }

    /// <summary>The path of ufw-init, the script ufw.service runs at boot to load the saved rules; null when not found.</summary>
    public string? UfwInit { get; init; }

    public bool FirewalldRunning { get; init; }

    public IReadOnlyList<FirewalldZone> FirewalldZones { get; init; } = [];

    public string? FirewalldDefaultZone { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<PortRange>> FirewalldServicePorts { get; init; } = new Dictionary<string, IReadOnlyList<PortRange>>();

    /// <summary>iptables INPUT path per family (from iptables-save / ip6tables-save); null when not loaded.</summary>
    public ChainRuleSet? Iptables4 { get; init; }

    public ChainRuleSet? Iptables6 { get; init; }

    /// <summary>iptables-legacy's INPUT path per family when it has tables next to iptables-nft's; a packet passes both.</summary>
    public ChainRuleSet? IptablesLegacy4 { get; init; }

    public ChainRuleSet? IptablesLegacy6 { get; init; }

    /// <summary>"nf_tables" or "legacy".</summary>
    public string? IptablesVariant { get; init; }

    /// <summary>The IPv4 iptables-save text, for the tables other than filter INPUT (Docker's nat PREROUTING and DOCKER-USER).</summary>
    public string? IptablesSave4 { get; init; }

    /// <summary>The IPv6 ip6tables-save text (DOCKER-USER's IPv6 side).</summary>
    public string? IptablesSave6 { get; init; }

    /// <summary>/etc/ufw/after.rules and after6.rules as read (null where absent).</summary>
    public (string? V4, string? V6) UfwAfterRules { get; init; }

    /// <summary>/etc/oec-cloudfw/docker-user.sh and Docker's unit drop-in that runs it after each start, as read (null where absent).</summary>
    public (string? Script, string? DropIn) DockerUserPersisted { get; init; }

    /// <summary>
    /// True when Docker's chains are loaded (Docker runs, or ran since boot): its published ports bypass INPUT through
    /// DOCKER-USER. Docker merely installed does not count: configure runs again once it runs (the audit flags the bypass).
    /// </summary>
    public bool DockerRunning =>
        (IptablesSave4?.Contains(":DOCKER-USER ", StringComparison.Ordinal) ?? false) ||
        (IptablesSave4?.Contains(":DOCKER ", StringComparison.Ordinal) ?? false) ||
        DockerFirewall.TablesPresent;

    /// <summary>Docker's firewall backend, its nftables tables' published ports and its accept mark (Docker 29's nftables backend).</summary>
    public DockerFirewall DockerFirewall { get; init; } = DockerFirewall.None;

    /// <summary>/etc/oec-cloudfw/docker-nft.nft (the tool's table for Docker's nftables backend) as read; null where absent.</summary>
    public string? DockerNftFile { get; init; }

    /// <summary>
    /// The forward path per family (what a packet DNAT-ed to a container meets: iptables FORWARD, nft prerouting and
    /// forward chains); null when not read. Read when first asked: only a DNAT to another host needs it.
    /// </summary>
    public ForwardPath? Forward4 => LazyForward4.Value;

    public ForwardPath? Forward6 => LazyForward6.Value;

    public Lazy<ForwardPath?> LazyForward4 { get; init; } = new(() => null);

    public Lazy<ForwardPath?> LazyForward6 { get; init; } = new(() => null);

    /// <summary>
    /// What raw and nat PREROUTING do before the filter, per family (NOTRACK; REDIRECT, DNAT, firewalld's forward-ports);
    /// null when neither untracks nor translates anything.
    /// </summary>
    public Prerouting? Prerouting4 { get; init; }

    public Prerouting? Prerouting6 { get; init; }

    /// <summary>Native nftables input chains per family (iptables-nft's and firewalld's tables excluded).</summary>
    public ChainRuleSet? Nft4 { get; init; }

    public ChainRuleSet? Nft6 { get; init; }

    /// <summary>
    /// The output path per family, read for egress only when asked (the audit asks; preflight and configure never
    /// pay for parsing it).
    /// </summary>
    public Lazy<OutputPaths> Output { get; init; } = new(() => OutputPaths.None);

    public CsfState? Csf { get; init; }

    /// <summary>Interfaces, addresses and routes: which interface a source's packets arrive on.</summary>
    public ServerNetwork Network { get; init; } = ServerNetwork.Empty;

    /// <summary>True when firewalld keeps its rules in the kernel's nftables (its own table), evaluated as the kernel runs them.</summary>
    public bool FirewalldInKernelRuleset { get; init; }

    /// <summary>The policy configure or apply last applied here (/etc/oec-cloudfw/applied-policy.yaml); null when none was recorded.</summary>
    public AppliedPolicy? AppliedPolicy { get; init; }

    public required SshdSettings Sshd { get; init; }

    public IReadOnlyList<int> SocketPorts { get; init; } = [];

    public IReadOnlyList<ListeningSocket> Listening { get; init; } = [];

    public string? Fail2Ban { get; init; }

    /// <summary>
    /// What fail2ban-regex said of the sshd jail's filter on this server's own recent sshd failure lines (read by the
    /// audit, over the same shell, when a jail runs); null when not read.
    /// </summary>
    public Fail2BanFilterProof? Fail2BanFilter { get; init; }

    /// <summary>Where sshd's log can be read (for fail2ban's jail).</summary>
    public SshLogSource SshLog { get; init; } = SshLogSource.None;

    /// <summary>The firewall's rules and configuration as canonical lines (<see cref="FirewallStateLines"/>): what a saved plan's digest covers.</summary>
    public IReadOnlyList<string> FirewallState { get; init; } = [];

    public bool UfwInstalled => Commands.Contains("ufw");

    public bool FirewalldInstalled => Commands.Contains("firewall-cmd");

    public bool UfwActive => Ufw?.Active == true;

    /// <summary>Every SSH port: sshd's, ssh.socket's, and the one this connection came in on.</summary>
    public IReadOnlyList<int> SshPorts =>
        Sshd.Ports.Concat(SocketPorts).Concat(Connection is null ? [] : [Connection.ServerPort]).Distinct().Order().ToList();

    /// <summary>True when iptables' INPUT path filters anything (a DROP policy or a terminating drop) in either family.</summary>
    public bool IptablesActive => Filters(Iptables4) || Filters(Iptables6) || Filters(IptablesLegacy4) || Filters(IptablesLegacy6);

    /// <summary>True when native nftables input chains filter anything.</summary>
    public bool NftActive => Filters(Nft4) || Filters(Nft6);

    private static bool Filters(ChainRuleSet? set) =>
        set is not null && (set.BaseChains.Any(b => set.Chains[b].Policy == ChainTarget.Drop) ||
                            set.Chains.Values.Any(c => c.Rules.Any(r => r.Target is ChainTarget.Drop or ChainTarget.Reject)));
}
