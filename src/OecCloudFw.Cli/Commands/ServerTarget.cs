using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Server.Shells;

namespace OecCloudFw.Cli.Commands;

/// <summary>Which server, and how to reach it; shared by every server verb.</summary>
internal sealed record ServerTarget(
    [Option("host", Description = "Server: address, ssh config Host alias, [user@]host[:port] or [user@][v6addr]:port.")] string? Host = null,
    [Option("ssh-port", Aliases = ["port"], Description = "SSH port (default: the ssh config, else 22). --port is a deprecated alias.")] int? Port = null,
    [Option("user", Description = "SSH user (default: the ssh config, else root); non-root users need NOPASSWD sudo.")] string? User = null,
    [Option("identity", Description = "Private key file, or its .pub (default: the ssh config's IdentityFile, else ~/.ssh/id_*); ssh-agent keys are offered too.")] string? Identity = null,
    [Option("password-env", Description = "Name of an environment variable holding the SSH password.")] string? PasswordEnv = null,
    [Option("known-hosts", Description = "known_hosts file (default: the ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts); hashed entries are understood.")] string? KnownHosts = null,
    [Option("host-key-policy", Description = "strict, accept-new, or off (default: the ssh config's StrictHostKeyChecking, else strict). A changed key is always refused.")] string? HostKeyPolicy = null,
    [Option("ssh-config", Description = "ssh config file, as ssh -F (default: ssh's own, ~/.ssh/config).")] string? SshConfig = null,
    [Option("connect-timeout", Description = "Seconds to wait for the SSH connection (default: the ssh config's ConnectTimeout, else 10).")] int? ConnectTimeout = null,
    [Option("local", Description = "Act on this machine instead of over SSH (e.g. from cloud-init).")] bool Local = false,
    [Option("jump", Description = "Jump hosts, as ssh -J: [user@]host[:port][,...] (default: the ssh config's ProxyJump); none for a direct connection.")] string? Jump = null,
    [Option("passphrase-env", Description = "Name of an environment variable holding the passphrase of an encrypted key no ssh-agent holds.")] string? PassphraseEnv = null) : ICommandParameterSet
{
    /// <summary>The target as the application layer takes it.</summary>
    public SshTarget Target => new(Host, Port, User, Identity, PasswordEnv, KnownHosts, HostKeyPolicy, SshConfig, ConnectTimeout, Local, Jump, PassphraseEnv);

    /// <summary>The flags of a target (an inventory entry's, as plan and apply select it).</summary>
    public static ServerTarget From(SshTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(target.Host, target.Port, target.User, target.Identity, target.PasswordEnv, target.KnownHosts, target.HostKeyPolicy, target.SshConfig, target.ConnectTimeout, target.Local, target.Jump, target.PassphraseEnv);
    }

    public Task<IServerShell> ConnectAsync(IEnvironment environment, CancellationToken cancellationToken = default) => Target.ConnectAsync(environment, cancellationToken);

    /// <summary>Validates every input and applies the ssh config; null means --local. Throws before anything connects.</summary>
    public SshConnectionOptions? Resolve(IEnvironment environment) => Target.Resolve(environment);

    /// <summary>As <see cref="Resolve(IEnvironment)"/>, with the ssh config read by <paramref name="resolver"/>.</summary>
    internal SshConnectionOptions? Resolve(IEnvironment environment, SshConfigResolver resolver) => Target.Resolve(environment, resolver);
}
