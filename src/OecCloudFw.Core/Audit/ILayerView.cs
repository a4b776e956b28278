using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Core.Audit;

/// <summary>One layer as the audit sees it: does it admit a NEW packet, and which rule decided.</summary>
public interface ILayerView
{
    /// <summary>What it is, for the report: "aws sg-0abc", "azure vm1 (NIC+subnet)", "ufw".</summary>
    string Name { get; }

    /// <summary>True when the layer filters at all (a server with no firewall does not).</summary>
    bool Filters { get; }

    LayerVerdict Evaluate(Protocol protocol, int port, Cidr source);

    /// <summary>
    /// Does it let a NEW outbound connection from the server to <paramref name="destination"/>:<paramref name="port"/>
    /// out (and, where the layer is stateless, the replies back in)? Indeterminate when the layer's outbound rules
    /// were not read.
    /// </summary>
    LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination);

    /// <summary>The filters in front of the layer's own rules that the report lists with their entries (an AWS subnet's network ACL); none by default.</summary>
    IReadOnlyList<LayerComponent> Components => [];

    /// <summary>What the layer's verdicts assume without having read it (a route to an internet gateway, a load balancer in front), said in reports.</summary>
    IReadOnlyList<string> Assumptions => [];
}

/// <summary>A layer's answer for one packet: admitted, refused, or indeterminate (the evidence names the rule the tool does not model).</summary>
public sealed record LayerVerdict(Decision Decision, string Evidence)
{
    public LayerVerdict(bool admitted, string evidence)
        : this(admitted ? Decision.Admitted : Decision.Refused, evidence)
    {
    }

    /// <summary>
    /// Set when the layer refuses the packet directly but admits the same port from another tier (members of a
    /// security group: a load balancer, a bastion): clients may reach the port through it, so a "blocked" finding
    /// must not push the port open to the world.
    /// </summary>
    public string? ThroughPeer { get; init; }

    /// <summary>
    /// Set when the packet is refused only because the internet cannot reach the instance (no public address): what its
    /// filters would do were it reachable (latent exposure, reported at a lower severity).
    /// </summary>
    public LayerVerdict? Latent { get; init; }

    public bool Admitted => Decision == Decision.Admitted;

    public bool Refused => Decision == Decision.Refused;

    public bool Indeterminate => Decision == Decision.Indeterminate;
}
