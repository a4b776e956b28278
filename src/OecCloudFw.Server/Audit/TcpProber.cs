using System.Net.Sockets;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Server.Audit;

/// <summary>Live reachability from where the tool runs: a TCP connect per port; a timeout is retried once before "filtered".</summary>
public static class TcpProber
{
    public static async Task<IReadOnlyDictionary<int, Reachability>> ProbeAsync(string host, IEnumerable<int> ports, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var tasks = ports.Distinct().Select(async port => (port, await ConnectAsync(host, port, timeout, cancellationToken)));
        return (await Task.WhenAll(tasks)).ToDictionary(t => t.port, t => t.Item2);
    }

    /// <summary>One TCP connect: open, closed (refused), or filtered (no answer twice, or unreachable).</summary>
    public static async Task<Reachability> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (reachability, client) = await OpenAsync(host, port, timeout, cancellationToken);
        client?.Dispose();
        return reachability;
    }

    /// <summary>As <see cref="ConnectAsync"/>, keeping the connection when the port is open (the caller disposes it).</summary>
    public static async Task<(Reachability Reachability, TcpClient? Client)> OpenAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var client = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await client.ConnectAsync(host, port, cts.Token);
                return (Reachability.Open, client);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                client.Dispose();
                return (Reachability.Closed, null);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                client.Dispose();
                return (Reachability.Filtered, null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer: retry once, then call it filtered.
                client.Dispose();
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        return (Reachability.Filtered, null);
    }
}
