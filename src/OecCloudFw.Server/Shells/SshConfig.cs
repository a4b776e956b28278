using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// The parts of <c>~/.ssh/config</c> the tool honours, resolved the way ssh does: for each keyword the first value
/// obtained wins, from every matching <c>Host</c> block in file order (HostName, Port, User, IdentityFile).
/// </summary>
public static class SshConfig
{
    public sealed record Resolved(string? HostName, int? Port, string? User, string? IdentityFile);

    public static Resolved Resolve(string alias, string? configPath)
    {
        if (configPath is null || !File.Exists(configPath))
        {
            return new Resolved(null, null, null, null);
        }

        string? hostName = null, user = null, identity = null;
        int? port = null;
        var active = true;
        foreach (var raw in File.ReadLines(configPath))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t', '=']);
            if (split < 0)
            {
                continue;
            }

            var keyword = line[..split].ToLowerInvariant();
            var value = line[(split + 1)..].Trim().TrimStart('=').Trim().Trim('"');
            switch (keyword)
            {
                case "host":
                    active = HostBlockMatches(value, alias);
                    continue;
                case "match":
                    active = false; // Match blocks are not evaluated; skip their settings.
                    continue;
            }

            if (!active)
            {
                continue;
            }

            switch (keyword)
            {
                case "hostname":
                    hostName ??= value.Replace("%h", alias, StringComparison.Ordinal);
                    break;
                case "port":
                    // A value that is not a port is an error, never silently ignored (it would connect elsewhere).
                    port ??= int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
                        ? p
                        : throw new InvalidInputException($"{configPath}: 'Port {value}' for {alias} is not a port: use 1-65535");
                    break;
                case "user":
                    user ??= value;
                    break;
                case "identityfile":
                    identity ??= ExpandHome(value);
                    break;
            }
        }

        return new Resolved(hostName, port, user, identity);
    }

    public static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;

    internal static bool GlobMatches(string glob, string text) =>
        Regex.IsMatch(text, "^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static bool HostBlockMatches(string patterns, string alias)
    {
        var matched = false;
        foreach (var pattern in patterns.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var negated = pattern.StartsWith('!');
            if (GlobMatches(negated ? pattern[1..] : pattern, alias))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }
}
