using System.Net.Sockets;
using System.Text;
using OecCloudFw.Core;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace OecCloudFw.Server.Shells;

/// <summary>A server reached over SSH (SSH.NET), with host keys checked against known_hosts.</summary>
public sealed class SshShell : IServerShell
{
    private readonly SshConnectionOptions _options;
    private readonly SshClient _client;
    private readonly byte[] _hostKey;
    private readonly SshCredentials _credentials;
    private int _execs;

    private SshShell(SshConnectionOptions options, SshClient client, byte[] hostKey, SshCredentials credentials)
    {
        _options = options;
        _client = client;
        _hostKey = hostKey;
        _credentials = credentials;
    }

    public string Target => _options.Target;

    public string Route =>
        _options.JumpHosts.Count > 0 ? $" through jump host{(_options.JumpHosts.Count > 1 ? "s" : string.Empty)} {string.Join(", ", _options.JumpHosts.Select(j => j.Target))}"
        : !string.IsNullOrWhiteSpace(_options.ProxyCommand) ? $" through ProxyCommand '{_options.ProxyCommand}'"
        : string.Empty;

    public bool CanOpenNewConnection => true;

    public int Execs => _execs;

    /// <summary>The key exchange this session negotiated (e.g. sntrup761x25519-sha512).</summary>
    public string? KeyExchange => _client.ConnectionInfo.CurrentKeyExchangeAlgorithm;

    /// <summary>
    /// The session's first exchange over the network (TCP connect to the server's identification line): an upper bound
    /// of the round-trip time, which sizes the live probe's wait. Null when the session went through a jump host or a proxy.
    /// </summary>
    public TimeSpan? FirstExchange => (_client as TransportedSshClient)?.FirstExchange;

    /// <summary>Connections opened by this process, for the call budget.</summary>
    public static int ConnectionsOpened => s_connections;

    private static int s_connections;

