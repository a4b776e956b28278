namespace OecCloudFw.Hetzner;

/// <summary>
/// One read: the server (when one was named), every firewall that applies to it (or the one named), where the tool
/// writes, and whether Hetzner lifted the outbound 25/465 block for it (a setting: the API does not say).
/// </summary>
/// <param name="Server">The server, or null when only a firewall was named.</param>
/// <param name="Firewalls">The firewalls that filter the server (or the firewall named), each with how it applies.</param>
/// <param name="WriteTo">The firewall the tool's rules go to (its id), or null.</param>
/// <param name="CreateName">The firewall to create and apply to the server (none applies to it yet), or null.</param>
/// <param name="NoWriteWhy">Why there is nowhere to write (several firewalls applied directly), said when a change needs it.</param>
/// <param name="SmtpUnblocked">Hetzner lifted the outbound 25/465 block for this server.</param>
internal sealed record HetznerSnapshot(HcloudServer? Server, IReadOnlyList<AppliedFirewall> Firewalls, long? WriteTo, string? CreateName, string? NoWriteWhy, bool SmtpUnblocked)
{
    public HcloudFirewall? Firewall(long id) => Firewalls.FirstOrDefault(f => f.Firewall.Id == id)?.Firewall;

    /// <summary>What the tool writes to, for messages and fixes: the firewall's name.</summary>
    public string? WriteName => WriteTo is { } id ? Firewall(id)?.Name : CreateName;
}

/// <summary>A firewall as read, and how it applies to the server: directly, by a label selector, or only named (no server).</summary>
internal sealed record AppliedFirewall(HcloudFirewall Firewall, string How);
