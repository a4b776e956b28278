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
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var client = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await client.ConnectAsync(host, port, cts.Token);
                return Reachability.Open;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return Reachability.Closed;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                return Reachability.Filtered;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer: retry once, then call it filtered.
            }
        }

        return Reachability.Filtered;
    }
}
