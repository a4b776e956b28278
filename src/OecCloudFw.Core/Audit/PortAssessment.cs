namespace OecCloudFw.Core.Audit;

/// <summary>One row of the defense-in-depth matrix: a port, each layer's verdict from the internet and from the policy's sources, the socket, the probe.</summary>
public sealed record PortAssessment(
    AuditPort Port,
    LayerVerdict? CloudFromInternetV4,
    LayerVerdict? CloudFromInternetV6,
    LayerVerdict? CloudFromSources,
    LayerVerdict ServerFromInternetV4,
    LayerVerdict ServerFromInternetV6,
    LayerVerdict ServerFromSources,
    bool Listening,
    Reachability Probe)
{
    /// <summary>The server layer's verdict for the address the probes came from, as the server sees it; null when unknown.</summary>
    public LayerVerdict? ServerFromVantage { get; init; }

    /// <summary>Admitted from the internet over IPv4 end to end, through every layer there is.</summary>
    public bool OpenToInternetV4 => (CloudFromInternetV4?.Admitted ?? true) && ServerFromInternetV4.Admitted;

    /// <summary>Admitted from the internet over IPv6 end to end, through every layer there is.</summary>
    public bool OpenToInternetV6 => (CloudFromInternetV6?.Admitted ?? true) && ServerFromInternetV6.Admitted;

    /// <summary>Admitted from the internet end to end over either family.</summary>
    public bool OpenToInternet => OpenToInternetV4 || OpenToInternetV6;

    /// <summary>The cloud's and the server's verdicts from the internet for one family.</summary>
    public (LayerVerdict? Cloud, LayerVerdict Server) FromInternet(Net.IpFamily family) =>
        family == Net.IpFamily.IPv4 ? (CloudFromInternetV4, ServerFromInternetV4) : (CloudFromInternetV6, ServerFromInternetV6);
}
