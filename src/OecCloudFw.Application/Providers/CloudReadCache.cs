using System.Collections.Concurrent;

namespace OecCloudFw.Application.Providers;

/// <summary>
/// Within one run, each cloud client is made once and each security group or NSG is read once, however many servers
/// of a fleet sit behind it: fewer API calls (and less throttling) for the same answers.
/// </summary>
public sealed class CloudReadCache : Core.Layers.ILayerReadCache, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _reads = new(StringComparer.OrdinalIgnoreCase);

    public bool OwnsClients => true;

    public T Client<T>(string key, Func<T> create)
        where T : class =>
        (T)_clients.GetOrAdd(key, _ => new Lazy<object>(() => create())).Value;

    public async Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
        where T : class =>
        (T)await _reads.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await read())).Value;

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated).Select(c => c.Value).OfType<IDisposable>())
        {
            client.Dispose();
        }
    }
}
