namespace OecCloudFw.Core.Audit;

/// <summary>One outbound need and whether each layer lets the connection out (and, for stateless layers, its replies back in).</summary>
public sealed record EgressAssessment(EgressNeed Need, LayerVerdict? Cloud, LayerVerdict Server)
{
    /// <summary>True when no layer certainly blocks it.</summary>
    public bool Blocked => Cloud is { Refused: true } || Server.Refused;
}
