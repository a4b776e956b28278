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
        var (admitted, evidence) = network.Evaluate(protocol, port, source);
        return new LayerVerdict(admitted, evidence);
    }
}
