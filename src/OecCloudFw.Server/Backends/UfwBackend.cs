using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Server.Backends;

/// <summary>UFW, the guide's first choice: <c>ufw allow 22/tcp comment 'SSH'</c> …, then enable it.</summary>
internal sealed class UfwBackend : IFirewallBackend
{
    /// <summary>
    /// Enables UFW the way ufw.service does at boot: ENABLED=yes in ufw.conf, then ufw-init loads the saved rules.
    /// That is the same ruleset <c>ufw enable</c> makes (a test compares the two iptables-save outputs), in a third of
    /// the time: <c>ufw enable</c> then rebuilds its logging chains one iptables call at a time. Where ufw-init is not
    /// found, or anything in that path fails, it is <c>ufw --force enable</c>.
    /// </summary>
    public static string EnableCommand(string? ufwInit) => ufwInit is "/usr/lib/ufw/ufw-init" or "/lib/ufw/ufw-init"
        ? $"sed -i 's/^ENABLED=.*/ENABLED=yes/' /etc/ufw/ufw.conf && grep -qx ENABLED=yes /etc/ufw/ufw.conf && {ufwInit} start || ufw --force enable"
        : "ufw --force enable";

    public string Name => "ufw";

    public IReadOnlyList<string> Plan(ServerFacts facts, ServerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        var ufw = facts.Ufw ?? new UfwState(false, RuleAction.Deny, []);
        var current = new RuleSet(ufw.Rules, RuleAction.Deny);
        bool Present(ServerRequirement r, Cidr source) =>
            ufw.Active && current.Evaluate(r.Protocol, r.Ports.From, source).Admitted && current.Evaluate(r.Protocol, r.Ports.To, source).Admitted;

        var commands = new List<string>();
        foreach (var requirement in policy.Requirements)
        {
            var port = requirement.Ports.IsSingle ? requirement.Ports.ToString() : $"{requirement.Ports.From}:{requirement.Ports.To}";
            var proto = requirement.Protocol.ToName();
            var comment = ShellQuote.Quote(requirement.Comment);
            if (requirement.FromAnywhere && !(Present(requirement, Cidr.AnyIPv4) && Present(requirement, Cidr.AnyIPv6)))
            {
                commands.Add($"ufw allow {port}/{proto} comment {comment}");
            }

            // A restricted port needs its own allow per source, ahead of the deny for everyone else: an allow from
            // Anywhere that admits it today is about to become that deny (ufw updates a rule with the same match).
            var explicitRules = new RuleSet(ufw.Rules.Where(r => !r.Source.IsInternet || r.Action == RuleAction.Deny), RuleAction.Deny);
            foreach (var source in requirement.Sources.Where(s => !s.IsInternet))
            {
                var restricted = requirement.IsSsh && !requirement.FromAnywhere;
                var present = restricted ? ufw.Active && explicitRules.Evaluate(requirement.Protocol, requirement.Ports.From, source).Admitted : Present(requirement, source);
                if (!present)
                {
                    commands.Add($"ufw {(restricted ? "prepend allow" : "allow")} from {ShellQuote.Quote(source.ToString())} to any port {port} proto {proto} comment {comment}");
                }
            }

            if (requirement.IsSsh && !requirement.FromAnywhere &&
                !ufw.Rules.Any(r => r.Action == RuleAction.Deny && r.Ports.Contains(requirement.Ports) && r.Source.IsInternet))
            {
                // The guide's "Block SSH from everywhere else": explicit, even with a default deny.
                commands.Add($"ufw deny {port}/{proto} comment {ShellQuote.Quote("SSH from elsewhere")}");
            }
        }

        if (ufw.DefaultIncoming != RuleAction.Deny)
        {
            commands.Add("ufw default deny incoming");
        }

        if (!ufw.Active)
        {
            commands.Add(EnableCommand(facts.UfwInit));
        }

        return commands;
    }
}
