namespace OecCloudFw.Server.Shells;

/// <summary>
/// What ssh_config says about one host, as <c>ssh -G</c> reports it (or the built-in parser finds it): the values the
/// tool uses to connect. Paths have <c>~</c> expanded; null means the keyword was not set.
/// </summary>
public sealed record SshHostConfig
{
    public required string HostName { get; init; }

    public int? Port { get; init; }

    public string? User { get; init; }

    /// <summary>IdentityFile, all of them in order.</summary>
    public IReadOnlyList<string> IdentityFiles { get; init; } = [];

    /// <summary>True when no IdentityFile was configured and <see cref="IdentityFiles"/> are ssh's defaults.</summary>
    public bool DefaultIdentityFiles { get; init; } = true;

    public IReadOnlyList<string> CertificateFiles { get; init; } = [];

    public bool IdentitiesOnly { get; init; }

    /// <summary>IdentityAgent as written: a socket path, <c>SSH_AUTH_SOCK</c>, <c>$VAR</c> or <c>none</c>.</summary>
    public string? IdentityAgent { get; init; }

    /// <summary>The first UserKnownHostsFile, when one was configured (not ssh's default).</summary>
    public string? UserKnownHostsFile { get; init; }

    public string? StrictHostKeyChecking { get; init; }

    public int? ConnectTimeout { get; init; }

    /// <summary>ProxyJump as written (<c>[user@]host[:port],…</c>), or null.</summary>
    public string? ProxyJump { get; init; }

    /// <summary>ProxyCommand with its tokens not yet expanded, or null.</summary>
    public string? ProxyCommand { get; init; }

    /// <summary>KexAlgorithms as ssh -G prints it (resolved) or as written (<c>+</c>/<c>-</c>/<c>^</c> forms); null: not set.</summary>
    public string? KexAlgorithms { get; init; }
}
