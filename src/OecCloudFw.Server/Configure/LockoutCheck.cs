using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Backends;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Configure;

/// <summary>
/// The lockout risk, named before anything changes: the operator's own address (the SSH session's client address as
/// the server sees it; locally, the SSH session the tool runs in, if any) must be definitely admitted to SSH by the
/// server's firewall as the change would leave it (<see cref="PlannedServerView"/>). Pure.
/// </summary>
public static class LockoutCheck
{
    /// <summary>The flag that lets a change go on despite the risk (the armed rollback remains the last line of defense).</summary>
    public const string AllowFlag = "--allow-lockout-risk";

    /// <summary>The risk in words (the address and the flag that fixes it), or null when the operator stays admitted or is unknown.</summary>
    /// <param name="facts">The server as read; its <see cref="ServerFacts.Connection"/> is the operator's vantage.</param>
    /// <param name="policy">The policy as this server needs it.</param>
    /// <param name="changes">Whether the change alters the firewall at all (no change: no risk of the tool's making).</param>
    public static string? Risk(ServerFacts facts, ServerPolicy policy, bool changes)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        return changes && Operator(facts) is { } address
            ? Risk(new PlannedServerView(new ServerLayerView(facts), policy, changes: true), policy.Ssh.Select(r => r.Ports.From), address)
            : null;
    }

    /// <summary>The risk for a layer as a change would leave it (the server's, or a cloud layer's planned view).</summary>
    public static string? Risk(Core.Audit.ILayerView planned, IEnumerable<int> sshPorts, Cidr address)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(address);
        foreach (var port in sshPorts.Distinct().Order())
        {
            var verdict = planned.Evaluate(Protocol.Tcp, port, address);
            if (verdict.Decision != Decision.Admitted)
            {
                var host = address.Family == IpFamily.IPv4 ? $"{address.Network}/32" : $"{address.Network}/128";
                return $"your address {address.Network} is not among the SSH sources ({planned.Name}, SSH on port {port}: {verdict.Evidence}): add --ssh-source {host}, or pass {AllowFlag}";
            }
        }

        return null;
    }

    /// <summary>The operator's address as the server sees it, as a single-address CIDR; null when not known.</summary>
    public static Cidr? Operator(ServerFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Connection is { } connection && Cidr.TryParse(connection.ClientAddress, out var address) ? address : null;
    }
}
