using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws;

/// <summary>
/// Subnets' network ACLs alone (<c>aws show --subnet</c> with no group named): what they let through, every ACL in
/// turn; the first that does not admit decides.
/// </summary>
public sealed class NetworkAclsView(IReadOnlyList<NetworkAclSnapshot> acls) : ILayerView
{
    public string Name => "aws " + string.Join("+", acls.Select(a => a.AclId).Distinct(StringComparer.Ordinal));

    public bool Filters => acls.Count > 0;

    public IReadOnlyList<LayerComponent> Components => [.. acls.Select(a => a.ToComponent())];

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source) => Through(acl => acl.Inbound(protocol, port, source));

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination) => Through(acl => acl.Outbound(protocol, port, destination));

    private LayerVerdict Through(Func<NetworkAclSnapshot, (Decision Decision, string Evidence)> decide)
    {
        var results = acls.Select(decide).ToList();
        return results.FirstOrDefault(r => r.Decision != Decision.Admitted) is { Evidence: not null } stop
            ? new LayerVerdict(stop.Decision, stop.Evidence)
            : new LayerVerdict(Decision.Admitted, string.Join("; ", results.Select(r => r.Evidence)));
    }
}
