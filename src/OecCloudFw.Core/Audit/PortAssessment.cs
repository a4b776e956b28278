namespace OecCloudFw.Core.Audit;

/// <summary>One row of the defense-in-depth matrix: a port, each layer's verdict from the internet and from the policy's sources, the socket, the probe.</summary>
public sealed record PortAssessment(
    AuditPort Port,
    LayerVerdict? CloudFromInternet,
    LayerVerdict? CloudFromSources,
    LayerVerdict ServerFromInternetV4,
    LayerVerdict ServerFromInternetV6,
    LayerVerdict ServerFromSources,
    bool Listening,
    Reachability Probe)
{
    /// <summary>The server layer's verdict for the address the probes came from, as the server sees it; null when unknown.</summary>
    public LayerVerdict? ServerFromVantage { get; init; }

    /// <summary>Admitted from the internet end to end (IPv4), through every layer there is.</summary>
    public bool OpenToInternet => (CloudFromInternet?.Admitted ?? true) && ServerFromInternetV4.Admitted;
}
