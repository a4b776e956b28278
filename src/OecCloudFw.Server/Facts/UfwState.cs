using System.Text.RegularExpressions;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Server.Facts;

/// <summary>UFW as <c>ufw status verbose</c> shows it: active or not, the default for incoming, and the rules in order.</summary>
public sealed partial record UfwState(bool Active, RuleAction DefaultIncoming, IReadOnlyList<Rule> Rules)
{
    public static UfwState Parse(string? status)
    {
        var text = status ?? string.Empty;
        var active = text.Contains("Status: active", StringComparison.Ordinal);
        var defaultIncoming = DefaultPattern().Match(text) is { Success: true } m && m.Groups[1].Value == "allow" ? RuleAction.Allow : RuleAction.Deny;
        var rules = new List<Rule>();
        var inTable = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            if (!inTable || line.Length == 0)
            {
                continue;
            }

            var comment = (string?)null;
            var hash = line.IndexOf(" # ", StringComparison.Ordinal);
            if (hash >= 0)
            {
                comment = line[(hash + 3)..].Trim();
                line = line[..hash].TrimEnd();
            }

            var columns = Columns().Split(line.Trim());
            if (columns.Length < 3)
            {
                continue;
            }

            rules.AddRange(ToRules(columns[0], columns[1], columns[2], comment));
        }

        return new UfwState(active, defaultIncoming, rules);
    }

    private static IEnumerable<Rule> ToRules(string to, string action, string from, string? comment)
    {
        var v6 = to.Contains("(v6)", StringComparison.Ordinal) || from.Contains("(v6)", StringComparison.Ordinal);
        to = to.Replace("(v6)", string.Empty, StringComparison.Ordinal).Trim();
        from = from.Replace("(v6)", string.Empty, StringComparison.Ordinal).Trim();
        var on = to.IndexOf(" on ", StringComparison.Ordinal);
        if (on >= 0)
        {
            to = to[..on].Trim();
        }

        var verb = action.Split(' ')[0];
        var ruleAction = verb is "ALLOW" or "LIMIT" ? RuleAction.Allow : RuleAction.Deny;
        Cidr? source = from is "Anywhere" ? (v6 ? Cidr.AnyIPv6 : Cidr.AnyIPv4) : Cidr.TryParse(from.Split(' ')[0], out var c) ? c : null;
        if (source is null)
        {
            yield break;
        }

        // "22/tcp", "80,443/tcp", "8000:8100/tcp", "22", "Anywhere", "OpenSSH" (an app profile: ports unknown here).
        var protocol = Protocol.All;
        var portsText = to;
        var slash = to.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            protocol = ProtocolNames.TryParse(to[(slash + 1)..], out var p) ? p.Value : Protocol.All;
            portsText = to[..slash];
        }

        if (portsText == "Anywhere")
        {
            yield return new Rule(protocol, PortRange.All, source, ruleAction, comment);
            yield break;
        }

        foreach (var part in portsText.Split(','))
        {
            if (PortRange.TryParse(part, out PortRange range, out _))
            {
                yield return new Rule(protocol == Protocol.All ? Protocol.All : protocol, range, source, ruleAction, comment);
            }
        }
    }

    [GeneratedRegex(@"Default: (\w+) \(incoming\)", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultPattern();

    [GeneratedRegex(@"\s{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Columns();
}
