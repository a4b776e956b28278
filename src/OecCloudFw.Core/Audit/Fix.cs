using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Audit;

/// <summary>
/// A fix as data: what changes (kind, layer, resource, port, sources, the rule it removes), and the commands its user
/// runs as the layer's owner renders them (the tool's own verb first, then the provider's CLI or the file to edit).
/// </summary>
/// <param name="Kind">The change.</param>
/// <param name="Layer">"cloud" or "server".</param>
/// <param name="Port">The port it changes (0 where it is not about one port).</param>
/// <param name="Sources">The sources (or, outbound, destinations) it admits; empty when it removes or is not about addresses.</param>
/// <param name="Commands">The commands, rendered by the layer's owner, in the order to run them.</param>
public sealed record Fix(FixKind Kind, string Layer, int Port, IReadOnlyList<Cidr> Sources, IReadOnlyList<string> Commands)
{
    /// <summary>The resource it changes: a security group, network ACL, NSG or firewall id; the server's firewall frontend; sshd's drop-in.</summary>
    public string? Resource { get; init; }

    /// <summary>The rule it removes (its id or name in the provider's terms), if it removes one.</summary>
    public string? Removes { get; init; }

    /// <summary>The layer a kind of fix changes: "cloud", "server" or "policy".</summary>
    public static string LayerOf(FixKind kind) => kind switch
    {
        FixKind.CloudOpen or FixKind.CloudClose or FixKind.CloudRestrict or FixKind.CloudEgress => "cloud",
        FixKind.PolicyNarrow => "policy",
        _ => "server",
    };

    /// <summary>One fix per command: for an owner whose commands each change one thing.</summary>
    public static IReadOnlyList<Fix> Each(FixKind kind, int port, IReadOnlyList<Cidr> sources, IEnumerable<(string Command, string? Resource, string? Removes)> commands) =>
        [.. commands.Select(c => new Fix(kind, LayerOf(kind), port, sources, [c.Command]) { Resource = c.Resource, Removes = c.Removes })];

    /// <summary>The commands of several fixes, in order, each once.</summary>
    public static IReadOnlyList<string> CommandsOf(IEnumerable<Fix> fixes) =>
        [.. fixes.SelectMany(f => f.Commands).Distinct(StringComparer.Ordinal)];
}
