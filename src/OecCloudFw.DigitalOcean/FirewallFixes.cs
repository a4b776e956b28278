using System.Globalization;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// The exact commands that fix a DigitalOcean finding, in an order that never cuts a wanted port: the tool's own verb
/// first (it changes only its own firewall), then doctl for the firewall that holds the rule (anyone else's rules are
/// the owner's to change: the narrower rule is added before the broad one goes).
/// </summary>
internal static class FirewallFixes
{
    private const string ManagementPlaceholder = "<management-ip>/32";

    public static IReadOnlyList<Fix> For(Snapshot read, FixKind kind, int port, IReadOnlyList<Cidr> sources, bool smtpBlocked = true)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(sources);
        var own = read.WriteTo?.Name ?? (read.Droplet is { } d ? Firewall.OwnNameFor(d.Id) : null);
        var named = sources.Where(s => !s.IsInternet).ToList();
        return kind switch
        {
            FixKind.CloudClose => Close(read, port, kind),
            FixKind.CloudRestrict =>
            [
                new Fix(kind, "cloud", port, named, Open(read, port, sources.Count > 0 ? sources : [Cidr.Parse("203.0.113.10/32")], placeholder: sources.Count == 0)) { Resource = own },
                .. Close(read, port, kind),
            ],
            FixKind.CloudOpen => [new Fix(kind, "cloud", port, named, Open(read, port, sources, placeholder: false)) { Resource = own }],
            FixKind.CloudEgress => Egress(read, port, sources.Count > 0 ? sources[0] : Cidr.AnyIPv4, smtpBlocked) is { Count: > 0 } egress
                ? [new Fix(kind, "cloud", port, sources.Count > 0 ? [sources[0]] : [], egress) { Resource = read.WriteTo?.Name ?? (read.Firewalls.Count > 0 ? read.Firewalls[0].Name : "digitalocean (provider block)") }]
                : [],
            _ => [],
        };
    }

    /// <summary>The tool's verb and target flag: --droplet ID (every firewall applied to it) or --firewall NAME.</summary>
    private static string Verb(Snapshot read, string verb) => read.Droplet is { } d
        ? $"oec-cloudfw digitalocean {verb} --droplet {d.Id.ToString(CultureInfo.InvariantCulture)}"
        : $"oec-cloudfw digitalocean {verb} --firewall {read.Firewalls[0].Name}";

    /// <summary>Admit the port from the sources: the tool's open, then doctl on the tool's firewall (or creating it).</summary>
    public static IReadOnlyList<string> Open(Snapshot read, int port, IReadOnlyList<Cidr> sources, bool placeholder)
    {
        ArgumentNullException.ThrowIfNull(read);
        var flag = port == PortCatalog.Ssh ? "--ssh-source" : "--source";
        var flags = placeholder ? $" {flag} {ManagementPlaceholder}" : string.Concat(sources.Select(s => $" {flag} {s}"));
        var rules = placeholder
            ? [$"protocol:tcp,ports:{Invariant(port)},address:{ManagementPlaceholder}"]
            : sources.Select(s => $"protocol:tcp,ports:{Invariant(port)},address:{s}").ToList();
        var fixes = new List<string> { $"{Verb(read, "open")} --port {Invariant(port)}{flags}" };
        if (read.WriteTo is { } own)
        {
            fixes.Add($"doctl compute firewall add-rules {own.Id} --inbound-rules \"{string.Join(' ', rules)}\"");
        }
        else if (read.Droplet is { } droplet)
        {
            fixes.Add($"doctl compute firewall create --name {Firewall.OwnNameFor(droplet.Id)} --droplet-ids {Invariant(droplet.Id)} --inbound-rules \"{string.Join(' ', rules)}\"" +
                      (read.Unfiltered ? " --outbound-rules \"protocol:tcp,ports:all,address:0.0.0.0/0,address:::/0 protocol:udp,ports:all,address:0.0.0.0/0,address:::/0 protocol:icmp,address:0.0.0.0/0,address:::/0\"" : string.Empty));
        }

        return fixes;
    }

    /// <summary>Take the port away from the internet: every rule that admits it from 0.0.0.0/0 or ::/0, in the firewall that holds it.</summary>
    public static IReadOnlyList<Fix> Close(Snapshot read, int port, FixKind kind = FixKind.CloudClose)
    {
        ArgumentNullException.ThrowIfNull(read);
        var fixes = new List<Fix>();
        var holding = read.Firewalls.SelectMany(f => f.Inbound.Where(r => r.Protocol == "tcp" && r.Range is { } range && range.Contains(port) && Internet(r).Any()).Select(r => (Firewall: f, Rule: r))).ToList();
        if (holding.FirstOrDefault(h => h.Firewall.IsOwn) is { Firewall: { } ownFirewall })
        {
            fixes.Add(new Fix(kind, "cloud", port, [], [$"{Verb(read, "close")} --port {Invariant(port)}"]) { Resource = ownFirewall.Name });
        }

        foreach (var (firewall, rule) in holding)
        {
            var commands = RemoveRule(firewall, rule, port);
            if (!fixes.Any(f => f.Commands.SequenceEqual(commands)))
            {
                fixes.Add(new Fix(kind, "cloud", port, [], commands) { Resource = firewall.Name, Removes = rule.Doctl() });
            }
        }

        return fixes;
    }

    /// <summary>
    /// One rule's internet entries gone: what else it admits is added back first (its other addresses, droplets, tags;
    /// its other ports from the internet), then the rule removed exactly as it is.
    /// </summary>
    public static IReadOnlyList<string> RemoveRule(Firewall firewall, FirewallRule rule, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(firewall);
        ArgumentNullException.ThrowIfNull(rule);
        var flag = rule.Inbound ? "--inbound-rules" : "--outbound-rules";
        var back = new List<FirewallRule>();
        var internet = Internet(rule).ToList();
        var rest = (rule.Target.Addresses ?? []).Except(internet, StringComparer.Ordinal).ToList();
        var others = rule with { Target = rule.Target with { Addresses = rest.Count == 0 ? null : rest } };
        if (others.EntryCount > 0)
        {
            back.Add(others);
        }

        if (port is { } p && rule.Range is { } range && !(range.From == p && range.To == p))
        {
            // The other ports stay open to the internet as they were: only the port of the finding goes.
            foreach (var part in new[] { (range.From, p - 1), (p + 1, range.To) }.Where(x => x.Item1 <= x.Item2))
            {
                back.Add(rule with { Ports = part.Item1 == part.Item2 ? Invariant(part.Item1) : $"{Invariant(part.Item1)}-{Invariant(part.Item2)}", Target = new ApiTarget { Addresses = internet } });
            }
        }

        var fixes = new List<string>();
        if (back.Count > 0)
        {
            fixes.Add($"doctl compute firewall add-rules {firewall.Id} {flag} \"{string.Join(' ', back.Select(b => b.Doctl()))}\"");
        }

        fixes.Add($"doctl compute firewall remove-rules {firewall.Id} {flag} \"{rule.Doctl()}\"");
        return fixes;
    }

    /// <summary>An outbound need: SMTP blocked by DigitalOcean is an unblock request, anything else an outbound rule in the tool's firewall.</summary>
    public static IReadOnlyList<string> Egress(Snapshot read, int port, Cidr destination, bool smtpBlocked)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(destination);
        if (port == 25 && (smtpBlocked || destination.Family == IpFamily.IPv6))
        {
            return ["outbound TCP 25 is blocked by the provider: request an unblock from DigitalOcean support (docs.digitalocean.com/support/why-is-smtp-blocked/; never over IPv6), or send through a mail relay on port 587"];
        }

        var rule = $"protocol:tcp,ports:{Invariant(port)},address:{destination}";
        return read.WriteTo is { } own
            ? [$"doctl compute firewall add-rules {own.Id} --outbound-rules \"{rule}\""]
            : read.Firewalls.Count > 0
                ? [$"doctl compute firewall add-rules {read.Firewalls[0].Id} --outbound-rules \"{rule}\""]
                : [];
    }

    private static IEnumerable<string> Internet(FirewallRule rule) =>
        (rule.Target.Addresses ?? []).Where(a => Cidr.TryParse(a, out var c) && c.IsInternet);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
