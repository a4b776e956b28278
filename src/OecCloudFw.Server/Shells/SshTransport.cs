namespace OecCloudFw.Server.Shells;

/// <summary>
/// The path an SSH connection takes to its server: straight to the server's address, through jump hosts
/// (<see cref="SshConnectionOptions.JumpHosts"/>), or through a ProxyCommand (<see cref="SshConnectionOptions.ProxyCommand"/>).
/// SSH.NET connects only to a TCP endpoint, so a jump or a proxy is a loopback endpoint (127.0.0.1, a port of the
/// kernel's choosing) that carries the bytes to the server; the host key is still checked against the server's own
/// name and port. Owns what carries the connection (hops, forwarded ports, the proxy process) until disposed.
/// </summary>
internal sealed class SshTransport : IDisposable
{
    private readonly IDisposable[] _owned;
    private readonly Func<string>? _detail;

    private SshTransport(string host, int port, string? via, Func<string>? detail, IDisposable[] owned)
    {
        Host = host;
        Port = port;
        Via = via;
        _detail = detail;
        _owned = owned;
    }

    /// <summary>Where the SSH client connects (the server itself, or a loopback endpoint).</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>"jump host root@b:22" or "ProxyCommand '…'"; null for a direct connection.</summary>
    public string? Via { get; }

    /// <summary>Opens the hops a connection needs (not the connection itself). Both a jump and a proxy: exit 2.</summary>
    /// <param name="options">The connection.</param>
    /// <param name="open">Opens an SSH client to a hop over the given transport (SshShell's open logic: keys, known_hosts).</param>
    /// <param name="cancellationToken">Ctrl+C, the proof's timeout.</param>
    public static async Task<SshTransport> OpenAsync(
        SshConnectionOptions options, Func<SshConnectionOptions, SshTransport, CancellationToken, Task<Renci.SshNet.SshClient>> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.JumpHosts.Count > 0 && !string.IsNullOrWhiteSpace(options.ProxyCommand))
        {
            throw new OecCloudFw.Core.InvalidInputException(
                $"{options.Target} has both jump hosts (ProxyJump, --jump, jump:) and a ProxyCommand: give one. " +
                "In ssh_config, OpenSSH's rule applies: whichever of ProxyJump and ProxyCommand comes first wins");
        }

        if (options.JumpHosts.Count > 0)
        {
            return await JumpChain.OpenAsync(options, open, cancellationToken);
        }

        return string.IsNullOrWhiteSpace(options.ProxyCommand) ? Direct(options.Host, options.Port) : ProxyCommandTransport.Start(options.ProxyCommand);
    }

    public static SshTransport Direct(string host, int port) => new(host, port, null, null, []);

    public static SshTransport Through(string host, int port, string via, Func<string>? detail, IDisposable[] owned) => new(host, port, via, detail, owned);

    /// <summary>What a failure message adds: " through jump host …: what it said", or the proxy's stderr.</summary>
    public string Explain()
    {
        if (Via is null)
        {
            return string.Empty;
        }

        var detail = _detail?.Invoke();
        return string.IsNullOrWhiteSpace(detail) ? $" through {Via}" : $" through {Via} ({detail.Trim()})";
    }

    public void Dispose()
    {
        // The innermost first: the forwarded port before the hop that carries it, a later hop before an earlier one.
        for (var i = _owned.Length - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or Renci.SshNet.Common.SshException or System.Net.Sockets.SocketException)
            {
                // Tearing down a path that is already gone.
            }
        }
    }
}
