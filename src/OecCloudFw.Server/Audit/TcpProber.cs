using System.Net;
using System.Net.Sockets;
using OecCloudFw.Core;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Server.Audit;

/// <summary>
/// Live reachability from where the tool runs: a TCP connect per port, every port at once. An open port (SYN-ACK) and a
/// refused one (RST) answer at network speed; only silence waits, as long as <see cref="ProbeTiming"/> says, and a port
/// silent twice is filtered.
/// </summary>
public static class TcpProber
{
    /// <summary>Probes every port at once; the ports that got no answer are probed once more, then called filtered.</summary>
    public static async Task<ProbeResult> ProbeAsync(string host, IEnumerable<int> ports, ProbeTiming timing, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(timing);
        time ??= TimeProvider.System;
        var address = await ResolveAsync(host, cancellationToken);
        var pending = ports.Distinct().ToList();
        var verdicts = new Dictionary<int, Reachability>();
        var retried = new List<int>();
        for (var attempt = 0; attempt < 2 && pending.Count > 0; attempt++)
        {
            (var answered, timing) = await RoundAsync(address, pending, timing, time, cancellationToken);
            foreach (var (port, reachability) in answered)
            {
                verdicts[port] = reachability;
            }

            pending = [.. pending.Where(p => !answered.ContainsKey(p))];
            if (attempt == 0)
            {
                // No answer may mean a lost SYN (or a lost answer): only those are probed again.
                retried.AddRange(pending);
            }
        }

        foreach (var port in pending)
        {
            verdicts[port] = Reachability.Filtered;
        }

        return new ProbeResult(verdicts, timing, retried);
    }

    /// <summary>One attempt at every port at once, under one deadline that a slow answer stretches (within the cap).</summary>
    private static async Task<(Dictionary<int, Reachability> Answered, ProbeTiming Timing)> RoundAsync(IPAddress address, List<int> ports, ProbeTiming timing, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timing.Wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var gate = new Lock();
        var wait = timing.Wait;
        var start = time.GetTimestamp();

        void Answered()
        {
            var took = time.GetElapsedTime(start);
            lock (gate)
            {
                var stretched = timing.Stretched(took);
                if (stretched > wait && !deadline.IsCancellationRequested)
                {
                    wait = stretched;
                    deadline.CancelAfter(stretched - took);
                }
            }
        }

        async Task<(int Port, Reachability? Reachability)> OneAsync(int port)
        {
            using var client = new TcpClient(address.AddressFamily);
            try
            {
                await client.ConnectAsync(address, port, linked.Token);
                Answered();
                return (port, Reachability.Open);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                Answered();
                return (port, Reachability.Closed);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // An ICMP unreachable is an answer: a filter that says so.
                Answered();
                return (port, Reachability.Filtered);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (port, null);
            }
        }

        var results = await Task.WhenAll(ports.Select(OneAsync));
        lock (gate)
        {
            return (results.Where(r => r.Reachability is not null).ToDictionary(r => r.Port, r => r.Reachability!.Value), timing.With(wait));
        }
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            return addresses.FirstOrDefault() ?? throw new LayerFailureException($"{host} has no address to probe");
        }
        catch (SocketException ex)
        {
            throw new LayerFailureException($"cannot resolve {host} to probe its ports ({ex.Message})", ex);
        }
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
