// The differential harness: generated cases (DoCaseGenerator), questions at every CIDR's boundaries (first, last,
// first-1, last+1) plus random addresses, the oracle's answer (DigitalOceanOracle) against the product's.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

/// <summary>The product's answer for one question (protocol, port, family, direction) over many addresses.</summary>
public delegate Func<IPAddress, OracleDecision> ProductEvaluator(DoCase input, string protocol, int port, bool ipv6, bool inbound);

public sealed record DifferentialReport(int Cases, int Queries, int Addresses, int Definite, int Disagreements, int ProductIndeterminate, IReadOnlyList<string> FirstDisagreements);

public static class DigitalOceanDifferential
{
    private const int Kept = 20;

    /// <summary><paramref name="cases"/> cases drawn from <paramref name="seed"/>; each disagreement names its case seed for <see cref="Replay"/>.</summary>
    public static DifferentialReport Run(int seed, int cases, ProductEvaluator product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var rng = new Random(seed);
        var tally = new Tally();
        for (var i = 0; i < cases; i++)
        {
            RunCase(rng.Next(), product, tally);
        }
        return tally.Report(cases);
    }

    /// <summary>One case again, by the case seed a disagreement names.</summary>
    public static DifferentialReport Replay(int caseSeed, ProductEvaluator product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var tally = new Tally();
        RunCase(caseSeed, product, tally);
        return tally.Report(1);
    }

    /// <summary>The questions asked of a case: (protocol, port, ipv6, inbound), ports at every rule's edges and a few more.</summary>
    public static IEnumerable<(string Protocol, int Port, bool IPv6, bool Inbound)> Queries(DoCase input, Random rng)
    {
        foreach (var inbound in new[] { true, false })
        {
            foreach (var protocol in new[] { "tcp", "udp" })
            {
                var edges = new SortedSet<int> { inbound ? 22 : 25, inbound ? 11211 : 587, rng.Next(1, 65536) };
                foreach (var rule in input.Firewalls.SelectMany(f => inbound ? f.Inbound : f.Outbound).Where(r => r.Protocol == protocol))
                {
                    var (low, high) = CompiledDoCase.PortBounds(rule.Ports);
                    foreach (var p in new[] { low, high, low - 1, high + 1 })
                    {
                        if (p is >= 1 and <= 65535)
                        {
                            edges.Add(p);
                        }
                    }
                }
                var ports = edges.OrderBy(_ => rng.Next()).Take(4).ToList();
                if (!inbound && !ports.Contains(25))
                {
                    ports[0] = 25;
                }
                foreach (var port in ports)
                {
                    yield return (protocol, port, false, inbound);
                    yield return (protocol, port, true, inbound);
                }
            }
            yield return ("icmp", 0, false, inbound);
            yield return ("icmp", 0, true, inbound);
        }
    }

    /// <summary>The addresses asked about for one family: each CIDR's first, last, first-1 and last+1, and three random.</summary>
    public static IReadOnlyList<IPAddress> Addresses(DoCase input, bool ipv6, Random rng)
    {
        var family = ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var texts = input.Firewalls
            .SelectMany(f => f.Inbound.Concat(f.Outbound))
            .SelectMany(r => r.Target.Addresses)
            .Concat(input.Droplets.SelectMany(d => d.AllAddresses))
            .Concat(input.LoadBalancers.Concat(input.KubernetesClusters).SelectMany(r => r.Addresses))
            .Where(t => Prefix.FamilyOf(t) == family);
        var set = new HashSet<IPAddress>();
        foreach (var text in texts)
        {
            var (first, last) = Prefix.Parse(text).Bounds();
            set.Add(first);
            set.Add(last);
            if (Step(first, -1) is { } before)
            {
                set.Add(before);
            }
            if (Step(last, +1) is { } after)
            {
                set.Add(after);
            }
        }
        for (var i = 0; i < 3; i++)
        {
            var bytes = new byte[ipv6 ? 16 : 4];
            rng.NextBytes(bytes);
            set.Add(new IPAddress(bytes));
        }
        return [.. set];
    }

    /// <summary>The next or previous address, or null past either end of the space.</summary>
    public static IPAddress? Step(IPAddress address, int delta)
    {
        var bytes = address.GetAddressBytes();
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            var value = bytes[i] + delta;
            if (value is >= 0 and <= 255)
            {
                bytes[i] = (byte)value;
                return new IPAddress(bytes);
            }
            bytes[i] = (byte)(delta > 0 ? 0 : 255);
        }
        return null;
    }

    private static void RunCase(int caseSeed, ProductEvaluator product, Tally tally)
    {
        var input = DoCaseGenerator.Generate(caseSeed);
        var oracle = DigitalOceanOracle.Compile(input);
        var rng = new Random(caseSeed ^ 0x5bd1e995);
        var v4 = Addresses(input, false, rng);
        var v6 = Addresses(input, true, rng);
        foreach (var (protocol, port, ipv6, inbound) in Queries(input, rng))
        {
            tally.Queries++;
            var answer = product(input, protocol, port, ipv6, inbound);
            foreach (var address in ipv6 ? v6 : v4)
            {
                tally.Addresses++;
                var expected = oracle.Decide(protocol, port, address, inbound, out _) switch
                {
                    DoVerdict.Admitted => OracleDecision.Admitted,
                    DoVerdict.Indeterminate => OracleDecision.Indeterminate,
                    _ => OracleDecision.Refused,
                };
                if (expected == OracleDecision.Indeterminate)
                {
                    continue;
                }
                tally.Definite++;
                var actual = answer(address);
                if (actual == OracleDecision.Indeterminate)
                {
                    tally.ProductIndeterminate++;
                }
                else if (actual != expected)
                {
                    tally.Disagreements++;
                    if (tally.First.Count < Kept)
                    {
                        var why = oracle.Judge(protocol, port, address, inbound);
                        tally.First.Add(string.Create(CultureInfo.InvariantCulture,
                            $"case {caseSeed} (Replay({caseSeed})): {(inbound ? "inbound" : "outbound")} {protocol}/{port} {(inbound ? "from" : "to")} {address}: oracle {expected} ({why.Verdict}: {why.Reason}), product {actual}"));
                    }
                }
            }
        }
    }

    private sealed class Tally
    {
        public int Queries;
        public int Addresses;
        public int Definite;
        public int Disagreements;
        public int ProductIndeterminate;
        public List<string> First { get; } = [];

        public DifferentialReport Report(int cases) => new(cases, Queries, Addresses, Definite, Disagreements, ProductIndeterminate, First);
    }
}
