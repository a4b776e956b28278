using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// The built-in ssh_config parser, used where OpenSSH's client (<c>ssh -G</c>) is not installed. Resolved as ssh does:
/// for each keyword the first value obtained wins (IdentityFile and CertificateFile accumulate), from every matching
/// <c>Host</c> block in file order, with <c>Include</c> (globs; relative paths under ~/.ssh) read where it stands.
/// <c>Match</c> blocks are not evaluated (their settings are skipped): <c>ssh -G</c> is the exact resolver.
/// </summary>
public static class SshConfig
{
    private const int MaxIncludeDepth = 16;

    public static SshHostConfig Resolve(string alias, string? configPath, string? home = null)
    {
        ArgumentNullException.ThrowIfNull(alias);
        home ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var state = new State(alias, home);
        if (configPath is not null && File.Exists(configPath))
        {
            Read(configPath, state, 0);
        }

        return new SshHostConfig
        {
            HostName = state.HostName ?? alias,
            Port = state.Port,
            User = state.User,
            IdentityFiles = state.Identities.Count > 0 ? state.Identities : [.. DefaultIdentityFiles.Select(f => Path.Combine(home, ".ssh", f))],
            DefaultIdentityFiles = state.Identities.Count == 0,
            CertificateFiles = state.Certificates,
            IdentitiesOnly = state.IdentitiesOnly ?? false,
            IdentityAgent = state.IdentityAgent,
            UserKnownHostsFile = state.KnownHosts,
            StrictHostKeyChecking = state.StrictHostKeyChecking,
            ConnectTimeout = state.ConnectTimeout,
            ProxyJump = state.ProxyJump is "none" ? null : state.ProxyJump,
            ProxyCommand = state.ProxyCommand is "none" ? null : state.ProxyCommand,
            KexAlgorithms = state.KexAlgorithms,
        };
    }

    /// <summary>ssh's default identity files, in ssh's order.</summary>
    public static IReadOnlyList<string> DefaultIdentityFiles { get; } = ["id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"];

    public static string ExpandHome(string path) => ExpandHome(path, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public static string ExpandHome(string path, string home)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path == "~" ? home
            : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..])
            : path.Replace("%d", home, StringComparison.Ordinal);
    }

    internal static bool GlobMatches(string glob, string text) =>
        Regex.IsMatch(text, "^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private sealed class State(string alias, string home)
    {
        public string Alias => alias;

        public string Home => home;

        public bool Active { get; set; } = true;

        public string? HostName { get; set; }

        public int? Port { get; set; }

        public string? User { get; set; }

        public List<string> Identities { get; } = [];

        public List<string> Certificates { get; } = [];

        public bool? IdentitiesOnly { get; set; }

        public string? IdentityAgent { get; set; }

        public string? KnownHosts { get; set; }

        public string? StrictHostKeyChecking { get; set; }

        public int? ConnectTimeout { get; set; }

        public string? ProxyJump { get; set; }

        public string? ProxyCommand { get; set; }

        public string? KexAlgorithms { get; set; }
    }

    private static void Read(string configPath, SshConfig.State state, int depth)
    {
        if (depth > MaxIncludeDepth)
        {
            throw new InvalidInputException($"{configPath}: Include nested more than {MaxIncludeDepth} deep (a loop?)");
        }

        var number = 0;
        foreach (var raw in File.ReadLines(configPath))
        {
            number++;
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
            var value = line[(split + 1)..].Trim().TrimStart('=').Trim();
            var unquoted = value.Trim('"');
            switch (keyword)
            {
                case "host":
                    state.Active = HostBlockMatches(value, state.Alias);
                    continue;
                case "match":
                    state.Active = false; // Match blocks are not evaluated; skip their settings.
                    continue;
            }

            if (!state.Active)
            {
                continue;
            }

            switch (keyword)
            {
                case "include":
                    foreach (var pattern in value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        foreach (var included in Glob(ExpandHome(pattern.Trim('"'), state.Home), state.Home))
                        {
                            var active = state.Active;
                            Read(included, state, depth + 1);
                            state.Active = active; // a Host line inside the included file ends at its end
                        }
                    }

                    break;
                case "hostname":
                    state.HostName ??= unquoted.Replace("%h", state.Alias, StringComparison.Ordinal);
                    break;
                case "port":
                    // A value that is not a port is an error, never silently ignored (it would connect elsewhere).
                    state.Port ??= int.TryParse(unquoted, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535
                        ? p
                        : throw new InvalidInputException($"{configPath} line {number}: 'Port {value}' for {state.Alias} is not a port: use 1-65535");
                    break;
                case "user":
                    state.User ??= unquoted;
                    break;
                case "identityfile":
                    if (!unquoted.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        state.Identities.Add(ExpandHome(unquoted, state.Home));
                    }

                    break;
                case "certificatefile":
                    state.Certificates.Add(ExpandHome(unquoted, state.Home));
                    break;
                case "identitiesonly":
                    state.IdentitiesOnly ??= unquoted.Equals("yes", StringComparison.OrdinalIgnoreCase);
                    break;
                case "identityagent":
                    state.IdentityAgent ??= unquoted;
                    break;
                case "userknownhostsfile":
                    state.KnownHosts ??= ExpandHome(unquoted.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0], state.Home);
                    break;
                case "stricthostkeychecking":
                    state.StrictHostKeyChecking ??= unquoted.ToLowerInvariant();
                    break;
                case "connecttimeout":
                    state.ConnectTimeout ??= int.TryParse(unquoted, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0
                        ? t
                        : throw new InvalidInputException($"{configPath} line {number}: 'ConnectTimeout {value}' is not a number of seconds");
                    break;
                case "proxyjump":
                    state.ProxyJump ??= unquoted;
                    break;
                case "proxycommand":
                    state.ProxyCommand ??= value;
                    break;
                case "kexalgorithms":
                    state.KexAlgorithms ??= unquoted;
                    break;
            }
        }
    }

    /// <summary>The files an Include pattern names, sorted as glob(3) returns them; a relative pattern is under ~/.ssh.</summary>
    private static List<string> Glob(string pattern, string home)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(home, ".ssh", pattern);
        var directory = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return name.Contains('*', StringComparison.Ordinal) || name.Contains('?', StringComparison.Ordinal)
            ? Directory.EnumerateFiles(directory).Where(f => GlobMatches(name, Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList()
            : File.Exists(full) ? [full] : [];
    }

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
