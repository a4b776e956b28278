using System.Globalization;
using System.Net;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// Differential harness: generated cases (case i of a run uses seed + i), 3 (protocol, port) queries per case x both
/// families, sampled source addresses (every boundary of every CIDR of the family in the case: first, last, first-1,
/// last+1; the private ranges' and special addresses' boundaries; a few random ones; at most
/// <see cref="AddressCap"/>), the product's answer against the oracle's.
/// </summary>
public static class AzureDifferential
{
    public const int AddressCap = 96;

    private const int MaxReported = 10;

    private static readonly int[] WellKnownPorts = [22, 80, 443, 5432];

    private static readonly string[] SpecialV4 =
        ["0.0.0.0", "255.255.255.255", "168.63.129.15", "168.63.129.16", "168.63.129.17", "127.0.0.1", "169.254.169.254"];

    private static readonly string[] SpecialV6 =
        ["::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1", "fe80::1", "::ffff:10.0.0.1"];

    public static DifferentialReport Run(int seed, int cases, ProductEvaluator product) =>
        RunSeeds(Enumerable.Range(0, cases).Select(i => unchecked(seed + i)), product);

    public static DifferentialReport Replay(int caseSeed, ProductEvaluator product) => RunSeeds([caseSeed], product);

    /// <summary>The case's 3 (protocol, port) queries; each is asked for IPv4 and for IPv6 sources.</summary>
    public static IReadOnlyList<(string Protocol, int Port)> Queries(AzureCase azureCase)
    {
        ArgumentNullException.ThrowIfNull(azureCase);
        var rng = new Random(unchecked(azureCase.Seed * 31 + 7));
        var ports = new SortedSet<int>(WellKnownPorts);
        foreach (var entry in azureCase.Nsgs.SelectMany(n => n.Rules).Where(r => r.Inbound).SelectMany(r => r.DestinationPorts))
        {
            if (entry.Trim() == "*")
            {
                continue;
            }
            var dash = entry.IndexOf('-', StringComparison.Ordinal);
            var lo = int.Parse(dash < 0 ? entry : entry[..dash], CultureInfo.InvariantCulture);
            var hi = dash < 0 ? lo : int.Parse(entry[(dash + 1)..], CultureInfo.InvariantCulture);
            foreach (var p in new[] { lo - 1, lo, hi, hi + 1 })
            {
                if (p is >= 1 and <= 65535)
                {
                    ports.Add(p);
                }
            }
        }
        var pool = ports.ToArray();
        var queries = new List<(string, int)>();
        for (var i = 0; i < 3; i++)
        {
            var protocol = rng.Next(20) switch { < 9 => "tcp", < 15 => "udp", _ => "icmp" };
            if (protocol == "icmp" && queries.Contains(("icmp", 0)))
            {
                protocol = "tcp"; // one icmp query is enough: its port is not used
            }
            queries.Add((protocol, protocol == "icmp" ? 0 : pool[rng.Next(pool.Length)]));
        }
        return queries;
    }

    /// <summary>The source addresses of one family the harness asks about for this case.</summary>
    public static IReadOnlyList<IPAddress> SampleAddresses(AzureCase azureCase, bool ipv6) =>
        [.. Sample(azureCase, ipv6).Select(a => a.ToIPAddress())];

