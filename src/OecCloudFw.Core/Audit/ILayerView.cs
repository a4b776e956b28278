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

    public bool Admitted => Decision == Decision.Admitted;

    public bool Refused => Decision == Decision.Refused;

    public bool Indeterminate => Decision == Decision.Indeterminate;
}
