using System.Globalization;
using System.Net;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// A host as an Ansible inventory names it: <c>name</c>, <c>name:port</c>, <c>[2001:db8::1]:22</c>, a bare IPv6 address,
/// or a range (<see cref="AnsibleHostRange"/>). The port becomes the host's <c>ansible_port</c>, as Ansible does.
/// Source: docs.ansible.com, "How to build your inventory" ("badwolf.example.com:5309").
/// </summary>
internal static class AnsibleHostName
{
    /// <summary>Declares the hosts a name stands for in a group and returns them.</summary>
    public static IReadOnlyList<AnsibleHost> Declare(AnsibleModel model, string token, int line, AnsibleGroup group, Func<string, string> where)
    {
        var (name, port) = Split(token, where);
        var hosts = new List<AnsibleHost>();
        foreach (var each in name.StartsWith('[') ? [name.Trim('[', ']')] : AnsibleHostRange.Expand(name, where))
        {
            var host = model.Host(each, line, group);
            if (port is { } p)
            {
                host.Vars["ansible_port"] = new AnsibleValue([p.ToString(CultureInfo.InvariantCulture)], false, line);
            }

            hosts.Add(host);
        }

        return hosts;
    }

    private static (string Name, int? Port) Split(string token, Func<string, string> where)
    {
        if (token.Length == 0)
        {
            throw new InvalidInputException(where("a host line without a host name"));
        }

        // [v6]:port or [v6]
        var close = token.IndexOf(']', StringComparison.Ordinal);
        if (token[0] == '[' && close > 0 && IPAddress.TryParse(token[1..close], out _))
        {
            return token.Length == close + 1 ? (token[..(close + 1)], null)
                : token[close + 1] == ':' ? (token[..(close + 1)], Port(token[(close + 2)..], token, where))
                : throw new InvalidInputException(where($"host '{token}' is not [address]:port"));
        }

        if (IPAddress.TryParse(token, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return (token, null);
        }

        // name:port — the last colon outside a range's brackets.
        var depth = 0;
        var colon = -1;
        for (var i = 0; i < token.Length; i++)
        {
            depth += token[i] switch { '[' => 1, ']' => -1, _ => 0 };
            if (token[i] == ':' && depth == 0)
            {
                colon = colon < 0 ? i : throw new InvalidInputException(where($"host '{token}' is not name[:port]"));
            }
        }

        return colon < 0 ? (token, null) : (token[..colon], Port(token[(colon + 1)..], token, where));
    }

    private static int Port(string text, string token, Func<string, string> where) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port
            : throw new InvalidInputException(where($"host '{token}': the port '{text}' is not 1-65535"));
}
