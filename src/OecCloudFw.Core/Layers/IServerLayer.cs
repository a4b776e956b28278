using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The server's own firewall behind the same read / plan / apply shape as a cloud layer. Its apply is one
/// rollback-armed transaction (arm, apply, prove with a new connection, confirm): it either stays confirmed or the
/// server restores the previous rules.
/// </summary>
public interface IServerLayer
{
    /// <summary>user@host:port, or "local".</summary>
    string Target { get; }

    /// <summary>One read (one connection, one exec) of everything the plan and the audit depend on.</summary>
    Task<ServerLayerState> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>The exact commands that bring the server to the policy (pure).</summary>
    ServerLayerPlan Plan(ServerLayerState state, FirewallPolicy policy);

    /// <summary>Applies the plan lockout-proof; a plan with nothing to do changes nothing.</summary>
    Task<ServerApplyResult> ApplyAsync(ServerLayerPlan plan, TimeSpan confirmTimeout, CancellationToken cancellationToken = default);
}