    internal static List<OracleAddress> Sample(AzureCase c, bool ipv6)
    {
        var cidrs = new List<OracleCidr>();
        void Add(string? text)
        {
            if (text is not null && OracleCidr.TryParse(text.Trim(), out var cidr) && cidr.V6 == ipv6)
            {
                cidrs.Add(cidr);
            }
        }
        foreach (var r in c.Nsgs.SelectMany(n => n.Rules.Concat(n.DefaultRules)))
        {
            r.SourcePrefixes.Concat(r.DestinationPrefixes).ToList().ForEach(Add);
        }
        foreach (var s in c.Subnets)
        {
            Add(s.AddressPrefix);
        }
        foreach (var n in c.Nics)
        {
            Add(n.PrivateIp);
            Add(n.PublicIpAddress);
            Add(n.PrivateIpv6);
            Add(n.PublicIpv6Address);
        }
        if (ipv6)
        {
            cidrs.Add(OracleAddress.PrivateV6);
        }
        else
        {
            cidrs.AddRange(OracleAddress.PrivateV4);
        }
        var found = new HashSet<UInt128>();
        var kept = new HashSet<UInt128>();
        foreach (var cidr in ipv6 ? [OracleAddress.PrivateV6] : OracleAddress.PrivateV4)
        {
            kept.Add(cidr.First.Value);
            kept.Add(cidr.Last.Value);
            kept.Add(cidr.First.Value - 1);
            kept.Add(cidr.Last.Value + 1);
        }
        foreach (var s in ipv6 ? SpecialV6 : SpecialV4)
        {
            kept.Add(OracleAddress.Parse(s).Value);
        }
        var max = ipv6 ? UInt128.MaxValue : uint.MaxValue;
        foreach (var cidr in cidrs)
        {
            found.Add(cidr.First.Value);
            found.Add(cidr.Last.Value);
            if (cidr.First.Value > 0)
            {
                found.Add(cidr.First.Value - 1);
            }
            if (cidr.Last.Value < max)
            {
                found.Add(cidr.Last.Value + 1);
            }
        }
        found.ExceptWith(kept);
        var rng = new Random(unchecked((c.Seed * 17) + (ipv6 ? 3 : 1)));
        var room = AddressCap - 4 - kept.Count;
        var ordered = found.OrderBy(v => v).ToList();
        if (ordered.Count > room)
        {
            // Over the cap: a seeded subset of the CIDR boundaries; private-range and special addresses always stay.
            ordered = [.. ordered.OrderBy(_ => rng.Next()).Take(room)];
        }
        ordered = [.. ordered.Concat(kept).OrderBy(v => v)];
        for (var i = 0; i < 4; i++)
        {
            UInt128 v = ipv6 ? new UInt128((ulong)rng.NextInt64(), (ulong)rng.NextInt64()) : (uint)rng.NextInt64(0, 1L << 32);
            if (i == 3)
            {
                // One random private address.
                var p = ipv6 ? OracleAddress.PrivateV6 : OracleAddress.PrivateV4[rng.Next(OracleAddress.PrivateV4.Length)];
                v = p.Network | (v & p.HostMask);
            }
            ordered.Add(v);
        }
        return [.. ordered.Distinct().Select(v => new OracleAddress(ipv6, v))];
    }

    private static DifferentialReport RunSeeds(IEnumerable<int> caseSeeds, ProductEvaluator product)
    {
        ArgumentNullException.ThrowIfNull(product);
        int cases = 0, queries = 0, addresses = 0, definite = 0, disagreements = 0, productIndeterminate = 0;
        var first = new List<string>();
        foreach (var caseSeed in caseSeeds)
        {
            cases++;
            var c = AzureCaseGenerator.Generate(caseSeed);
            var wire = AzureWireWriter.Write(c);
            foreach (var ipv6 in new[] { false, true })
            {
                var sample = Sample(c, ipv6);
                foreach (var (protocol, port) in Queries(c))
                {
                    queries++;
                    var oracle = AzureOracle.Compile(c, protocol, port, ipv6);
                    Func<IPAddress, OracleDecision> answer;
                    try
                    {
                        answer = product(wire, protocol, port, ipv6);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        throw new InvalidOperationException(
                            $"product threw on case seed {caseSeed} {protocol}/{port} {(ipv6 ? "IPv6" : "IPv4")}: {e.Message}\n{c}", e);
                    }
                    foreach (var address in sample)
                    {
                        addresses++;
                        var expected = oracle.Decide(address);
                        var ip = address.ToIPAddress();
                        OracleDecision actual;
                        try
                        {
                            actual = answer(ip);
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            throw new InvalidOperationException(
                                $"product threw on case seed {caseSeed} {protocol}/{port} from {ip}: {e.Message}\n{c}", e);
                        }
                        if (expected != OracleDecision.Indeterminate)
                        {
                            definite++;
                        }
                        if (actual != OracleDecision.Indeterminate && actual != expected)
                        {
                            disagreements++;
                            if (first.Count < MaxReported)
                            {
                                first.Add($"case seed {caseSeed} (replay: AzureDifferential.Replay({caseSeed}, product)): " +
                                    $"{protocol}/{port} from {ip}: product {actual}, oracle {expected}\n{c}");
                            }
                        }
                        else if (actual == OracleDecision.Indeterminate && expected != OracleDecision.Indeterminate)
                        {
                            productIndeterminate++;
                        }
                    }
                }
            }
        }
        return new DifferentialReport(cases, queries, addresses, definite, disagreements, productIndeterminate, first);
    }
}
