using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Core.Tests.Fakes;

/// <summary>
/// A cloud layer's rules compiled to Core's one engine (a <see cref="PathView"/> over a <see cref="PathSet"/>), the way
/// an adapter does it: an optional reachability gate (no public address), an optional upstream filter that drops some
/// ports whatever the rules say (a subnet's ACL), then the rules as a union of allows over a final deny.
/// </summary>
internal static class FakePaths
{
    public static PathView View(string name, IEnumerable<Rule> rules, IReadOnlyCollection<int>? upstreamDrops = null, bool publicIpv4 = true, bool publicIpv6 = true, IEnumerable<ChainRule>? more = null)
    {
        var inbound = new Chain($"{name} inbound", ChainTarget.Drop,
            [.. rules.Select(Compile), .. more ?? [], new ChainRule { Target = ChainTarget.Drop, Text = $"no rule of {name} admits it" }]);
        var outbound = new Chain($"{name} outbound", ChainTarget.Drop, [new ChainRule { Target = ChainTarget.Accept, Text = "all outbound allowed" }]);
        var stages = new List<PathStage>();
        if (upstreamDrops is { Count: > 0 })
        {
            var drops = new Chain("upstream acl", ChainTarget.Drop,
            [
                new ChainRule
                {
                    Matches = [new ProtocolMatch(["tcp"], false), new PortMatch([.. upstreamDrops.Select(PortRange.Single)], false)],
                    Target = ChainTarget.Drop,
                    Text = $"upstream acl drops {string.Join(",", upstreamDrops)}",
                },
                new ChainRule { Target = ChainTarget.Accept, Text = "upstream acl admits the rest" },
            ]);
            stages.Add(new PathStage("upstream acl", drops, outbound, Stateless: false));
        }

        stages.Add(new PathStage(name, inbound, outbound, Stateless: false));
        Chain? reach = publicIpv4 && publicIpv6 ? null : new Chain($"reach {name}", ChainTarget.Drop,
        [
            new ChainRule
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv4], false)],
                Target = publicIpv4 ? ChainTarget.Accept : ChainTarget.Drop,
                Text = publicIpv4 ? "public IPv4 198.18.0.20" : "no public IPv4 address: not reachable from the internet",
            },
            new ChainRule
            {
                Matches = [SourceMatch.Of([Cidr.AnyIPv6], false)],
                Target = publicIpv6 ? ChainTarget.Accept : ChainTarget.Drop,
                Text = publicIpv6 ? "public IPv6 2001:2::20" : "no IPv6 address: not reachable from the internet over IPv6",
            },
        ]);
        return new PathView(name, new PathSet([new PacketPath($"nic of {name}", reach, stages, [])]));
    }

    /// <summary>A rule as the engine's chain rule; its text names its id, the evidence a finding carries.</summary>
    public static ChainRule Compile(Rule rule) => new()
    {
        Matches = [new ProtocolMatch([rule.Protocol.ToName()], false), new PortMatch([rule.Ports], false), SourceMatch.Of([rule.Source], false)],
        Target = rule.Action == RuleAction.Allow ? ChainTarget.Accept : ChainTarget.Drop,
        Text = $"{rule.Id ?? "rule"}: {rule}",
    };
}
