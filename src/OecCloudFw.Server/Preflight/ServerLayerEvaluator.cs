using OecCloudFw.Core.Net;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Preflight;

/// <summary>
/// Evaluates the server layer with each frontend's own semantics: the kernel's iptables chains (ufw's included, and
/// iptables-legacy's when it has tables next to iptables-nft), native nftables input chains by priority, and firewalld's zones. A packet gets in only if every one admits it.
/// </summary>
public static class ServerLayerEvaluator
{
    public static ServerVerdict Evaluate(ServerFacts facts, Protocol protocol, int port, Cidr source)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(source);
        var components = new List<string>();
        string? admitEvidence = null;
        var iptables = source.Family == IpFamily.IPv4 ? facts.Iptables4 : facts.Iptables6;
        if (iptables is not null && iptables.BaseChains.Count > 0)
        {
            var name = facts.UfwActive ? "ufw" : "iptables";
            components.Add(name);
            var verdict = iptables.Evaluate(protocol, port, source);
            if (!verdict.Admitted)
            {
                return new ServerVerdict(false, $"{name}: {verdict.Evidence}", components);
            }

            admitEvidence = $"{name}: {verdict.Evidence}";
        }

        var legacy = source.Family == IpFamily.IPv4 ? facts.IptablesLegacy4 : facts.IptablesLegacy6;
        if (legacy is not null && legacy.BaseChains.Count > 0)
        {
            components.Add("iptables-legacy");
            var verdict = legacy.Evaluate(protocol, port, source);
            if (!verdict.Admitted)
            {
                return new ServerVerdict(false, $"iptables-legacy: {verdict.Evidence}", components);
            }

            admitEvidence ??= $"iptables-legacy: {verdict.Evidence}";
        }

        var nft = source.Family == IpFamily.IPv4 ? facts.Nft4 : facts.Nft6;
        if (nft is not null)
        {
            components.Add("nftables");
            var verdict = nft.Evaluate(protocol, port, source);
            if (!verdict.Admitted)
            {
                return new ServerVerdict(false, $"nftables: {verdict.Evidence}", components);
            }

            admitEvidence ??= $"nftables: {verdict.Evidence}";
        }

        if (facts.FirewalldRunning)
        {
            components.Add("firewalld");
            var zone = facts.FirewalldZones.FirstOrDefault(z => z.Sources.Any(s => Cidr.TryParse(s, out var c) && c.Contains(source)))
                       ?? facts.FirewalldZones.FirstOrDefault(z => z.Name == facts.FirewalldDefaultZone)
                       ?? (facts.FirewalldZones.Count > 0 ? facts.FirewalldZones[0] : null);
            if (zone is not null)
            {
                var (admitted, evidence) = zone.Admits(protocol, port, source, facts.FirewalldServicePorts);
                if (!admitted)
                {
                    return new ServerVerdict(false, $"firewalld: {evidence}", components);
                }

                admitEvidence = $"firewalld: {evidence}";
            }
        }

        return new ServerVerdict(true, admitEvidence ?? "no firewall filters input", components);
    }
}