    public static async Task<SshShell> ConnectAsync(SshConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        byte[] seen = [];
        var credentials = SshCredentials.For(options);
        try
        {
            var client = await OpenAsync(options, credentials, cancellationToken, key => seen = key);
            return new SshShell(options, client, seen, credentials);
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    public Task<ShellResult> RunScriptAsync(string script, CancellationToken cancellationToken = default) => RunScriptAsync(script, [], cancellationToken);

    public Task<ShellResult> RunScriptAsync(string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        ExecAsync(_client, script, arguments, cancellationToken);

    /// <summary>The user the tool logs in as.</summary>
    public string User => _options.User;

    /// <summary>True when this connection logs in with a key and no password: a new connection proves a key login.</summary>
    public bool KeyOnly => _options.Password is null;

    public async Task<bool> ProbeNewConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await RunOnNewConnectionAsync(null, "true", [], timeout, cancellationToken) is { ExitCode: 0 };

    public async Task<ShellResult?> RunOnNewConnectionAsync(int? port, string script, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var client = await OpenNewAsync(port ?? _options.Port, timeout, cts.Token);
            return await ExecAsync(client, script, arguments, cts.Token);
        }
        catch (Exception ex) when (ex is LayerFailureException or SshException or SocketException or OperationCanceledException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>A new connection that must meet the very host key the first one met (whatever --host-key-policy let that one accept).</summary>
    private Task<SshClient> OpenNewAsync(int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        port != _options.Port && _options.ProxyCommand is not null
            // The ProxyCommand's %p was expanded to the first port: it would prove the old port, not this one.
            ? throw new LayerFailureException($"a login on port {port} cannot be proven through a ProxyCommand made for port {_options.Port}")
            : OpenAsync(_options with { Port = port, ConnectTimeout = timeout, HostKeyPolicy = HostKeyPolicy.Strict, PinnedHostKey = _hostKey }, _credentials, cancellationToken);

    private async Task<ShellResult> ExecAsync(SshClient client, string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(arguments);
        Interlocked.Increment(ref _execs);

        // $SSH_CONNECTION is expanded by the login shell before sudo resets the environment; every argument reaches
        // the script as one literal word.
        var tail = arguments.Count == 0 ? string.Empty : " -- " + string.Join(' ', arguments.Select(ShellQuote.Quote));
        var command = _options.User == "root"
            ? "OECFW_SSH_CONNECTION=\"$SSH_CONNECTION\" sh -s" + tail
            : "sudo -n env OECFW_SSH_CONNECTION=\"$SSH_CONNECTION\" sh -s" + tail;
        ShellResult result;
        try
        {
            using var ssh = client.CreateCommand(command, Encoding.UTF8);
            var execution = ssh.ExecuteAsync(cancellationToken);
            using (var input = ssh.CreateInputStream())
            {
                var bytes = Encoding.UTF8.GetBytes(script);
                await input.WriteAsync(bytes, cancellationToken);
            }

            await execution;
            result = new ShellResult(ssh.ExitStatus ?? -1, ssh.Result, ssh.Error);
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The session was cut (the network, sshd restarted, the server rebooted): an expected failure, not a bug.
            throw new LayerFailureException($"the SSH session to {_options.Target} was cut ({ex.Message}): check the server and the network, then run again", ex);
        }

        if (_options.User != "root" && result.ExitCode != 0 && result.Stderr.Contains("sudo:", StringComparison.Ordinal))
        {
            throw new LayerFailureException(
                $"{_options.User} on {_options.Host} cannot run commands as root without a password ({result.Stderr.Trim()}): " +
                "grant it NOPASSWD sudo, or connect as root with --user root");
        }

        return result;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _credentials.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<SshClient> OpenHopAsync(SshConnectionOptions hop, SshTransport via, CancellationToken cancellationToken)
    {
        using var credentials = SshCredentials.For(hop);
        return await OpenAsync(hop, credentials, cancellationToken, null, via);
    }

    private static async Task<SshClient> OpenAsync(SshConnectionOptions options, SshCredentials credentials, CancellationToken cancellationToken, Action<byte[]>? keySeen = null, SshTransport? path = null)
    {
        if (credentials.IsEmpty)
        {
            throw new InvalidInputException(
                $"no way to log in to {options.Target}: no key in an ssh-agent (SSH_AUTH_SOCK), no identity file: pass --identity KEY " +
                "(or IdentityFile in ~/.ssh/config), load a key with ssh-add, or pass --password-env VAR");
        }

        // The operator's path (direct, jump hosts, ProxyCommand): the host key below is still checked against options.Host/Port.
        // Each hop logs in with its own credentials (its agent keys, its files), needed only while it logs in.
        var transport = path ?? await SshTransport.OpenAsync(options, OpenHopAsync, cancellationToken);
        var info = new ConnectionInfo(transport.Host, transport.Port, options.User, credentials.Methods(options.User)) { Timeout = options.ConnectTimeout };
        try
        {
            KeyExchangePreference.Apply(info, options.KexAlgorithms, options.Target);
        }
        catch
        {
            transport.Dispose();
            throw;
        }

        var client = new TransportedSshClient(info, transport);
        long started = 0;
        if (transport.Via is null)
        {
            client.ServerIdentificationReceived += (_, _) => client.FirstExchange = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        string? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            keySeen?.Invoke(e.HostKey);
            if (options.PinnedHostKey is { Count: > 0 } pinned)
            {
                e.CanTrust = pinned.SequenceEqual(e.HostKey);
                refusal = e.CanTrust ? null : $"the host key of {options.Host} changed between two connections of this run ({e.HostKeyName} SHA256:{e.FingerPrintSHA256})";
                return;
            }

            var knownHosts = new KnownHosts(options.KnownHostsPath);
            var verdict = knownHosts.Check(options.Host, options.Port, e.HostKeyName, e.HostKey);
            switch (verdict)
            {
                case KnownHosts.Match.Known:
                    e.CanTrust = true;
                    break;
                case KnownHosts.Match.Changed:
                    refusal = $"the host key of {KnownHosts.HostPattern(options.Host, options.Port)} has CHANGED ({e.HostKeyName} SHA256:{e.FingerPrintSHA256}): " +
                              $"someone may be intercepting the connection, or the server was rebuilt. Check it, then remove the old line from {options.KnownHostsPath}";
                    e.CanTrust = false;
                    break;
                case KnownHosts.Match.Revoked:
                    refusal = $"the host key of {options.Host} is marked @revoked in {options.KnownHostsPath}";
                    e.CanTrust = false;
                    break;
                default:
                    if (options.HostKeyPolicy == HostKeyPolicy.AcceptNew)
                    {
                        // Checked again under the lock: a parallel connection may have added this host meanwhile.
                        var added = knownHosts.AddIfUnknown(options.Host, options.Port, e.HostKeyName, e.HostKey);
                        e.CanTrust = added is KnownHosts.Match.Unknown or KnownHosts.Match.Known;
                        refusal = e.CanTrust ? null : $"the host key of {KnownHosts.HostPattern(options.Host, options.Port)} ({e.HostKeyName} SHA256:{e.FingerPrintSHA256}) differs from the one just added to {options.KnownHostsPath}";
                    }
                    else if (options.HostKeyPolicy == HostKeyPolicy.Off)
                    {
                        e.CanTrust = true;
                    }
                    else
                    {
                        refusal = $"the host key of {KnownHosts.HostPattern(options.Host, options.Port)} ({e.HostKeyName} SHA256:{e.FingerPrintSHA256}) is not in {options.KnownHostsPath}: " +
                                  "add it (ssh-keyscan, or connect once with ssh) or pass --host-key-policy accept-new";
                        e.CanTrust = false;
                    }

                    break;
            }
        };

        try
        {
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            await client.ConnectAsync(cancellationToken);
            Interlocked.Increment(ref s_connections);
            return client;
        }
        catch (OperationCanceledException)
        {
            client.Dispose();
            throw;
        }
        catch (Exception ex) when (refusal is not null)
        {
            client.Dispose();
            throw new LayerFailureException(refusal, ex);
        }
        catch (FormatException ex)
        {
            // The agent answered with malformed SSH data while signing.
            client.Dispose();
            throw new LayerFailureException($"logging in to {options.Target}: the ssh-agent's answer was malformed ({ex.Message}): check the agent (SSH_AUTH_SOCK, IdentityAgent)", ex);
        }
        catch (Exception ex) when (ex is InvalidInputException or LayerFailureException)
        {
            // From the authentication itself: an encrypted key with no passphrase, a wrong one, an agent that refused.
            client.Dispose();
            throw;
        }
        catch (SshAuthenticationException ex)
        {
            client.Dispose();
            throw new LayerFailureException($"{options.Target} refused the login ({ex.Message}; offered {credentials.Summary}): check --user, --identity, the agent's keys or the password", ex);
        }
        catch (SshConnectionException ex) when (ex.DisconnectReason == Renci.SshNet.Messages.Transport.DisconnectReason.KeyExchangeFailed
                                                || ex.Message.Contains("key exchange algorithm", StringComparison.OrdinalIgnoreCase))
        {
            client.Dispose();
            throw new LayerFailureException(
                $"{options.Host}:{options.Port} and the tool have no key exchange in common ({ex.Message}); the tool offered {string.Join(",", info.KeyExchangeAlgorithms.Keys)} " +
                "(KexAlgorithms from the ssh config, else OpenSSH's default): allow one of them in KexAlgorithms, on the server (sshd_config) or in the ssh config", ex);
        }
        catch (Exception ex) when (ex is SocketException or SshConnectionException or SshOperationTimeoutException or TimeoutException)
        {
            var via = transport.Explain();
            client.Dispose();
            throw new LayerFailureException($"cannot reach {options.Host}:{options.Port} over SSH{via} ({ex.Message}): check the address, the port, and the cloud and server firewalls", ex);
        }
    }
}
