using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Planning;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// A cloud layer as its plan would leave it, for the audit a plan predicts: what a planned rule adds is admitted; a
/// verdict that rested on a rule the plan removes is indeterminate (the apply re-reads and audits for real); the rest
/// is the layer as read.
/// </summary>
public sealed class PlannedCloudView(ILayerView current, Plan plan) : ILayerView
{
    public string Name => current.Name + " (planned)";

    public bool Filters => current.Filters;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        if (plan.ToAdd.FirstOrDefault(r => r.Action == RuleAction.Allow && r.Matches(protocol, port, source)) is { } added)
        {
            return new LayerVerdict(true, $"planned: add {added}");
        }

        var now = current.Evaluate(protocol, port, source);
        if (now.Admitted && plan.ToRemove.FirstOrDefault(r => r.Matches(protocol, port, source)) is { } removed)
        {
            return new LayerVerdict(Decision.Indeterminate, $"planned: remove {removed} (other rules may still admit it; the apply audits again)");
        }

        return now;
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => current.EvaluateEgress(protocol, port, destination);
}
