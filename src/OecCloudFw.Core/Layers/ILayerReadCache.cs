namespace OecCloudFw.Core.Layers;

/// <summary>
/// Where a cloud layer's reads go through: within one run (a fleet's audit), each security group, network ACL, VM or
/// NSG is read once however many servers sit behind it. <see cref="None"/> reads every time.
/// </summary>
public interface ILayerReadCache
{
    /// <summary>The pass-through: every read is made.</summary>
    static ILayerReadCache None { get; } = new NoCache();

    /// <summary>The value read under <paramref name="key"/> in this run, read now if it was not.</summary>
    Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
        where T : class;

    private sealed class NoCache : ILayerReadCache
    {
        public Task<T> ReadAsync<T>(string key, Func<Task<T>> read)
            where T : class => read();
    }
}
