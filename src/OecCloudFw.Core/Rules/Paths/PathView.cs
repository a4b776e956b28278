using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Core.Rules.Paths;

/// <summary>
/// A cloud layer's paths as the audit sees them: one verdict per question, computed over the set of sources by the one
/// engine; a refusal that is only the missing public address carries what the filters would admit (latent exposure).
/// </summary>
public sealed class PathView(string name, PathSet paths, IReadOnlyList<LayerComponent>? components = null) : ILayerView
{
    public string Name => name;

    public bool Filters => true;

    public PathSet Paths => paths;

    public IReadOnlyList<LayerComponent> Components => components ?? [];

    public IReadOnlyList<string> Assumptions => paths.Assumptions;

    /// <summary>What happens to a new inbound packet from each part of <paramref name="sources"/>.</summary>
    public IReadOnlyList<VerdictPiece> Pieces(Protocol protocol, int port, AddressSet sources) => paths.Inbound(protocol, port, sources);

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sources = AddressSet.Of(source);
        var verdict = ToVerdict(paths.Inbound(protocol, port, sources));
        if (verdict.Admitted || paths.Paths.All(p => p.Reach is null))
        {
            return verdict;
        }

        var latent = ToVerdict(paths.Inbound(protocol, port, sources, reach: false));
        return latent.Decision == verdict.Decision ? verdict : verdict with { Latent = latent };
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return ToVerdict(paths.Outbound(protocol, port, AddressSet.Of(destination)));
    }

    /// <summary>The pieces summed up: the decision of most of the sources, the others named as exceptions.</summary>
    public static LayerVerdict ToVerdict(IReadOnlyList<VerdictPiece> pieces)
    {
        var summary = VerdictPiece.Summarize(pieces);
        return new LayerVerdict(summary.Decision, summary.FullEvidence);
    }
}
