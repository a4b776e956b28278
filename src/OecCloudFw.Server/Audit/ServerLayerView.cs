using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Audit;

/// <summary>The server's firewall as an audit layer: every frontend evaluated with its own semantics.</summary>
public sealed class ServerLayerView(ServerFacts facts) : ILayerView
{
    public string Name => facts.UfwActive ? "ufw" : facts.FirewalldRunning ? "firewalld" : facts.IptablesActive ? "iptables" : facts.NftActive ? "nftables" : "server (no firewall)";

    public bool Filters => facts.UfwActive || facts.FirewalldRunning || facts.IptablesActive || facts.NftActive;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        var verdict = ServerLayerEvaluator.Evaluate(facts, protocol, port, source);
        return new LayerVerdict(verdict.Decision, verdict.Evidence);
    }
}
