using OecCloudFw.Core;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Application.Plans;

/// <summary>
/// The effective policy a plan was made from, as data: what <c>apply --plan</c> plans again from (a policy file edited
/// after the plan was saved changes nothing).
/// </summary>
/// <param name="Ipv6">Rules for the internet to ::/0 too.</param>
/// <param name="Requirements">Each port requirement.</param>
/// <param name="Record">What the server's applied-policy record says it came from ("--policy /etc/…", "the defaults"); null when the policy was the server's own record (nothing recorded).</param>
public sealed record SavedPolicy(bool Ipv6, IReadOnlyList<SavedRequirement> Requirements, string? Record = null)
{
    public static SavedPolicy From(FirewallPolicy policy, string? record)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new SavedPolicy(policy.Ipv6, [.. policy.Requirements.Select(SavedRequirement.From)], record);
    }

    /// <summary>The policy again; a requirement that does not parse is bad input naming the file and the requirement.</summary>
    public FirewallPolicy ToPolicy(string file) =>
        new([.. Requirements.Select((r, i) => r.ToRequirement($"--plan {file}: policy.requirements[{i}]"))], Ipv6);
}

/// <summary>One port requirement of a saved policy.</summary>
public sealed record SavedRequirement(string Ports, string Protocol, IReadOnlyList<string> Sources, string Description, string Comment, bool IsSsh)
{
    public static SavedRequirement From(PortRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return new SavedRequirement(requirement.Ports.ToString(), requirement.Protocol.ToName(), [.. requirement.Sources.Select(s => s.ToString())],
            requirement.Description, requirement.Comment, requirement.IsSsh);
    }

    public PortRequirement ToRequirement(string where)
    {
        if (!PortRange.TryParse(Ports, out var ports, out var error))
        {
            throw new InvalidInputException($"{where}: {error}");
        }

        if (!ProtocolNames.TryParse(Protocol, out var protocol))
        {
            throw new InvalidInputException($"{where}: '{Protocol}' is not a protocol: use tcp, udp, icmp or all");
        }

        var sources = new List<Cidr>();
        foreach (var source in Sources)
        {
            sources.Add(Cidr.TryParse(source, out var cidr, out var why) ? cidr : throw new InvalidInputException($"{where}: source '{source}': {why}"));
        }

        return new PortRequirement(ports, protocol.Value, sources, Description, Comment, IsSsh);
    }
}
