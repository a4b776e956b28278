namespace OecCloudFw.Core.Audit;

/// <summary>What the audit needs to know about the host beyond its firewall rules.</summary>
public sealed record HostFacts
{
    public IReadOnlyList<int> SshPorts { get; init; } = [];

    public IReadOnlySet<int> ListeningPublic { get; init; } = new HashSet<int>();

    public string? PasswordAuthentication { get; init; }

    public string? PermitRootLogin { get; init; }

    /// <summary>Ports covered by an enabled fail2ban jail; null when fail2ban is not installed.</summary>
    public IReadOnlyList<int>? Fail2BanPorts { get; init; }

    /// <summary>
    /// Set when the jail's filter, run by fail2ban-regex on the server's recent sshd failure lines, matched none of them:
    /// what was tried, in words. Null when it matched, or when there was nothing to try it on.
    /// </summary>
    public string? Fail2BanFilterMisses { get; init; }

    public bool CsfActive { get; init; }

    public bool DockerHost { get; init; }

    /// <summary>
    /// Ports Docker publishes (DNAT in nat PREROUTING), with whether DOCKER-USER lets the internet through and whether the
    /// INPUT path (UFW) would have admitted it.
    /// </summary>
    public IReadOnlyList<(int Port, bool ExposedByForwardPath, bool InputAdmits, string Evidence)> DockerPublished { get; init; } = [];

    /// <summary>True when Docker writes its rules with nftables (Docker 29's docker-bridges tables): there is no DOCKER-USER chain.</summary>
    public bool DockerNftables { get; init; }
}
