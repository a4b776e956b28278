// The differential harness: generated cases, queried at every CIDR boundary of every rule (first, last, first-1,
// last+1) and at a few random addresses, oracle against the product. Semantics: HetznerOracle.cs (sources cited there).
using System.Globalization;
using System.Net;

namespace OecCloudFw.Hetzner.Tests.Oracle;

/// <summary>The product's answer for one query: given the case (which the lead seeds into the fake and lets the product
/// read over HTTP), a protocol ("tcp", "udp", "icmp"), a port (0 for icmp), the family and the direction, a function from
/// the peer address (source when inbound, destination when outbound) to a decision.</summary>
public delegate Func<IPAddress, OracleDecision> ProductEvaluator(HetznerCase input, string protocol, int port, bool ipv6, bool inbound);

public sealed record DifferentialReport(int Cases, int Queries, int Addresses, int Definite, int Disagreements, int ProductIndeterminate, IReadOnlyList<string> FirstDisagreements);

public static class HetznerDifferential
{
    private const int KeptDisagreements = 20;
    private const int RandomAddressesPerQuery = 3;

    /// <summary>The seeds of the cases <see cref="Run"/> draws for <paramref name="seed"/> (each replayable alone).</summary>
    public static IReadOnlyList<int> CaseSeeds(int seed, int cases)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, cases).Select(_ => r.Next())];
    }

    public static DifferentialReport Run(int seed, int cases, ProductEvaluator product)
    {
        var tally = new Tally();
        foreach (var caseSeed in CaseSeeds(seed, cases))
        {
            RunCase(caseSeed, product, tally);
        }
        return tally.Report(cases);
    }

    public static DifferentialReport Replay(int caseSeed, ProductEvaluator product)
    {
        var tally = new Tally();
        RunCase(caseSeed, product, tally);
        return tally.Report(1);
    }

    /// <summary>The queries asked of one case: (protocol, port, ipv6, inbound).</summary>
    public static IReadOnlyList<(string Protocol, int Port, bool Ipv6, bool Inbound)> Queries(HetznerCase input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = new Random(input.Seed ^ 0x5bd1e995);
        var result = new List<(string, int, bool, bool)>();
        foreach (var protocol in new[] { "tcp", "udp", "icmp" })
        {
            var ports = new List<int>();
            if (protocol == "icmp")
            {
                ports.Add(0);
            }
            else
            {
                var candidates = new SortedSet<int>(HetznerOracle.ProviderBlockedOutboundPorts);
                foreach (var rule in input.Firewalls.SelectMany(f => f.Rules).Where(x => x.Protocol == protocol && x.Port is not null))
                {
                    var c = CompiledRule.From(rule);
                    foreach (var p in new[] { c.Low - 1, c.Low, c.High, c.High + 1 })
                    {
                        if (p is >= 1 and <= 65535)
                        {
                            candidates.Add(p);
                        }
                    }
                }
                var list = candidates.ToList();
                ports.AddRange(Enumerable.Range(0, 3).Select(_ => list[r.Next(list.Count)]).Distinct());
                ports.Add(r.Next(1, 65536));
            }
            foreach (var port in ports.Distinct())
            {
                foreach (var ipv6 in new[] { false, true })
                {
                    result.Add((protocol, port, ipv6, true));
                    result.Add((protocol, port, ipv6, false));
                }
            }
        }
        return result;
    }

    /// <summary>The peers asked for one query: every CIDR boundary of the rules of that direction and family, and a few
    /// random addresses (and, outbound, the server's own neighbourhood is covered by the CIDRs the generator draws).</summary>
    public static IReadOnlyList<IPAddress> Addresses(HetznerCase input, bool ipv6, bool inbound, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        var max = ipv6 ? UInt128.MaxValue : uint.MaxValue;
        var numbers = new HashSet<UInt128>();
        foreach (var rule in input.Firewalls.SelectMany(f => f.Rules).Where(x => (x.Direction == "in") == inbound))
        {
            foreach (var cidr in inbound ? rule.SourceIps : rule.DestinationIps)
            {
                var (first, last, v6) = HzNet.Range(cidr);
                if (v6 != ipv6)
                {
                    continue;
                }
                numbers.Add(first);
                numbers.Add(last);
                if (first > 0)
                {
                    numbers.Add(first - 1);
                }
                if (last < max)
                {
                    numbers.Add(last + 1);
                }
            }
        }
        var result = numbers.Select(n => HzNet.FromNumber(n, ipv6)).ToList();
        for (var i = 0; i < RandomAddressesPerQuery; i++)
        {
            result.Add(HetznerCaseGenerator.RandomAddress(random, ipv6));
        }
        return result;
    }

    private static void RunCase(int caseSeed, ProductEvaluator product, Tally tally)
    {
        ArgumentNullException.ThrowIfNull(product);
        var input = HetznerCaseGenerator.Generate(caseSeed);
        var oracle = HetznerOracle.Compile(input);
        var random = new Random(caseSeed ^ 0x2545f491);
        foreach (var (protocol, port, ipv6, inbound) in Queries(input))
        {
            tally.Queries++;
            var answer = product(input, protocol, port, ipv6, inbound);
            foreach (var address in Addresses(input, ipv6, inbound, random))
            {
                tally.Addresses++;
                var expected = oracle.Evaluate(protocol, port, address, inbound);
                if (expected == HetznerVerdict.Indeterminate)
                {
                    continue;
                }
                tally.Definite++;
                var actual = answer(address);
                if (actual == OracleDecision.Indeterminate)
                {
                    tally.ProductIndeterminate++;
                }
                else if (actual != expected.ToDecision())
                {
                    tally.Disagreements++;
                    if (tally.First.Count < KeptDisagreements)
                    {
                        tally.First.Add(string.Create(CultureInfo.InvariantCulture,
                            $"case {caseSeed}: {(inbound ? "inbound from" : "outbound to")} {address} {protocol}/{port}: oracle {expected}, product {actual}"));
                    }
                }
            }
        }
    }

    private sealed class Tally
    {
        public int Queries { get; set; }
        public int Addresses { get; set; }
        public int Definite { get; set; }
        public int Disagreements { get; set; }
        public int ProductIndeterminate { get; set; }
        public List<string> First { get; } = [];

        public DifferentialReport Report(int cases) => new(cases, Queries, Addresses, Definite, Disagreements, ProductIndeterminate, First);
    }
}
