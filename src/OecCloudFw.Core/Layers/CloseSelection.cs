using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// What a close takes away from a cloud layer: these ports (as ranges) of one protocol, from these sources (none: from
/// every source). Only the tool's own rules that match exactly are removed (or narrowed); anyone else's stay.
/// </summary>
/// <param name="Ports">The port ranges, each as a rule names it.</param>
/// <param name="Sources">The sources; empty for every source.</param>
/// <param name="Protocol">tcp or udp.</param>
public sealed record CloseSelection(IReadOnlyList<PortRange> Ports, IReadOnlyList<Cidr> Sources, Protocol Protocol)
{
    /// <summary>Only these of the tool's rules (ids an open created, to undo exactly that open); null for all of them.</summary>
    public IReadOnlyCollection<string>? Only { get; init; }

    /// <summary>One TCP port from every source (an SSH port being moved away).</summary>
    public static CloseSelection TcpPort(int port, IReadOnlyCollection<string>? only = null) =>
        new([PortRange.Single(port)], [], Protocol.Tcp) { Only = only };

    public bool SourceMatches(Cidr source) => Sources.Count == 0 || Sources.Contains(source);

    /// <summary>A rule for exactly one of the ports, the protocol and (when sources are named) one of the sources.</summary>
    public bool MatchesExactly(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Protocol == Protocol && Ports.Contains(rule.Ports) && SourceMatches(rule.Source);
    }

    /// <summary>A rule that admits some of what is being closed: the protocol (or all), an overlapping port, an overlapping source.</summary>
    public bool Overlaps(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Protocol.Covers(Protocol) && Ports.Any(p => p.Overlaps(rule.Ports)) && (Sources.Count == 0 || Sources.Any(s => s.Overlaps(rule.Source)));
    }

    /// <summary>The tool's own rule, matching exactly, and among <see cref="Only"/> when that is given: what the close removes.</summary>
    public bool Removes(Rule rule, string name) =>
        rule is { Origin: RuleOrigin.Tool } && MatchesExactly(rule) && (Only is null || Only.Contains(name));
}
