// A second, independently written evaluator used only to exercise the harness (System.Net.IPNetwork for matching,
// its own port parsing): agreeing with the oracle everywhere shows the harness reports no false disagreements; its
// deliberately broken variants show the harness catches real ones.
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

internal static class ReferenceProduct
{
    public static ProductEvaluator Correct => (input, protocol, port, ipv6, inbound) => Evaluate(input, protocol, port, inbound, ignoreIPv6Rules: false);

    /// <summary>Wrong on purpose: rules' IPv6 addresses are dropped.</summary>
    public static ProductEvaluator IgnoringIPv6Rules => (input, protocol, port, ipv6, inbound) => Evaluate(input, protocol, port, inbound, ignoreIPv6Rules: true);

    public static Func<IPAddress, OracleDecision> Evaluate(DoCase input, string protocol, int port, bool inbound, bool ignoreIPv6Rules)
    {
        var multicast = new[] { IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("ff00::/8") };
        var inner = EvaluateFirewalls(input, protocol, port, inbound, ignoreIPv6Rules);
        return address =>
        {
            if (multicast.Any(m => m.Contains(address)))
            {
                return OracleDecision.Refused;
            }
            if (!inbound && protocol == "tcp" && port == 25 && (input.Smtp25Blocked || address.AddressFamily == AddressFamily.InterNetworkV6))
            {
                return OracleDecision.Refused;
            }
            if (inbound && protocol != "icmp" && port == 11211)
            {
                return OracleDecision.Refused; // external sources (blocked upstream); the oracle leaves the others undecided
            }
            return inner(address);
        };
    }

    private static Func<IPAddress, OracleDecision> EvaluateFirewalls(DoCase input, string protocol, int port, bool inbound, bool ignoreIPv6Rules)
    {
        var server = input.Droplets.Single(d => d.Id == input.ServerId);
        var applied = input.Firewalls.Where(f => f.DropletIds.Contains(server.Id) || f.Tags.Intersect(server.Tags).Any()).ToList();
        if (applied.Count == 0)
        {
            return _ => OracleDecision.Admitted;
        }
        var networks = new List<IPNetwork>();
        foreach (var rule in applied.SelectMany(f => inbound ? f.Inbound : f.Outbound))
        {
            if (rule.Protocol != protocol || !(protocol == "icmp" || Covers(rule.Ports, port)))
            {
                continue;
            }
            var texts = rule.Target.Addresses
                .Concat(input.Droplets.Where(d => rule.Target.DropletIds.Contains(d.Id) || rule.Target.Tags.Intersect(d.Tags).Any()).SelectMany(d => d.PublicIPv4.Concat(d.PrivateIPv4).Concat(d.PublicIPv6)))
                .Concat(input.LoadBalancers.Where(l => rule.Target.LoadBalancerUids.Contains(l.Id)).SelectMany(l => l.Addresses))
                .Concat(input.KubernetesClusters.Where(k => rule.Target.KubernetesIds.Contains(k.Id)).SelectMany(k => k.Addresses));
            foreach (var text in texts)
            {
                var network = text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), IPAddress.Parse(text).AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                if (ignoreIPv6Rules && network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 && rule.Target.Addresses.Contains(text))
                {
                    continue;
                }
                networks.Add(network);
            }
        }
        return address => networks.Any(n => n.Contains(address)) ? OracleDecision.Admitted : OracleDecision.Refused;
    }

    private static bool Covers(string ports, int port)
    {
        if (ports is "0" or "all")
        {
            return true;
        }
        var parts = ports.Split('-');
        return port >= int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) && port <= int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
