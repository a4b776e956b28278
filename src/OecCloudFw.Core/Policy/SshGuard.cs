using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Policy;

/// <summary>Refuses to close the management port unless the operator insists: with SSH blocked the platform cannot manage the server.</summary>
public static class SshGuard
{
    public static void EnsureNotClosing(IEnumerable<PortRange> ports, IEnumerable<int> sshPorts, bool force)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(sshPorts);
        var hit = sshPorts.Where(ssh => ports.Any(p => p.Contains(ssh))).ToList();
        if (hit.Count > 0 && !force)
        {
            throw new InvalidInputException(
                $"refusing to close the SSH port {string.Join(", ", hit)}: if it is blocked, OEC.sh cannot manage the server " +
                "(deployments, backups and monitoring fail). Restrict it with --ssh-source instead, or pass --force if you really mean it");
        }
    }
}
