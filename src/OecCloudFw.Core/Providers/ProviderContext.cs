using OecCloudFw.Core.Layers;

namespace OecCloudFw.Core.Providers;

/// <summary>What a provider's layer may use from the run: the environment (tokens, endpoints), the clock, the run's read cache.</summary>
/// <param name="Environment">Environment variables (tests give their own).</param>
/// <param name="Time">The clock (polling, retries, timeouts): tests give a fake one.</param>
/// <param name="Reads">Where reads go through: a fleet's audit reads each shared resource once; <see cref="ILayerReadCache.None"/> otherwise.</param>
public sealed record ProviderContext(IEnvironment Environment, TimeProvider Time, ILayerReadCache Reads)
{
    /// <summary>How a test reaches an in-process fake without a network (null: the real network).</summary>
    public HttpMessageHandler? Transport { get; init; }
}
