using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Backends;

/// <summary>A server firewall frontend (ufw, firewalld, iptables, nftables): the commands that bring it to a policy.</summary>
internal interface IFirewallBackend
{
    /// <summary>ufw, firewalld, iptables or nftables.</summary>
    string Name { get; }

    /// <summary>
    /// The shell commands (built only from validated values, every value quoted) that make this frontend admit the
    /// policy and be enabled. Empty when it already does: idempotent.
    /// </summary>
    IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy);
}
