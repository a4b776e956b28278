namespace OecCloudFw.Core.Layers;

/// <summary>What the server layer's plan does: what every use case sees of it (the adapter's own plan is in <see cref="ServerLayerPlan{TNative}"/>).</summary>
/// <param name="Target">The server.</param>
/// <param name="Digest">The digest of the state it was planned from.</param>
/// <param name="Backend">The frontend it uses: ufw, firewalld, iptables or nftables.</param>
/// <param name="Install">Commands that install the frontend first (they change no rule).</param>
/// <param name="Commands">The firewall changes, in order, applied under an armed rollback.</param>
public abstract record ServerLayerPlan(string Target, string Digest, string Backend, IReadOnlyList<string> Install, IReadOnlyList<string> Commands)
{
    /// <summary>Set when the change would not definitely admit the operator's own address to SSH: the risk and the flag that fixes it.</summary>
    public string? LockoutRisk { get; init; }

    public bool IsNoOp => Install.Count == 0 && Commands.Count == 0;
}

/// <summary>The server layer's plan with the adapter's own typed plan (handed back to it by its apply).</summary>
/// <typeparam name="TNative">The adapter's plan.</typeparam>
public sealed record ServerLayerPlan<TNative>(string Target, string Digest, string Backend, IReadOnlyList<string> Install, IReadOnlyList<string> Commands, TNative Native)
    : ServerLayerPlan(Target, Digest, Backend, Install, Commands)
    where TNative : class;
