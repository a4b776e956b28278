namespace OecCloudFw.Core.Audit;

/// <summary>Which layer a finding's fix changes, and how: the audit asks each layer's owner for the exact commands.</summary>
public enum FixKind
{
    /// <summary>Admit the port from the policy's sources in the cloud layer.</summary>
    CloudOpen,

    /// <summary>Take the port away from the internet in the cloud layer.</summary>
    CloudClose,

    /// <summary>Admit the port only from the policy's (management) sources in the cloud layer.</summary>
    CloudRestrict,

    /// <summary>Let the server's outbound connection out through the cloud layer.</summary>
    CloudEgress,

    /// <summary>Admit the port on the server (configure).</summary>
    ServerOpen,

    /// <summary>Refuse the port on the server's firewall.</summary>
    ServerClose,

    /// <summary>Admit the port on the server only from the policy's (management) sources.</summary>
    ServerRestrict,

    /// <summary>Let the outbound connection out through the server's firewall.</summary>
    ServerEgress,

    /// <summary>SSH keys only, root by key only (server harden; by hand: the one sshd drop-in it writes).</summary>
    ServerHarden,

    /// <summary>fail2ban's sshd jail on the SSH ports in use (server harden).</summary>
    ServerFail2Ban,

    /// <summary>fail2ban's sshd filter made to match this server's sshd (OpenSSH 9.8+ logs as sshd-session; server harden).</summary>
    ServerFail2BanFilter,

    /// <summary>Make Docker's published ports follow the policy (DOCKER-USER, by configure).</summary>
    ServerDocker,

    /// <summary>Make the server pass a benchmark check (the commands the check's owner names).</summary>
    ServerBenchmark,

    /// <summary>Narrow a source in the policy itself (policy show: the file or the flags admit the internet).</summary>
    PolicyNarrow,
}
