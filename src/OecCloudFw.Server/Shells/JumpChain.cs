using OecCloudFw.Core;
using Renci.SshNet;

namespace OecCloudFw.Server.Shells;

/// <summary>
/// ProxyJump: hop 1 is reached as a connection of its own (its user, port, keys, known_hosts, host key policy), each
/// next hop and then the server through the hop before it. SSH.NET 2026.0.0 has no public direct-tcpip stream, so a
/// hop's <see cref="ForwardedPortLocal"/> (127.0.0.1, a port the kernel picks) carries the next connection, as
/// <c>ssh -W</c> carries OpenSSH's; every host key is still checked against that host's own name and port.
/// </summary>
internal static class JumpChain
{
    public static async Task<SshTransport> OpenAsync(
        SshConnectionOptions options, Func<SshConnectionOptions, SshTransport, CancellationToken, Task<SshClient>> open, CancellationToken cancellationToken)
    {
        var owned = new List<IDisposable>();
        try
        {
            SshClient? previous = null;
            SshConnectionOptions? previousHop = null;
            foreach (var hop in options.JumpHosts)
            {
                // Hop 1 takes its own path (its own ProxyCommand, if it has one); a later hop goes through the one before.
                var path = previous is null
                    ? await SshTransport.OpenAsync(hop with { JumpHosts = [] }, open, cancellationToken)
                    : Forward(previous, previousHop!, hop.Host, hop.Port, owned, []);
                try
                {
                    previous = await open(hop with { JumpHosts = [], ProxyCommand = previous is null ? hop.ProxyCommand : null }, path, cancellationToken);
                }
                catch (LayerFailureException ex)
                {
                    throw new LayerFailureException($"jump host {hop.Target}: {ex.Message}", ex);
                }
                catch (InvalidInputException)
                {
                    // Refused before a client took the path over (no way to log in to the hop): close it here.
                    path.Dispose();
                    throw;
                }

                owned.Add(previous);
                previousHop = hop;
            }

            return Forward(previous!, previousHop!, options.Host, options.Port, owned, owned);
        }
        catch
        {
            SshTransport.Through(string.Empty, 0, string.Empty, null, [.. owned]).Dispose();
            throw;
        }
    }

    /// <summary>A loopback port on the hop's client whose connections the hop opens on to host:port.</summary>
    /// <param name="hop">The hop's connected client.</param>
    /// <param name="hopOptions">The hop, for messages.</param>
    /// <param name="host">Where the hop connects on to.</param>
    /// <param name="port">Its port.</param>
    /// <param name="owned">What the chain owns so far; the forwarded port is added.</param>
    /// <param name="transportOwns">What the returned transport owns (the whole chain for the last hop, nothing for an inner one).</param>
    private static SshTransport Forward(SshClient hop, SshConnectionOptions hopOptions, string host, int port, List<IDisposable> owned, List<IDisposable> transportOwns)
    {
        var forward = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        string? failure = null;
        forward.Exception += (_, e) => failure = e.Exception.Message;
        hop.AddForwardedPort(forward);
        owned.Add(forward);
        forward.Start();
        return SshTransport.Through("127.0.0.1", (int)forward.BoundPort, $"jump host {hopOptions.Target}",
            () => failure is null ? string.Empty : $"it could not open a channel to {KnownHosts.HostPattern(host, port)}: {failure}", [.. transportOwns]);
    }
}
