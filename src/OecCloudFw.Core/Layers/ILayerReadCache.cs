namespace OecCloudFw.Core.Layers;

/// <summary>
/// Where a cloud layer's reads go through: within one run (a fleet's audit), each security group, network ACL, VM or
/// NSG is read once however many servers sit behind it. <see cref="None"/> reads every time.
/// </summary>
public interface ILayerReadCache
{
    /// <summary>The pass-through: every read is made.</summary>
    static ILayerReadCache None { get; } = new NoCache();

    /// <summary>True when the run owns the clients made through <see cref="Client{T}"/> (and disposes them at its end): a layer then never disposes them.</summary>
    bool OwnsClients => false;

    /// <summary>The value read under <paramref name="key"/> in this run, read now if it was not.</summary>
    Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
        where T : class;

    /// <summary>The client made under <paramref name="key"/> in this run (one per account and endpoint), made now if it was not; without a run, a new one each time.</summary>
    T Client<T>(string key, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        return create();
    }

    private sealed class NoCache : ILayerReadCache
    {
        public Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
            where T : class => read();
    }
}
