using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Audit;

/// <summary>Which ports a server's audit covers.</summary>
public static class AuditedPorts
{
    /// <summary>
    /// The policy's TCP ports (SSH as detected on the server: sshd, its socket, this connection), required and with
    /// their sources; then the guide's other ports (findings only when something admits them); then every port Docker
    /// publishes (it may bypass the firewall).
    /// </summary>
    public static IReadOnlyList<AuditPort> For(FirewallPolicy policy, ServerFacts facts, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(host);
        var ports = ServerPolicy.For(policy, facts).Requirements
            .Where(r => r.Protocol == Protocol.Tcp)
            .Select(r => new AuditPort(r.Ports.From, r.IsSsh ? "SSH" : PortCatalog.Find(r.Ports.From)?.Name ?? r.Comment, true, r.Sources,
                r.IsSsh, r.IsSsh || r.Ports.From is PortCatalog.Http or PortCatalog.Https))
            .ToList();
        foreach (var entry in PortCatalog.All.Where(e => ports.All(p => p.Port != e.Port)))
        {
            ports.Add(new AuditPort(entry.Port, entry.Name, false, [], false, false));
        }

        foreach (var published in host.DockerPublished.Where(d => ports.All(p => p.Port != d.Port)))
        {
            ports.Add(new AuditPort(published.Port, "published by Docker", false, [], false, false));
        }

        return ports;
    }
}
