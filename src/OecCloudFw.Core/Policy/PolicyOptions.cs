namespace OecCloudFw.Core.Policy;

/// <summary>The policy inputs as the operator typed them (flags and the policy file path), not yet validated.</summary>
public sealed record PolicyOptions
{
    /// <summary>A policy file (<c>oec-cloudfw.yaml</c>); flags override it.</summary>
    public string? PolicyFile { get; init; }

    /// <summary>A policy file's text read from elsewhere (the policy remembered on a server), instead of <see cref="PolicyFile"/>.</summary>
    public string? PolicyText { get; init; }

    /// <summary>What <see cref="PolicyText"/> is called in messages (its path and where it was read).</summary>
    public string PolicyTextName { get; init; } = "policy";

    /// <summary><c>--ssh-source</c>: restrict SSH to these management sources.</summary>
    public IReadOnlyList<string> SshSources { get; init; } = [];

    /// <summary><c>--optional</c>: catalog optional ports to open.</summary>
    public IReadOnlyList<string> Optional { get; init; } = [];

    /// <summary><c>--source</c>: sources for optional and extra ports (default: anywhere).</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary><c>--extra-port</c>: ports outside the catalog the policy also opens (the flag form of the file's <c>extra:</c>), from <see cref="Sources"/>; the audit checks them.</summary>
    public IReadOnlyList<string> ExtraPorts { get; init; } = [];

    /// <summary><c>--port</c>: act on these ports only; a port the policy does not name is added.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary><c>--ssh-port</c>: the SSH port(s), when not 22 (the server layer detects it itself).</summary>
    public IReadOnlyList<string> SshPorts { get; init; } = [];

    /// <summary><c>--ipv6</c> (true) or <c>--ipv4-only</c> (false): internet rules to ::/0 too. Null means "as the file says", and the file's default is true (IPv4 and IPv6, for every verb).</summary>
    public bool? Ipv6 { get; init; }
}
