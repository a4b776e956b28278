using OecCloudFw.Core.Planning;

namespace OecCloudFw.Core.Layers;

/// <summary>What a cloud layer's plan does: what every use case sees of it (the adapter's own plan is in <see cref="CloudLayerPlan{TNative}"/>).</summary>
/// <param name="Target">The layer.</param>
/// <param name="Digest">The digest of the state it was planned from.</param>
/// <param name="Changes">Add, keep, extra, remove, with the rules.</param>
/// <param name="Writes">What the adapter will write, as it will write it (a rule id for a removal, a name and priority for an NSG rule), for the review.</param>
public abstract record CloudLayerPlan(string Target, string Digest, Plan Changes, IReadOnlyList<string> Writes)
{
    public bool Opens => Changes.ToAdd.Any();

    public bool Closes => Changes.ToRemove.Any();

    public bool IsNoOp => Changes.IsNoOp;
}

/// <summary>A cloud layer's plan with the adapter's own typed plan (handed back to it by Open and Close).</summary>
/// <typeparam name="TNative">The adapter's plan.</typeparam>
public sealed record CloudLayerPlan<TNative>(string Target, string Digest, Plan Changes, IReadOnlyList<string> Writes, TNative Native)
    : CloudLayerPlan(Target, Digest, Changes, Writes)
    where TNative : class;
