namespace OecCloudFw.Core.Audit;

/// <summary>
/// What a finding is about, as fields (JSON, baselines, suppressions): the server, the port and protocol, the layer and
/// the resource in it, and (where a port has several findings of one id) the peer or family it is about.
/// </summary>
/// <param name="Server">The server (as the report names it); null for a layer shown on its own.</param>
/// <param name="Port">The port; null for a finding about the host (sshd, fail2ban).</param>
/// <param name="Protocol">"tcp" where there is a port.</param>
/// <param name="Layer">"cloud", "server", "both" (the port through every layer) or "host".</param>
/// <param name="Resource">The layer's resource as read (a security group, NSG, firewall; ufw, nftables; sshd, fail2ban).</param>
public sealed record FindingSubject(string? Server, int? Port, string? Protocol, string? Layer, string? Resource)
{
    /// <summary>Nothing known yet.</summary>
    public static FindingSubject None { get; } = new(null, null, null, null, null);

    /// <summary>What tells two findings of one id apart on the same port and layer: "IPv4", "IPv6", "sources", an outbound destination.</summary>
    public string? Peer { get; init; }

    /// <summary>A port's TCP subject in a layer.</summary>
    public static FindingSubject Tcp(int port, string layer, string? resource) => new(null, port, "tcp", layer, resource);

    /// <summary>A host-level subject (sshd, fail2ban, the firewall as a whole).</summary>
    public static FindingSubject Host(string resource, int? port = null) => new(null, port, port is null ? null : "tcp", "host", resource);
}
