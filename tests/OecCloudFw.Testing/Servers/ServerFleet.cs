namespace OecCloudFw.Testing.Servers;

/// <summary>
/// Many plain test servers at once (a fleet for the benchmarks and the fleet tests), started a few at a time in parallel
/// and torn down together. At most 240 (the test servers' addresses, 198.19.10-249.2); the controller benchmark prints
/// what each costs here (memory, start-up).
/// </summary>
public sealed class ServerFleet : IAsyncDisposable
{
    /// <summary>The most test servers that can run at once on one machine (their /24s, 198.19.10-249).</summary>
    public const int MaxServers = 240;

    private ServerFleet(IReadOnlyList<TestServer> servers) => Servers = servers;

    /// <summary>The servers, in start order.</summary>
    public IReadOnlyList<TestServer> Servers { get; }

    /// <param name="count">Servers to start (1-240).</param>
    /// <param name="atOnce">Started at the same time (the machine is shared).</param>
    /// <param name="cancellationToken">Stops the starts.</param>
    public static async Task<ServerFleet> StartAsync(int count, int atOnce = 8, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxServers);
        return new ServerFleet(await StartServersAsync(count, atOnce, cancellationToken));
    }

    /// <summary>Starts <paramref name="count"/> test servers, <paramref name="atOnce"/> at a time, in index order; on a failure every one started is torn down.</summary>
    internal static async Task<List<TestServer>> StartServersAsync(int count, int atOnce, CancellationToken cancellationToken)
    {
        var servers = new List<TestServer>();
        try
        {
            using var gate = new SemaphoreSlim(atOnce);
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var server = await TestServer.StartAsync(cancellationToken);
                    lock (servers)
                    {
                        servers.Add(server);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            return [.. servers.OrderBy(s => s.Index)];
        }
        catch
        {
            await DisposeAllAsync(servers);
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await DisposeAllAsync(Servers);

    private static async Task DisposeAllAsync(IReadOnlyList<TestServer> servers)
    {
        // A few at a time as well: tearing down 200 namespaces at once makes the kernel's netns cleanup the bottleneck.
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(servers.Select(async s =>
        {
            await gate.WaitAsync();
            try
            {
                await s.DisposeAsync();
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}
