using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Cli.Commands;

/// <summary>Which server, and how to reach it; shared by every server verb.</summary>
public sealed partial record ServerTarget(
    [Option("host", Description = "Server address or ~/.ssh/config Host alias.")] string? Host = null,
    [Option("port", Description = "SSH port (default: ~/.ssh/config, else 22).")] int? Port = null,
    [Option("user", Description = "SSH user (default: ~/.ssh/config, else root); non-root users need NOPASSWD sudo.")] string? User = null,
    [Option("identity", Description = "Private key file (default: ~/.ssh/config IdentityFile, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa).")] string? Identity = null,
    [Option("password-env", Description = "Name of an environment variable holding the SSH password.")] string? PasswordEnv = null,
    [Option("known-hosts", Description = "known_hosts file (default ~/.ssh/known_hosts); hashed entries are understood.")] string? KnownHosts = null,
    [Option("host-key-policy", Description = "strict (default), accept-new, or off. A changed key is always refused.")] string HostKeyPolicy = "strict",
    [Option("ssh-config", Description = "ssh config file (default ~/.ssh/config).")] string? SshConfig = null,
    [Option("connect-timeout", Description = "Seconds to wait for the SSH connection.")] int ConnectTimeout = 10,
    [Option("local", Description = "Act on this machine instead of over SSH (e.g. from cloud-init).")] bool Local = false) : ICommandParameterSet
{
    public async Task<IServerShell> ConnectAsync(IEnvironment environment, CancellationToken cancellationToken = default)
    {
        var options = Resolve(environment);
        return options is null ? new LocalShell() : await SshShell.ConnectAsync(options, cancellationToken);
    }

    /// <summary>Validates every input and applies ~/.ssh/config; null means --local. Throws before anything connects.</summary>
    public SshConnectionOptions? Resolve(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (Local)
        {
            return Host is null ? null : throw new InvalidInputException("--local and --host exclude each other");
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new InvalidInputException("--host is required (or --local to act on this machine)");
        }

        if (!HostPattern().IsMatch(Host))
        {
            throw new InvalidInputException($"'{Host}' is not a host name, address or ssh alias");
        }

        var home = environment.Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var config = Server.Shells.SshConfig.Resolve(Host, SshConfig ?? Path.Combine(home, ".ssh", "config"));
        var host = config.HostName ?? Host;
        if (!HostPattern().IsMatch(host))
        {
            // ssh_config is input like a flag: the same rules.
            throw new InvalidInputException($"HostName '{host}' (from the ssh config for {Host}) is not a host name or address");
        }

        var port = Port ?? config.Port ?? 22;
        if (port is < 1 or > 65535)
        {
            throw new InvalidInputException($"--port {port.ToString(CultureInfo.InvariantCulture)} is not a port: use 1-65535");
        }

        var user = User ?? config.User ?? "root";
        if (!UserPattern().IsMatch(user))
        {
            throw new InvalidInputException($"'{user}' is not a valid user name");
        }

        var policy = HostKeyPolicy.ToLowerInvariant() switch
        {
            "strict" or "yes" => Server.Shells.HostKeyPolicy.Strict,
            "accept-new" => Server.Shells.HostKeyPolicy.AcceptNew,
            "off" or "no" => Server.Shells.HostKeyPolicy.Off,
            _ => throw new InvalidInputException($"--host-key-policy '{HostKeyPolicy}' is not a policy: use strict, accept-new or off"),
        };
        if (ConnectTimeout is < 1 or > 300)
        {
            throw new InvalidInputException("--connect-timeout must be 1-300 seconds");
        }

        string? password = null;
        if (PasswordEnv is not null)
        {
            password = environment.Variable(PasswordEnv) ?? throw new InvalidInputException($"--password-env {PasswordEnv}: that environment variable is not set");
        }

        var identities = new List<string>();
        var identity = Identity ?? config.IdentityFile;
        if (identity is not null)
        {
            identity = Server.Shells.SshConfig.ExpandHome(identity);
            if (!File.Exists(identity))
            {
                throw new InvalidInputException($"identity file '{identity}' not found");
            }

            identities.Add(identity);
        }
        else
        {
            identities.AddRange(DefaultKeys.Select(k => Path.Combine(home, ".ssh", k)).Where(File.Exists));
        }

        return new SshConnectionOptions
        {
            Host = host,
            Port = port,
            User = user,
            IdentityFiles = identities,
            Password = password,
            KnownHostsPath = KnownHosts ?? Path.Combine(home, ".ssh", "known_hosts"),
            HostKeyPolicy = policy,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout),
        };
    }

    private static readonly string[] DefaultKeys = ["id_ed25519", "id_ecdsa", "id_rsa"];

    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[?[0-9A-Fa-f:.]+\]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserPattern();
}
