using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Application.Targets;

/// <summary>
/// Which server, and how to reach it, as the operator gave it (flags, an inventory entry): resolved through the
/// operator's own ssh configuration (ssh -G), agent, keys and jump hosts into the connection the tool opens.
/// Messages name the flags (--host, --identity, …) as the CLI spells them.
/// </summary>
public sealed partial record SshTarget(
    string? Host = null,
    int? Port = null,
    string? User = null,
    string? Identity = null,
    string? PasswordEnv = null,
    string? KnownHosts = null,
    string? HostKeyPolicy = null,
    string? SshConfig = null,
    int? ConnectTimeout = null,
    bool Local = false,
    string? Jump = null,
    string? PassphraseEnv = null)
{
    public async Task<IServerShell> ConnectAsync(IEnvironment environment, CancellationToken cancellationToken = default)
    {
        var options = Resolve(environment);
        return options is null ? new LocalShell() : await SshShell.ConnectAsync(options, cancellationToken);
    }

    /// <summary>Validates every input and applies the ssh config; null means --local. Throws before anything connects.</summary>
    public SshConnectionOptions? Resolve(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var home = Home(environment);
        return Resolve(environment, SshConfigResolver.ForMachine(home, environment.Variable("PATH")));
    }

    /// <summary>As <see cref="Resolve(IEnvironment)"/>, with the ssh config read by <paramref name="resolver"/>.</summary>
    public SshConnectionOptions? Resolve(IEnvironment environment, SshConfigResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(resolver);
        if (Local)
        {
            return Host is null ? null : throw new InvalidInputException("--local and --host exclude each other");
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new InvalidInputException("--host is required (or --local to act on this machine)");
        }

        var spec = SshDestination.Parse(Host, "--host");
        if (spec.User is not null && User is not null && spec.User != User)
        {
            throw new InvalidInputException($"--host {Host} names user {spec.User} but --user is {User}: give one");
        }

        if (spec.Port is not null && Port is not null && spec.Port != Port)
        {
            throw new InvalidInputException($"--host {Host} names port {spec.Port} but --ssh-port is {Port}: give one");
        }

        if (Port is < 1 or > 65535)
        {
            throw new InvalidInputException($"--ssh-port {Port.Value.ToString(CultureInfo.InvariantCulture)} is not a port: use 1-65535");
        }

        if (ConnectTimeout is < 1 or > 300)
        {
            throw new InvalidInputException("--connect-timeout must be 1-300 seconds");
        }

        if (User is not null && !UserPattern().IsMatch(User))
        {
            throw new InvalidInputException($"--user '{User}' is not a valid user name");
        }

        var context = new ResolveContext(environment, resolver, ConfigFile(resolver.Home), Policy(HostKeyPolicy, "--host-key-policy"));
        var passphrase = PassphraseEnv is null
            ? null
            : environment.Variable(PassphraseEnv) ?? throw new InvalidInputException($"--passphrase-env {PassphraseEnv}: that environment variable is not set");
        string? password = null;
        if (PasswordEnv is not null)
        {
            password = environment.Variable(PasswordEnv) ?? throw new InvalidInputException($"--password-env {PasswordEnv}: that environment variable is not set");
        }

        var options = Connection(context, spec with { User = spec.User ?? User, Port = spec.Port ?? Port }, Identity is null ? null : PrivateKeyOf(Identity, resolver.Home), depth: 0, Jump);
        return options with
        {
            Password = password,
            Passphrase = passphrase,
            JumpHosts = [.. options.JumpHosts.Select(j => j with { Passphrase = passphrase })],
        };
    }

    /// <summary>The connection to one host (the target, or a jump host), its config resolved and checked.</summary>
    private SshConnectionOptions Connection(ResolveContext context, SshDestination spec, string? identity, int depth, string? jump)
    {
        if (depth > 8)
        {
            throw new InvalidInputException($"the ProxyJump chain to {spec.Host} is more than 8 hosts long (a loop in the ssh config?)");
        }

        var config = context.Resolver.Resolve(spec.Host, context.ConfigFile, spec.Port, spec.User);
        var host = config.HostName;
        if (!HostPattern().IsMatch(host))
        {
            // ssh_config is input like a flag: the same rules.
            throw new InvalidInputException($"HostName '{host}' (from the ssh config for {spec.Host}) is not a host name or address");
        }

        var port = spec.Port ?? config.Port ?? 22;
        // ssh -G reports the local user when none is configured; the tool's default is root.
        var user = spec.User ?? (config.User is { } configured && configured != Environment.UserName ? configured : "root");
        if (!UserPattern().IsMatch(user))
        {
            throw new InvalidInputException($"'{user}' (the user for {spec.Host}) is not a valid user name");
        }

        var home = context.Resolver.Home;
        IReadOnlyList<string> identities = identity is not null ? [identity]
            : config.DefaultIdentityFiles
                ? [.. DefaultKeys.Select(k => Path.Combine(home, ".ssh", k)).Where(File.Exists)]
                : [.. config.IdentityFiles.Where(File.Exists)];
        var jumps = (jump ?? config.ProxyJump) is { } chain && !chain.Equals("none", StringComparison.OrdinalIgnoreCase)
            ? chain.Split(',', StringSplitOptions.TrimEntries).SelectMany(hop =>
            {
                var hopSpec = SshDestination.Parse(hop, jump is null ? $"ProxyJump (ssh config for {spec.Host})" : "--jump");
                var hopOptions = Connection(context, hopSpec, null, depth + 1, null);
                // A hop reached through hops of its own: those first (outermost first), then the hop itself.
                return hopOptions.JumpHosts.Append(hopOptions with { JumpHosts = [] });
            }).ToList()
            : [];
        var proxyCommand = jumps.Count == 0 && config.ProxyCommand is { } command
            ? ExpandTokens(command, host, port, user, spec.Host)
            : null;
        return new SshConnectionOptions
        {
            Host = host,
            Port = port,
            User = user,
            IdentityFiles = identities,
            CertificateFiles = [.. config.CertificateFiles.Where(File.Exists)],
            IdentitiesOnly = config.IdentitiesOnly,
            IdentityAgent = Agent(config.IdentityAgent, context.Environment, home),
            KnownHostsPath = KnownHosts ?? config.UserKnownHostsFile ?? Path.Combine(home, ".ssh", "known_hosts"),
            HostKeyPolicy = context.Policy ?? Policy(config.StrictHostKeyChecking, $"StrictHostKeyChecking (ssh config for {spec.Host})") ?? Server.Shells.HostKeyPolicy.Strict,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout ?? config.ConnectTimeout ?? 10),
            PassphrasePrompt = CanPrompt() ? PromptPassphrase : null,
            JumpHosts = jumps,
            ProxyCommand = proxyCommand,
            KexAlgorithms = KeyExchangePreference.Wanted(config.KexAlgorithms),
        };
    }

    private sealed record ResolveContext(IEnvironment Environment, SshConfigResolver Resolver, string? ConfigFile, Server.Shells.HostKeyPolicy? Policy);

    /// <summary>
    /// The config file to give ssh -G: --ssh-config; else none (ssh's own) — unless $HOME is not the home ssh uses
    /// (the password database's), when $HOME/.ssh/config is named so that ssh and the tool read the same file.
    /// </summary>
    private string? ConfigFile(string home)
    {
        if (SshConfig is not null)
        {
            return File.Exists(SshConfig) ? SshConfig : throw new InvalidInputException($"--ssh-config '{SshConfig}' not found");
        }

        if (PasswdHome() is { } passwd && !string.Equals(Path.GetFullPath(passwd).TrimEnd('/'), Path.GetFullPath(home).TrimEnd('/'), StringComparison.Ordinal))
        {
            var own = Path.Combine(home, ".ssh", "config");
            return File.Exists(own) ? own : "/dev/null";
        }

        return null;
    }

    private static string Home(IEnvironment environment) =>
        environment.Variable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The current user's home in /etc/passwd (where OpenSSH takes ~ from), or null when it cannot be read.</summary>
    private static string? PasswdHome()
    {
        try
        {
            var name = Environment.UserName;
            return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 6 && f[0] == name)?[5];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The agent socket: IdentityAgent (a path, SSH_AUTH_SOCK, $VAR, none), else $SSH_AUTH_SOCK.</summary>
    private static string? Agent(string? configured, IEnvironment environment, string home) => configured switch
    {
        null or "SSH_AUTH_SOCK" => environment.Variable("SSH_AUTH_SOCK") is { Length: > 0 } socket ? socket : null,
        "none" => null,
        _ when configured.StartsWith('$') => environment.Variable(configured[1..]),
        _ => Server.Shells.SshConfig.ExpandHome(configured.Trim('"'), home),
    };

    /// <summary>--identity: a private key, or a public key whose private key is beside it.</summary>
    private static string PrivateKeyOf(string identity, string home)
    {
        var path = Server.Shells.SshConfig.ExpandHome(identity, home);
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"--identity: key file '{path}' not found");
        }

        if (!path.EndsWith(".pub", StringComparison.Ordinal) && !SshKeys.IsPublicKeyFile(path))
        {
            return path;
        }

        var priv = path.EndsWith(".pub", StringComparison.Ordinal) ? path[..^4] : path;
        return priv != path && File.Exists(priv) && !SshKeys.IsPublicKeyFile(priv)
            ? priv
            : throw new InvalidInputException($"--identity '{path}' is a public key and its private key ({priv}) is not beside it: pass the private key file");
    }

    private static Server.Shells.HostKeyPolicy? Policy(string? value, string source) => value?.ToLowerInvariant() switch
    {
        null => null,
        "strict" or "yes" or "ask" => Server.Shells.HostKeyPolicy.Strict,
        "accept-new" => Server.Shells.HostKeyPolicy.AcceptNew,
        "off" or "no" => Server.Shells.HostKeyPolicy.Off,
        _ => throw new InvalidInputException($"{source} '{value}' is not a policy: use strict, accept-new or off"),
    };

    /// <summary>ProxyCommand's tokens, as ssh expands them: %h host, %p port, %r user, %n the name given, %% a percent.</summary>
    private static string ExpandTokens(string command, string host, int port, string user, string alias)
    {
        var result = new StringBuilder();
        for (var i = 0; i < command.Length; i++)
        {
            if (command[i] != '%' || i + 1 == command.Length)
            {
                result.Append(command[i]);
                continue;
            }

            i++;
            result.Append(command[i] switch
            {
                'h' => host,
                'p' => port.ToString(CultureInfo.InvariantCulture),
                'r' => user,
                'n' => alias,
                '%' => "%",
                _ => throw new InvalidInputException($"ProxyCommand '{command}': token %{command[i]} is not supported (use %h, %p, %r, %n or %%)"),
            });
        }

        return result.ToString();
    }

    private static bool CanPrompt() => !Console.IsInputRedirected && !Console.IsErrorRedirected;

    private static readonly Lock s_prompt = new();
    private static readonly Dictionary<string, string> s_entered = new(StringComparer.Ordinal);

    /// <summary>
    /// Asks for a key's passphrase on the terminal, without echo: one prompt at a time (a fleet connects in parallel),
    /// and once per key in a run (every server and every hop that uses the key, the lockout proof's connection too).
    /// </summary>
    private static string? PromptPassphrase(string key)
    {
        lock (s_prompt)
        {
            if (!s_entered.TryGetValue(key, out var entered))
            {
                entered = ReadPassphrase(key);
                s_entered[key] = entered;
            }

            return entered;
        }
    }

    private static string ReadPassphrase(string key)
    {
        Console.Error.Write($"Enter passphrase for key '{key}': ");
        var passphrase = new StringBuilder();
        while (true)
        {
            var pressed = Console.ReadKey(intercept: true);
            if (pressed.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (pressed.Key == ConsoleKey.Backspace)
            {
                passphrase.Length = Math.Max(0, passphrase.Length - 1);
            }
            else if (!char.IsControl(pressed.KeyChar))
            {
                passphrase.Append(pressed.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return passphrase.ToString();
    }

    private static readonly string[] DefaultKeys = ["id_ed25519", "id_ecdsa", "id_rsa"];

    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|[0-9A-Fa-f:.]+)$", RegexOptions.CultureInvariant)]
    internal static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant)]
    internal static partial Regex UserPattern();
}
