using System.Diagnostics;
using System.Globalization;
using OecCloudFw.Core;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// Resolves a host's ssh_config exactly as <c>ssh HOST</c> would: by asking OpenSSH's client (<c>ssh -G</c>: Include,
/// Match, canonicalisation, tokens, <c>Host *</c> defaults, /etc/ssh/ssh_config), or with the built-in parser
/// (<see cref="SshConfig"/>) where <c>ssh</c> is not installed.
/// </summary>
/// <param name="home">The tool's home ($HOME): where <c>~</c> in the answers points.</param>
/// <param name="ssh">The ssh client to ask; null: the built-in parser (the seam the tests use to make ssh absent).</param>
public sealed class SshConfigResolver(string home, string? ssh)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The resolver for this machine: ssh -G when <c>ssh</c> is on the PATH.</summary>
    public static SshConfigResolver ForMachine(string home, string? path) => new(home, FindOnPath("ssh", path));

    public string Home => home;

    /// <summary>True when OpenSSH's client answers (ssh -G), false for the built-in parser.</summary>
    public bool UsesOpenSsh => ssh is not null;

    /// <summary>
    /// The config for <paramref name="host"/> (already validated: never starts with '-'); <paramref name="configFile"/>
    /// null means ssh's own (~/.ssh/config from the password database, and /etc/ssh/ssh_config).
    /// </summary>
    public SshHostConfig Resolve(string host, string? configFile, int? port, string? user)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.StartsWith('-'))
        {
            throw new InvalidInputException($"'{host}' is not a host name");
        }

        if (ssh is null)
        {
            return SshConfig.Resolve(host, configFile ?? Path.Combine(home, ".ssh", "config"), home);
        }

        var arguments = new List<string> { "-G" };
        if (configFile is not null)
        {
            arguments.AddRange(["-F", configFile]);
        }

        if (port is { } p)
        {
            arguments.AddRange(["-p", p.ToString(CultureInfo.InvariantCulture)]);
        }

        if (user is not null)
        {
            arguments.AddRange(["-l", user]);
        }

        arguments.Add(host);
        return Parse(Run(arguments, host), home);
    }

    /// <summary>Parses <c>ssh -G</c> output (lowercase keyword, a space, the value; repeated keywords in order).</summary>
    public static SshHostConfig Parse(string output, string home)
    {
        ArgumentNullException.ThrowIfNull(output);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                var key = line[..space];
                if (!values.TryGetValue(key, out var list))
                {
                    values[key] = list = [];
                }

                list.Add(line[(space + 1)..]);
            }
        }

        string? One(string key) => values.TryGetValue(key, out var list) ? list[0] : null;
        var identities = values.GetValueOrDefault("identityfile") ?? [];
        // ssh lists its seven defaults when no IdentityFile is configured: then the tool's own $HOME is used for them.
        var defaults = identities.SequenceEqual(SshConfig.DefaultIdentityFiles.Select(f => "~/.ssh/" + f));
        var knownHosts = One("userknownhostsfile")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // ssh's default, expanded from the password database: "H/.ssh/known_hosts H/.ssh/known_hosts2".
        var defaultKnownHosts = knownHosts is [var first, var second] && first.EndsWith("/.ssh/known_hosts", StringComparison.Ordinal) && second == first + "2";
        return new SshHostConfig
        {
            HostName = One("hostname") ?? throw new LayerFailureException("ssh -G printed no hostname"),
            Port = int.TryParse(One("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null,
            User = One("user"),
            IdentityFiles = [.. identities.Select(i => SshConfig.ExpandHome(i, home))],
            DefaultIdentityFiles = defaults,
            CertificateFiles = [.. (values.GetValueOrDefault("certificatefile") ?? []).Select(c => SshConfig.ExpandHome(c, home))],
            IdentitiesOnly = One("identitiesonly") == "yes",
            IdentityAgent = One("identityagent"),
            UserKnownHostsFile = knownHosts is { Length: > 0 } && !defaultKnownHosts ? SshConfig.ExpandHome(knownHosts[0], home) : null,
            StrictHostKeyChecking = One("stricthostkeychecking"),
            ConnectTimeout = int.TryParse(One("connecttimeout"), NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) ? timeout : null,
            ProxyJump = One("proxyjump") is { } jump and not "none" ? jump : null,
            ProxyCommand = One("proxycommand") is { } command and not "none" ? command : null,
            KexAlgorithms = One("kexalgorithms"),
        };
    }

    private string Run(List<string> arguments, string host)
    {
        var start = new ProcessStartInfo(ssh!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new LayerFailureException($"cannot run {ssh} -G");
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill();
                throw new LayerFailureException($"ssh -G {host} did not finish in {Timeout.TotalSeconds:0} s (a Match exec in the ssh config?)");
            }

            var errors = string.Join("; ", stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith("Pseudo-terminal", StringComparison.Ordinal)));
            return process.ExitCode == 0
                ? stdout
                : throw new InvalidInputException($"the ssh config for '{host}' is not usable: ssh -G says: {errors}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LayerFailureException($"cannot run {ssh} ({ex.Message})", ex);
        }
    }

    private static string? FindOnPath(string name, string? path) =>
        (path ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
