using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Application.Providers;

/// <summary>
/// <c>&lt;provider&gt; show</c>: one read of the layer, what the internet reaches of the guide's ports along the layer's
/// path (IPv4 and IPv6), and its findings with exact fixes. Nothing is written.
/// </summary>
public static class CloudShow
{
    public static async Task<CloudShowResult> RunAsync(ICloudLayer layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var state = await layer.ReadAsync(cancellationToken);
        var ports = PortCatalog.All
            .Select(port => new PortExposure(port.Port, port.Purpose, state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv4), state.View.Evaluate(Protocol.Tcp, port.Port, Cidr.AnyIPv6)))
            .ToList();
        return new CloudShowResult(state, ports, layer.Findings(state));
    }
}

/// <summary>What <see cref="CloudShow"/> read and found.</summary>
/// <param name="State">The layer as read (its rules: <see cref="CloudLayerState.Lines"/>; its assumptions: the view's).</param>
/// <param name="Ports">The guide's ports from the internet.</param>
/// <param name="Findings">What is flagged, with exact fixes.</param>
public sealed record CloudShowResult(CloudLayerState State, IReadOnlyList<PortExposure> Ports, IReadOnlyList<Finding> Findings);

/// <summary>One port of the guide's catalog from the internet, IPv4 and IPv6, as the layer decides it: the one "from the internet" view of every provider.</summary>
/// <param name="Port">The port (TCP).</param>
/// <param name="Purpose">What it is for (the guide's words).</param>
/// <param name="Ipv4">The verdict from anywhere on IPv4 (0.0.0.0/0).</param>
/// <param name="Ipv6">The verdict from anywhere on IPv6 (::/0).</param>
public sealed record PortExposure(int Port, string Purpose, LayerVerdict Ipv4, LayerVerdict Ipv6)
{
    /// <summary>admitted, refused or indeterminate (IPv4).</summary>
    public string Verdict => Name(Ipv4);

    /// <summary>admitted, refused or indeterminate (IPv6).</summary>
    public string Ipv6Verdict => Name(Ipv6);

    /// <summary>Why, once when both families agree.</summary>
    public string Evidence => Ipv4.Evidence == Ipv6.Evidence ? Ipv4.Evidence : $"IPv4: {Ipv4.Evidence}; IPv6: {Ipv6.Evidence}";

    private static string Name(LayerVerdict verdict) => verdict.Decision.ToString().ToLowerInvariant();
}
