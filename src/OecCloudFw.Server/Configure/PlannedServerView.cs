using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Backends;

namespace OecCloudFw.Server.Configure;

/// <summary>
/// The server's firewall as configure would leave it, for the audit a plan predicts: the policy's ports admitted from
/// their sources (SSH refused from elsewhere when the policy restricts it), and, where no firewall filtered before,
/// every other port refused by the frontend's default deny. Without changes, the server as read.
/// </summary>
internal sealed class PlannedServerView(ILayerView current, ServerPolicy policy, bool changes) : ILayerView
{
    public string Name => current.Name + (changes ? " (planned)" : string.Empty);

    public bool Filters => changes || current.Filters;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        if (!changes)
        {
            return current.Evaluate(protocol, port, source);
        }

        var requirement = policy.Requirements.FirstOrDefault(r => r.Protocol.Covers(protocol) && r.Ports.Contains(port));
        if (requirement is not null)
        {
            if (requirement.Sources.Any(s => s.Contains(source)))
            {
                return new LayerVerdict(true, $"planned: {requirement.Comment} from {string.Join(", ", requirement.Sources)}");
            }

            if (requirement.IsSsh)
            {
                return new LayerVerdict(false, $"planned: SSH only from {string.Join(", ", requirement.Sources)}");
            }
        }

        return current.Filters
            ? current.Evaluate(protocol, port, source)
            : new LayerVerdict(Decision.Refused, "planned: the frontend's default deny (no firewall filtered before)");
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => current.EvaluateEgress(protocol, port, destination);
}
