namespace OecCloudFw.Server.Shells;

/// <summary>How to reach a server over SSH, after ~/.ssh/config has been applied.</summary>
public sealed record SshConnectionOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 22;

    public string User { get; init; } = "root";

    /// <summary>Private key files to try, in order.</summary>
    public IReadOnlyList<string> IdentityFiles { get; init; } = [];

    /// <summary>OpenSSH certificates (CertificateFile), matched to the identity files by their key; KEY-cert.pub beside a key is found without this.</summary>
    public IReadOnlyList<string> CertificateFiles { get; init; } = [];

    /// <summary>IdentitiesOnly: of the agent's keys, only those of <see cref="IdentityFiles"/> are offered.</summary>
    public bool IdentitiesOnly { get; init; }

    /// <summary>The ssh-agent socket (SSH_AUTH_SOCK or IdentityAgent); null: no agent.</summary>
    public string? IdentityAgent { get; init; }

    /// <summary>The passphrase of encrypted identity files the agent does not hold (from --passphrase-env).</summary>
    public string? Passphrase { get; init; }

    /// <summary>Asks for a key's passphrase (on a terminal, without echo); null when nobody can be asked.</summary>
    public Func<string, string?>? PassphrasePrompt { get; init; }

    /// <summary>A password (from --password-env), when keys are not used.</summary>
    public string? Password { get; init; }

    public required string KnownHostsPath { get; init; }

    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, exactly this host key is trusted (a second connection of the same run); known_hosts is not consulted.</summary>
    public IReadOnlyList<byte>? PinnedHostKey { get; init; }

    /// <summary>
    /// Hosts to jump through, outermost first (ProxyJump, --jump), each fully resolved as a connection of its own (its
    /// user, port, keys, known_hosts). Empty: a direct connection (or <see cref="ProxyCommand"/>).
    /// </summary>
    public IReadOnlyList<SshConnectionOptions> JumpHosts { get; init; } = [];

    /// <summary>
    /// A command whose standard input and output are the transport (ssh_config ProxyCommand, its %h/%p/%r tokens already
    /// expanded); run with <c>/bin/sh -c</c> as OpenSSH runs it. Excludes <see cref="JumpHosts"/>.
    /// </summary>
    public string? ProxyCommand { get; init; }

    /// <summary>The key exchanges to offer, in order (<see cref="KeyExchangePreference"/>): OpenSSH's default unless KexAlgorithms says otherwise.</summary>
    public IReadOnlyList<string> KexAlgorithms { get; init; } = KeyExchangePreference.OpenSshDefault;

    public string Target => $"{User}@{Host}:{Port}";
}
