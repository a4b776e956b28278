namespace OecCloudFw.Hetzner;

/// <summary>What the settings name: a server (its applied firewalls), a firewall (to change, or to create for a server with none), or both.</summary>
/// <param name="Server">--server NAME|ID, or null.</param>
/// <param name="Firewall">--firewall NAME|ID, or null.</param>
/// <param name="SmtpUnblocked">--smtp-unblocked true: Hetzner lifted the outbound 25/465 block for the server.</param>
/// <param name="ServerFlag">How the server setting is spelled where it came from (for messages).</param>
/// <param name="FirewallFlag">How the firewall setting is spelled where it came from.</param>
internal sealed record HetznerTarget(string? Server, string? Firewall, bool SmtpUnblocked, string ServerFlag = "--server", string FirewallFlag = "--firewall")
{
    public override string ToString() => (Server, Firewall) switch
    {
        ({ } s, { } f) => $"hetzner server {s} (firewall {f})",
        ({ } s, null) => $"hetzner server {s}",
        (null, { } f) => $"hetzner firewall {f}",
        _ => "hetzner",
    };
}
