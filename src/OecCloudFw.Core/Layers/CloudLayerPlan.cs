using OecCloudFw.Core.Planning;

namespace OecCloudFw.Core.Layers;

/// <summary>What a cloud layer's plan does.</summary>
/// <param name="Target">The layer.</param>
/// <param name="Digest">The digest of the state it was planned from.</param>
/// <param name="Changes">Add, keep, extra, remove, with the rules.</param>
/// <param name="Writes">What the adapter will write, as it will write it (a rule id for a removal, a name and priority for an NSG rule), for the review.</param>
/// <param name="Native">The adapter's own plan, handed back to it by Open and Close.</param>
public sealed record CloudLayerPlan(string Target, string Digest, Plan Changes, IReadOnlyList<string> Writes, object Native)
{
    public bool Opens => Changes.ToAdd.Any();

    public bool Closes => Changes.ToRemove.Any();

    public bool IsNoOp => Changes.IsNoOp;
}
