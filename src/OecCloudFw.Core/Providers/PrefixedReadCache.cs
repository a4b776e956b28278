using OecCloudFw.Core.Layers;

namespace OecCloudFw.Core.Providers;

/// <summary>One cloud account's reads in the run's cache: keys under the account's own prefix.</summary>
public sealed class PrefixedReadCache(ILayerReadCache cache, string prefix) : ILayerReadCache
{
    public bool OwnsClients => cache.OwnsClients;

    public Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
        where T : class => cache.ReadAsync($"{prefix}|{key}", read);

    public T Client<T>(string key, Func<T> create)
        where T : class => cache.Client($"{prefix}|{key}", create);
}
