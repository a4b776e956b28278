using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// One cloud layer (AWS security groups, Azure NSGs, …) behind one small seam: read it once into a state (what the audit
/// evaluates, a digest of what was read), plan it to a policy (pure), apply a plan in two steps (what opens, before the
/// server changes; what closes, after), and say how to undo what was opened. Each cloud adapter implements it; the
/// provider registers one factory (<see cref="Providers.ICloudProvider"/>). Adapters derive from
/// <see cref="CloudLayer{TSnapshot, TNative}"/>: typed states and plans, no state kept between calls.
/// </summary>
public interface ICloudLayer
{
    /// <summary>What it is, for the report and the plan: "aws sg-0abc (eu-west-1)", "azure nsg web-nsg (rg web-rg)".</summary>
    string Target { get; }

    /// <summary>One read of everything the layer's verdicts and plans depend on.</summary>
    Task<CloudLayerState> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>The changes that bring the layer to the policy: add, keep, extra (someone else's, left alone), remove (own, with prune).</summary>
    CloudLayerPlan Plan(CloudLayerState state, FirewallPolicy policy, bool prune);

    /// <summary>
    /// The plan that takes <paramref name="selection"/> away: the tool's own rules that match it exactly are removed
    /// (or narrowed, where one rule holds more); every other rule that admits some of it is left alone and listed as extra.
    /// </summary>
    CloudLayerPlan PlanClose(CloudLayerState state, CloseSelection selection);

    /// <summary>
    /// The layer as the plan would leave it, evaluated as the provider evaluates it (an added rule admits only what
    /// the rest of the layer lets through: a subnet's network ACL or NSG, a Deny at a higher priority): what the plan's
    /// expected audit reads.
    /// </summary>
    ILayerView PlannedView(CloudLayerState state, CloudLayerPlan plan);

    /// <summary>
    /// What the layer as read exposes (a database or SSH open to the internet, a required port its filters block), each
    /// finding with the exact commands that fix it: what <c>aws show</c> and <c>azure show</c> report.
    /// </summary>
    IReadOnlyList<Finding> Findings(CloudLayerState state);

    /// <summary>The exact commands that fix an audit finding of this kind for this port in the layer as read (the group or NSG that holds the rule).</summary>
    IReadOnlyList<Fix> Fixes(CloudLayerState state, FixKind kind, int port, IReadOnlyList<Cidr> sources);

    /// <summary>Writes what the plan adds (first, before the server layer changes). Idempotent: what is already there is not written again.</summary>
    Task<CloudApplyResult> OpenAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Removes what the plan removes (last, after the server layer): only rules the tool created.</summary>
    Task<CloudApplyResult> CloseAsync(CloudLayerPlan plan, CancellationToken cancellationToken = default);

    /// <summary>The provider CLI commands that undo what <see cref="OpenAsync"/> wrote for <paramref name="plan"/>, exactly.</summary>
    IReadOnlyList<string> UndoCommands(CloudLayerPlan plan, CloudApplyResult opened);

    /// <summary>What <paramref name="opened"/> created, one line per rule as written (its id first, then what the provider wrote: an NSG rule's priority): what <c>open</c> reports.</summary>
    IReadOnlyList<string> Written(CloudApplyResult opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return opened.Created;
    }

    /// <summary>The provider CLI command that removes <paramref name="rule"/> (someone else's, which the tool never removes), for the operator; null when the provider has none.</summary>
    string? RemoveCommand(CloudLayerState state, Rule rule) => null;
}
