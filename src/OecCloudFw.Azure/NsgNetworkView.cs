using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Azure;

/// <summary>The NSGs in front of a target (one NSG, or a VM's NIC and subnet NSGs) as one audit layer.</summary>
public sealed class NsgNetworkView(VmNetwork network, string name) : ILayerView
{
    public string Name => name;

    public bool Filters => network.NicNsgs.Count + network.SubnetNsgs.Count > 0;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        var (decision, evidence) = network.Evaluate(protocol, port, source);
        return new LayerVerdict(decision, evidence);
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination)
    {
        var (decision, evidence) = network.EvaluateEgress(protocol, port, destination);
        return new LayerVerdict(decision, evidence);
    }

    /// <summary>The NSGs as read.</summary>
    public VmNetwork Network => network;
}
