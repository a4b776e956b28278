using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// A destination as ssh and <c>ssh -J</c> take it: <c>[user@]host[:port]</c>, <c>[user@][v6addr]:port</c>,
/// <c>ssh://[user@]host[:port]</c>; a bare IPv6 address has no port.
/// </summary>
public sealed partial record SshDestination(string Host, string? User, int? Port)
{
    /// <summary>Parses and validates a destination; <paramref name="source"/> names the flag or config line for messages.</summary>
    public static SshDestination Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.Trim();
        if (rest.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["ssh://".Length..].TrimEnd('/');
        }

        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
            if (!UserPattern().IsMatch(user))
            {
                throw new InvalidInputException($"{source} '{text}': '{user}' is not a valid user name");
            }
        }

        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < rest.Length && rest[close + 1] != ':'))
            {
                throw new InvalidInputException($"{source} '{text}': use [address]:port for an IPv6 address with a port");
            }

            host = rest[1..close];
            port = close + 1 < rest.Length ? rest[(close + 2)..] : null;
        }
        else if (rest.Count(c => c == ':') == 1)
        {
            host = rest[..rest.IndexOf(':', StringComparison.Ordinal)];
            port = rest[(rest.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        else
        {
            host = rest;
        }

        if (host.Length == 0 || host.StartsWith('-') || !HostPattern().IsMatch(host))
        {
            throw new InvalidInputException($"{source} '{text}': '{host}' is not a host name, address or ssh alias");
        }

        int? number = null;
        if (port is not null)
        {
            number = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
                ? p
                : throw new InvalidInputException($"{source} '{text}': '{port}' is not a port: use 1-65535");
        }

        return new SshDestination(host, user, number);
    }

    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserPattern();
}
