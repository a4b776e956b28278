using OecCloudFw.Core.Rules;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// One read: the droplet (when one was named), the firewalls that apply to it (or the one named), every droplet of the
/// account (what droplet and tag targets stand for), and where the tool's rules go.
/// </summary>
/// <param name="Droplet">The droplet named with --droplet; null with --firewall.</param>
/// <param name="Firewalls">The firewalls that filter it: every one applied to the droplet (by id or tag), or the one named.</param>
/// <param name="Droplets">Every droplet of the account.</param>
/// <param name="WriteTo">The tool's own firewall the adds go to; null when it does not exist yet (created by the open) or none can be written.</param>
internal sealed record Snapshot(Droplet? Droplet, IReadOnlyList<Firewall> Firewalls, IReadOnlyList<Droplet> Droplets, Firewall? WriteTo)
{
    /// <summary>The firewall name the adds go to (an existing own firewall, or the one the open creates).</summary>
    public string? WriteName => WriteTo?.Name ?? (Droplet is { } d ? Firewall.OwnNameFor(d.Id) : null);

    /// <summary>No firewall applies: DigitalOcean filters nothing.</summary>
    public bool Unfiltered => Firewalls.Count == 0;

    /// <summary>The inbound rules with addresses, in Core terms (one per address), each with the firewall and rule it comes from.</summary>
    public IReadOnlyList<(Rule Rule, Firewall Firewall, FirewallRule Source)> CoreRules { get; } = [.. Firewalls.SelectMany(f => f.Inbound.SelectMany((r, i) => ToCore(f, r, i)))];

    public IReadOnlyList<Rule> Rules => [.. CoreRules.Select(c => c.Rule)];

    private static IEnumerable<(Rule, Firewall, FirewallRule)> ToCore(Firewall firewall, FirewallRule rule, int index)
    {
        if (rule.CoreProtocol is not { } protocol || rule.Range is not { } range)
        {
            yield break;
        }

        foreach (var address in rule.Target.Addresses ?? [])
        {
            if (Core.Net.Cidr.TryParse(address, out var cidr))
            {
                yield return (new Rule(protocol, range, cidr, RuleAction.Allow, $"{firewall.Name} inbound rule {index + 1}", firewall.IsOwn ? RuleOrigin.Tool : RuleOrigin.Foreign,
                    $"{firewall.Id}/in/{index + 1}/{cidr}"), firewall, rule);
            }
        }
    }
}
