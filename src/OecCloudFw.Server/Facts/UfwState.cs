using System.Text;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// UFW as its own files describe it, which is what <c>ufw status</c> reads too: ENABLED in ufw.conf,
/// DEFAULT_INPUT_POLICY in /etc/default/ufw, and the <c>### tuple ###</c> lines of user.rules and user6.rules, in
/// order. Reading the files costs no python start (about 0.2 s a call on a small VM), on every probe of a UFW server.
/// </summary>
public sealed record UfwState(bool Active, RuleAction DefaultIncoming, IReadOnlyList<Rule> Rules)
{
    private const string TupleMarker = "### tuple ### ";

    /// <param name="conf">/etc/ufw/ufw.conf.</param>
    /// <param name="defaults">/etc/default/ufw.</param>
    /// <param name="userRules">/etc/ufw/user.rules followed by /etc/ufw/user6.rules.</param>
    /// <param name="chainsLoaded">Whether ufw's chains are in the kernel (iptables-save lists ufw-user-input).</param>
    public static UfwState FromFiles(string? conf, string? defaults, string? userRules, bool chainsLoaded)
    {
        var enabled = Setting(conf, "ENABLED") is "yes" or "YES";
        var input = Setting(defaults, "DEFAULT_INPUT_POLICY");
        var rules = new List<Rule>();
        foreach (var line in (userRules ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith(TupleMarker, StringComparison.Ordinal))
            {
                rules.AddRange(FromTuple(line[TupleMarker.Length..]));
            }
        }

        return new UfwState(enabled && chainsLoaded, input == "ACCEPT" ? RuleAction.Allow : RuleAction.Deny, rules);
    }

    /// <summary>True when an iptables-save output holds ufw's user chain (ufw-user-input, or ufw6-user-input for IPv6).</summary>
    public static bool ChainsIn(string? iptablesSave) =>
        iptablesSave is not null && (iptablesSave.Contains(":ufw-user-input ", StringComparison.Ordinal) || iptablesSave.Contains(":ufw6-user-input ", StringComparison.Ordinal));

    /// <summary>
    /// One rule as ufw saves it: <c>action[_log] proto dport dst sport src [dapp sapp] in[_iface] [comment=hex]</c>,
    /// e.g. <c>allow tcp 80,443 0.0.0.0/0 any 10.0.0.5 in comment=576562</c>. Routed and outgoing rules, and rules tied
    /// to a source port, never admit a new inbound connection and are left out.
    /// </summary>
    private static IEnumerable<Rule> FromTuple(string tuple)
    {
        var fields = tuple.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 7 || fields[0].StartsWith("route:", StringComparison.Ordinal))
        {
            yield break;
        }

        var direction = fields.Skip(6).FirstOrDefault(f => f is "in" or "out" || f.StartsWith("in_", StringComparison.Ordinal) || f.StartsWith("out_", StringComparison.Ordinal));
        if (direction is null || direction.StartsWith("out", StringComparison.Ordinal) || fields[4] != "any")
        {
            yield break;
        }

        var action = fields[0].Split('_')[0] is "allow" or "limit" ? RuleAction.Allow : RuleAction.Deny;
        Protocol? protocol = fields[1] == "any" ? Protocol.All : ProtocolNames.TryParse(fields[1], out var p) ? p : null;
        if (protocol is null || !Cidr.TryParse(fields[5], out var source))
        {
            yield break;
        }

        var comment = fields.FirstOrDefault(f => f.StartsWith("comment=", StringComparison.Ordinal)) is { } c ? Decode(c["comment=".Length..]) : null;
        foreach (var part in fields[2].Split(','))
        {
            if (PortRange.TryParse(part, out PortRange range, out _))
            {
                yield return new Rule(protocol.Value, range, source, action, comment);
            }
        }
    }

    private static string? Decode(string hex)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            return hex;
        }
    }

    /// <summary>KEY=value or KEY="value" from a shell-style config file; the last one wins.</summary>
    private static string? Setting(string? text, string key)
    {
        string? value = null;
        foreach (var raw in (text ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                value = line[(key.Length + 1)..].Trim().Trim('"', '\'');
            }
        }

        return value;
    }
}
