using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;

namespace OecCloudFw.Server.Audit;

/// <summary>
/// The server's firewall as an audit layer: every frontend evaluated with its own semantics. A port Docker publishes
/// is DNAT-ed in nat PREROUTING and forwarded to the container, so INPUT never sees it: its IPv4 verdict is the
/// forward path's (DOCKER-USER, then Docker's own accept).
/// </summary>
public sealed class ServerLayerView(ServerFacts facts) : ILayerView
{
    private readonly ChainRuleSet? _dockerUser = facts.IptablesSave4 is { } save ? IptablesSaveParser.ParseTable(save, "filter", "DOCKER-USER") : null;

    private readonly HashSet<int> _published = facts.IptablesSave4 is { } nat
        ? HostFactsReader.DockerPublished(IptablesSaveParser.ParseTable(nat, "nat", "PREROUTING"), null).Select(d => d.Port).ToHashSet()
        : [];

    public string Name => facts.UfwActive ? "ufw" : facts.FirewalldRunning ? "firewalld" : facts.IptablesActive ? "iptables" : facts.NftActive ? "nftables" : "server (no firewall)";

    public bool Filters => facts.UfwActive || facts.FirewalldRunning || facts.IptablesActive || facts.NftActive;

    public LayerVerdict Evaluate(Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (protocol == Protocol.Tcp && source.Family == IpFamily.IPv4 && _published.Contains(port))
        {
            var forward = _dockerUser is { BaseChains.Count: > 0 } user
                ? user.Evaluate(facts.Network.Context(protocol, port, source), AddressSet.Of(source))
                : new ChainVerdict(true, "no DOCKER-USER chain");
            return new LayerVerdict(forward.Decision is Decision.Indeterminate ? Decision.Indeterminate : forward.Refused ? Decision.Refused : Decision.Admitted,
                $"published by Docker (DNAT, forwarded past INPUT): DOCKER-USER: {forward.FullEvidence}");
        }

        var verdict = ServerLayerEvaluator.Evaluate(facts, protocol, port, source);
        return new LayerVerdict(verdict.Decision, verdict.Evidence);
    }

    public LayerVerdict EvaluateEgress(Protocol protocol, int port, Cidr destination)
    {
        var verdict = ServerLayerEvaluator.EvaluateEgress(facts, protocol, port, destination);
        return new LayerVerdict(verdict.Decision, verdict.Evidence);
    }
}
