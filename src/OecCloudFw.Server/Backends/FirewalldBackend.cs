using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>firewalld (RHEL/CentOS, or where UFW cannot be had): ports in the default zone, permanent and runtime, then reload.</summary>
internal sealed class FirewalldBackend : IFirewallBackend
{
    public string Name => "firewalld";

    public IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var commands = new List<string>();
        if (!facts.FirewalldRunning)
        {
            commands.Add("systemctl enable --now firewalld");
        }

        var zone = facts.FirewalldDefaultZone is { Length: > 0 } z ? z : "public";
        var zoneArg = "--zone=" + ShellQuote.Quote(zone);
        void Both(string change)
        {
            commands.Add($"firewall-cmd --permanent {zoneArg} {change}");
            commands.Add($"firewall-cmd {zoneArg} {change}");
        }

        bool Admitted(ServerRequirement r, Cidr source) =>
            facts.FirewalldRunning && ServerLayerEvaluator.EvaluateInputOnly(facts, r.Protocol, r.Ports.From, source).Admitted;

        foreach (var requirement in policy.Requirements)
        {
            var port = requirement.Ports.IsSingle ? requirement.Ports.ToString() : $"{requirement.Ports.From}-{requirement.Ports.To}";
            var proto = requirement.Protocol.ToName();
            if (requirement.FromAnywhere)
            {
                if (!Admitted(requirement, Cidr.AnyIPv4) || !Admitted(requirement, Cidr.AnyIPv6))
                {
                    Both($"--add-port={port}/{proto}");
                }

                continue;
            }

            // SSH restricted to management sources: each source needs its own rich rule, since what admits it today (the
            // ssh service, a port) is about to be removed. Only then is the broad admission removed.
            var restrictedSsh = requirement.IsSsh && facts.FirewalldRunning && Admitted(requirement, Cidr.AnyIPv4);
            var zoneRules = facts.FirewalldZones.FirstOrDefault(x => x.Name == zone)?.RichRules ?? [];
            bool HasOwnRule(Cidr source) => zoneRules.Any(r => r.Contains($"source address=\"{source}\"", StringComparison.Ordinal) &&
                                                              r.Contains($"port=\"{port}\"", StringComparison.Ordinal) && r.EndsWith("accept", StringComparison.Ordinal));
            foreach (var source in requirement.Sources.Where(s => restrictedSsh ? !HasOwnRule(s) : !Admitted(requirement, s)))
            {
                var family = source.Family == IpFamily.IPv4 ? "ipv4" : "ipv6";
                Both("--add-rich-rule=" + ShellQuote.Quote($"rule family=\"{family}\" source address=\"{source}\" port port=\"{port}\" protocol=\"{proto}\" accept"));
            }

            if (restrictedSsh)
            {
                // SSH restricted to management sources: stop admitting it from everywhere.
                var zoneInfo = facts.FirewalldZones.FirstOrDefault(x => x.Name == zone);
                if (zoneInfo?.Services.Contains("ssh") == true)
                {
                    Both("--remove-service=ssh");
                }

                if (zoneInfo?.Ports.Any(p => p.Ports.Contains(requirement.Ports)) == true)
                {
                    Both($"--remove-port={port}/{proto}");
                }
            }
        }

        if (commands.Count > 0)
        {
            commands.Add("firewall-cmd --reload");
        }

        return commands;
    }
}
