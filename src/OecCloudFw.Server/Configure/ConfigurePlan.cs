namespace OecCloudFw.Server.Configure;

/// <summary>What configure will do on one server: which frontend, and the exact commands, in order.</summary>
/// <param name="Backend">ufw, firewalld, iptables or nftables.</param>
/// <param name="Install">Commands that install the frontend first (run before the rollback is armed; they change no rule).</param>
/// <param name="Commands">The firewall changes, applied under an armed rollback.</param>
/// <param name="Fallbacks">Frontends to use, in order, if the install fails.</param>
public sealed record ConfigurePlan(string Backend, IReadOnlyList<string> Install, IReadOnlyList<string> Commands, IReadOnlyList<string> Fallbacks)
{
    /// <summary>Whether Docker's published ports follow the policy (kept for the fallback frontend's plan).</summary>
    public Backends.DockerMode Docker { get; init; }

    public bool IsNoOp => Install.Count == 0 && Commands.Count == 0;

    public IEnumerable<string> AllCommands => Install.Concat(Commands);
}
