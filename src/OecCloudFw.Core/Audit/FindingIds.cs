namespace OecCloudFw.Core.Audit;

/// <summary>The stable ids of findings. They never change meaning once released.</summary>
public static class FindingIds
{
    /// <summary>SSH admitted from 0.0.0.0/0 or ::/0: restrict it to the management sources.</summary>
    public const string SshOpenToInternet = "OECFW-SSH-INTERNET";

    /// <summary>An optional catalog port (database, pooler, monitoring, direct Odoo) admitted from the internet.</summary>
    public const string PortOpenToInternet = "OECFW-PORT-INTERNET";

    /// <summary>Every port (protocol all or port range 1-65535) admitted from the internet.</summary>
    public const string AllPortsOpenToInternet = "OECFW-ALL-INTERNET";

    /// <summary>A port the guide requires (SSH, 80, 443) is blocked by a layer; SSH is critical (management fails).</summary>
    public const string RequiredBlocked = "OECFW-REQUIRED-BLOCKED";

    /// <summary>sshd listens on a port no layer admits, while another (usually 22) is admitted.</summary>
    public const string SshPortMismatch = "OECFW-SSH-PORT-MISMATCH";

    /// <summary>A port is kept closed (or restricted) by one layer only: a single layer of defense.</summary>
    public const string SingleLayer = "OECFW-SINGLE-LAYER";

    /// <summary>The server layer admits a port on one address family and refuses it on the other.</summary>
    public const string FamilyMismatch = "OECFW-IPV4-IPV6-MISMATCH";

    /// <summary>sshd accepts passwords.</summary>
    public const string PasswordAuthentication = "OECFW-SSH-PASSWORD";

    /// <summary>sshd lets root log in with a password.</summary>
    public const string RootLogin = "OECFW-SSH-ROOT-LOGIN";

    /// <summary>No fail2ban jail covers the SSH port actually in use.</summary>
    public const string NoFail2Ban = "OECFW-NO-FAIL2BAN";

    /// <summary>CSF/LFD is active on a Docker host.</summary>
    public const string CsfOnDocker = "OECFW-CSF-DOCKER";

    /// <summary>The server has no active firewall.</summary>
    public const string NoFirewall = "OECFW-NO-FIREWALL";

    /// <summary>A Docker-published port bypasses the INPUT chain (and UFW): DNAT in nat PREROUTING, an open DOCKER-USER.</summary>
    public const string DockerBypass = "OECFW-DOCKER-BYPASS";

    /// <summary>A layer's verdict for a port is indeterminate: a rule on the packet's path has a match the tool does not model.</summary>
    public const string Indeterminate = "OECFW-INDETERMINATE";

    /// <summary>The model's verdict for the probe's own address disagrees with what the live probe saw.</summary>
    public const string ModelProbeMismatch = "OECFW-MODEL-PROBE-MISMATCH";

    /// <summary>A port is admitted but nothing listens on it: connections are refused.</summary>
    public const string NotListening = "OECFW-NOT-LISTENING";

    /// <summary>A wanted port is not admitted directly by the cloud, only from another security group's members (a load balancer, a bastion).</summary>
    public const string ThroughPeer = "OECFW-THROUGH-PEER";

    /// <summary>An outbound connection the server needs (443/80 to the internet, mail ports) is blocked by a layer.</summary>
    public const string EgressBlocked = "OECFW-EGRESS-BLOCKED";

    /// <summary>A port the cloud layer's filters would admit from the internet, but the instance has no public address (latent exposure).</summary>
    public const string LatentExposure = "OECFW-PORT-LATENT";

    /// <summary>A database or SSH port admitted from an Azure service tag: every Azure customer's addresses (other tenants).</summary>
    public const string OtherTenants = "OECFW-OTHER-TENANTS";

    /// <summary>CIS 4.1.1: no firewall utility, or more than one, configures the server's firewall.</summary>
    public const string FirewallUtilities = "OECFW-FIREWALL-UTILITIES";

    /// <summary>CIS 4.1.1: iptables-legacy rules next to nftables ones (iptables-nft or native): two rulesets filter, and the tools each read one.</summary>
    public const string IptablesSplitBrain = "OECFW-IPTABLES-SPLIT-BRAIN";

    /// <summary>CIS 4.2.2: iptables-persistent (netfilter-persistent) is installed next to ufw: both load rules at boot.</summary>
    public const string PersistentWithUfw = "OECFW-PERSISTENT-WITH-UFW";

    /// <summary>CIS 4.2.4, 4.3.6, 4.4.2.2, 4.4.3.2: loopback traffic is not admitted, or loopback's addresses are admitted from other interfaces.</summary>
    public const string Loopback = "OECFW-LOOPBACK";

    /// <summary>CIS 4.2.5, 4.3.7, 4.4.2.3, 4.4.3.3: new outbound connections or the packets of established ones are refused.</summary>
    public const string OutboundEstablished = "OECFW-OUTBOUND-ESTABLISHED";

    /// <summary>CIS 4.2.6, 4.4.2.4, 4.4.3.4: a port something listens on is decided by the default, as a port no rule names.</summary>
    public const string ListenerWithoutRule = "OECFW-LISTENER-NO-RULE";

    /// <summary>CIS 4.2.7, 4.3.8, 4.4.2.1, 4.4.3.1: a packet to a port no rule names is admitted (input, output or forward).</summary>
    public const string DefaultDeny = "OECFW-DEFAULT-DENY";

    /// <summary>CIS 4.3.10: the nftables rules loaded now are not the ones nftables.service loads at boot.</summary>
    public const string NftablesNotPermanent = "OECFW-NFT-NOT-PERMANENT";

    /// <summary>A suppression (<c>--suppressions FILE</c>) whose expiry has passed: it no longer mutes the finding it names; renew or remove it.</summary>
    public const string SuppressionExpired = "OECFW-SUPPRESSION-EXPIRED";
}
