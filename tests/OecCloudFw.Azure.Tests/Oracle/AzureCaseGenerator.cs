using System.Globalization;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>
/// Random small cases from a seed (one <see cref="Random"/> per case, so a case is reproducible from its seed alone):
/// a pool of 1-3 NSGs with overlapping, split and nested source CIDRs, tags, ASGs, Allow/Deny at distinct priorities
/// 100-4096 (denies carved out of allows and vice versa), port ranges and lists, protocols; mode VM (1-2 NICs, 1-2
/// subnets, public IPs None/Basic/Standard, optional IPv6) or mode NSG.
/// </summary>
public static class AzureCaseGenerator
{
    public static readonly string[] AsgPool = ["asg-web", "asg-db", "asg-admin"];

    private static readonly string[] OtherTags =
        ["AzureCloud", "AzureCloud.WestEurope", "Storage", "Storage.WestEurope", "Sql.EastUS"];

    private static readonly string[] FixedV4 =
    [
        "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "10.0.1.0/24", "10.0.0.0/16", "172.16.0.0/12",
        "192.168.0.0/16", "192.168.1.0/24", "100.64.0.0/10", "168.63.129.16/32", "168.63.129.0/24", "9.255.255.0/24",
        "11.0.0.0/8", "172.32.0.0/16", "100.128.0.0/10", "203.0.113.0/24", "198.51.100.7",
    ];

    private static readonly string[] FixedV6 =
        ["::/0", "fc00::/7", "fd00::/8", "2000::/3", "2001:db8::/32", "2603:1000::/24", "fe00::/7", "2001:db8::1"];

    private static readonly int[] WellKnownPorts = [22, 80, 443, 5432];

    public static AzureCase Generate(int caseSeed)
    {
        var rng = new Random(caseSeed);
        var nsgCount = rng.Next(1, 4);
        var budget = 20;
        var nsgs = new List<AzureNsg>();
        for (var i = 0; i < nsgCount; i++)
        {
            var count = Math.Min(budget, rng.Next(0, 9));
            budget -= count;
            nsgs.Add(new AzureNsg("nsg-" + (char)('a' + i), Rules(rng, count)));
        }
        var upper = rng.Next(5) == 0;
        var emptyPlural = rng.Next(3) == 0;
        if (rng.Next(4) == 0)
        {
            return new AzureCase(caseSeed, nsgs[rng.Next(nsgs.Count)].Name, nsgs, [], [], upper, emptyPlural);
        }
        string? PickNsg() => rng.Next(10) < 3 ? null : nsgs[rng.Next(nsgs.Count)].Name;
        var subnets = Enumerable.Range(1, rng.Next(1, 3))
            .Select(s => new AzureSubnet("subnet-" + s, $"10.0.{s}.0/24", PickNsg())).ToList();
        var nics = new List<AzureNic>();
        var nicCount = rng.Next(1, 3);
        for (var n = 1; n <= nicCount; n++)
        {
            var subnet = rng.Next(subnets.Count) + 1;
            var sku = (PublicIpSku)rng.Next(3);
            var asgs = AsgPool.OrderBy(_ => rng.Next()).Take(rng.Next(3)).ToArray();
            var v6 = sku == PublicIpSku.Standard && rng.Next(2) == 0;
            nics.Add(new AzureNic(
                "nic-" + n, $"10.0.{subnet}.{3 + n}", "subnet-" + subnet, PickNsg(), asgs, sku,
                sku == PublicIpSku.None ? null : $"{20 + rng.Next(40)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(1, 255)}",
                v6 ? $"fd00:0:0:{subnet}::{3 + n}" : null,
                v6 ? $"2603:1030:{rng.Next(0x10000):x}::{rng.Next(1, 0x10000):x}" : null));
        }
        return new AzureCase(caseSeed, null, nsgs, subnets, nics, upper, emptyPlural);
    }

    private static List<AzureRule> Rules(Random rng, int count)
    {
        var rules = new List<AzureRule>();
        var priorities = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            int priority;
            do
            {
                priority = rng.Next(10) < 7 ? 100 + (10 * rng.Next(40)) : rng.Next(100, 4097);
            }
            while (!priorities.Add(priority));
            var allow = rng.Next(2) == 0;
            var plural = false;
            IReadOnlyList<string> sources;
            IReadOnlyList<string> sourceAsgs = [];
            var previous = rules.Where(r => r.Inbound && r.SourcePrefixes.Any(IsCidr)).ToList();
            var roll = rng.Next(100);
            if (previous.Count > 0 && roll < 25)
            {
                // Carve the opposite access out of (or around) an earlier rule's CIDR.
                var basis = previous[rng.Next(previous.Count)];
                var cidr = OracleCidr.Parse(basis.SourcePrefixes.Where(IsCidr).ElementAt(0));
                allow = !basis.Allow;
                sources = rng.Next(3) == 0 && cidr.Length > 0 ? [Super(rng, cidr)] : Split(rng, cidr);
                plural = sources.Count > 1 || rng.Next(4) == 0;
            }
            else if (roll < 45)
            {
                sources = [rng.Next(3) switch
                {
                    0 => "Internet",
                    1 => "VirtualNetwork",
                    _ => rng.Next(3) == 0 ? "AzureLoadBalancer" : OtherTags[rng.Next(OtherTags.Length)],
                }];
            }
            else if (roll < 55)
            {
                sources = [];
                sourceAsgs = AsgPool.OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)).ToArray();
            }
            else if (roll < 65)
            {
                sources = [rng.Next(2) == 0 ? "*" : "Any"];
            }
            else
            {
                var n = rng.Next(1, 4);
                var list = new List<string>();
                for (var k = 0; k < n; k++)
                {
                    var c = RandomCidr(rng);
                    list.AddRange(rng.Next(4) == 0 && c.Length < c.Bits ? Split(rng, c) : [Text(c, rng)]);
                }
                sources = list.Distinct().Take(6).ToArray();
                plural = sources.Count > 1 || rng.Next(4) == 0;
            }
            var (destinations, destinationAsgs) = Destination(rng);
            if (destinations.Count > 1)
            {
                plural = true;
            }
            var ports = Ports(rng);
            if (ports.Count > 1)
            {
                plural = true;
            }
            var protocol = rng.Next(10) switch
            {
                < 3 => "*",
                < 6 => "Tcp",
                < 8 => "Udp",
                8 => "Icmp",
                _ => rng.Next(3) == 0 ? "Ah" : "Esp",
            };
            var inbound = rng.Next(8) != 0;
            rules.Add(new AzureRule($"rule-{priority}", priority, inbound, allow, protocol, sources, sourceAsgs,
                destinations, destinationAsgs, ports, plural));
        }
        return rules;
    }

    private static bool IsCidr(string s) => OracleCidr.TryParse(s, out _);

    private static (IReadOnlyList<string>, IReadOnlyList<string>) Destination(Random rng) => rng.Next(20) switch
    {
        < 8 => (["*"], []),
        8 => (["Any"], []),
        < 11 => (["VirtualNetwork"], []),
        11 => (["10.0.0.0/16"], []),
        12 => ([$"10.0.{rng.Next(1, 3)}.0/24"], []),
        13 => ([$"10.0.{rng.Next(1, 3)}.{rng.Next(4, 6)}"], []),
        14 => (["10.9.0.0/16", "192.168.0.0/24"], []),
        15 => ([$"10.0.{rng.Next(1, 3)}.{rng.Next(4, 6)}/32", "10.9.9.9/32"], []),
        16 => ([rng.Next(2) == 0 ? "fd00::/8" : $"fd00:0:0:{rng.Next(1, 4)}::/64"], []),
        17 => (["0.0.0.0/0"], []),
        _ => ([], AsgPool.OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)).ToArray()),
    };

    private static IReadOnlyList<string> Ports(Random rng)
    {
        string One()
        {
            switch (rng.Next(6))
            {
                case 0:
                    return WellKnownPorts[rng.Next(WellKnownPorts.Length)].ToString(CultureInfo.InvariantCulture);
                case 1:
                    return "0-65535";
                case 2:
                {
                    var lo = WellKnownPorts[rng.Next(WellKnownPorts.Length)] - rng.Next(0, 3);
                    return $"{lo}-{lo + rng.Next(0, 500)}";
                }
                default:
                {
                    var lo = rng.Next(1, 65536);
                    var hi = Math.Min(65535, lo + rng.Next(0, 2000));
                    return lo == hi ? lo.ToString(CultureInfo.InvariantCulture) : $"{lo}-{hi}";
                }
            }
        }
        return rng.Next(10) switch
        {
            < 3 => ["*"],
            < 7 => [One()],
            _ => Enumerable.Range(0, rng.Next(2, 4)).Select(_ => One()).Distinct().ToArray(),
        };
    }

    private static OracleCidr RandomCidr(Random rng)
    {
        if (rng.Next(3) == 0)
        {
            return OracleCidr.Parse(rng.Next(3) == 0 ? FixedV6[rng.Next(FixedV6.Length)] : FixedV4[rng.Next(FixedV4.Length)]);
        }
        var v6 = rng.Next(4) == 0;
        var bits = v6 ? 128 : 32;
        UInt128 value = v6
            ? (new UInt128((ulong)rng.NextInt64() | (rng.Next(2) == 0 ? 0x2000_0000_0000_0000UL : 0xfd00_0000_0000_0000UL),
                (ulong)rng.NextInt64()))
            : (uint)rng.NextInt64(0, 1L << 32);
        var length = rng.Next(4) == 0 ? bits : rng.Next(v6 ? 16 : 4, bits + 1);
        var c = new OracleCidr(v6, 0, length);
        return c with { Network = value & ~c.HostMask };
    }

    private static string Text(OracleCidr c, Random rng) =>
        c.Length == c.Bits && rng.Next(2) == 0 ? c.First.ToString() : c.ToString();

    /// <summary>A tiling of <paramref name="c"/> (two halves, four quarters) or a nested piece of it.</summary>
    private static IReadOnlyList<string> Split(Random rng, OracleCidr c)
    {
        if (c.Length >= c.Bits)
        {
            return [c.ToString()];
        }
        var extra = Math.Min(c.Bits - c.Length, rng.Next(1, 3));
        if (rng.Next(3) == 0)
        {
            // One nested piece somewhere inside.
            var depth = rng.Next(1, Math.Min(c.Bits - c.Length, 12) + 1);
            var piece = new OracleCidr(c.V6, 0, c.Length + depth);
            var offset = (UInt128)(ulong)rng.NextInt64() & c.HostMask & ~piece.HostMask;
            return [(piece with { Network = c.Network | offset }).ToString()];
        }
        var parts = new List<string>();
        var size = new OracleCidr(c.V6, 0, c.Length + extra);
        for (UInt128 k = 0; k < ((UInt128)1 << extra); k++)
        {
            parts.Add((size with { Network = c.Network | (k << (c.Bits - size.Length)) }).ToString());
        }
        // Sometimes leave a hole in the tiling.
        if (parts.Count > 2 && rng.Next(3) == 0)
        {
            parts.RemoveAt(rng.Next(parts.Count));
        }
        return parts;
    }

    private static string Super(Random rng, OracleCidr c)
    {
        var length = Math.Max(0, c.Length - rng.Next(1, 9));
        var s = new OracleCidr(c.V6, 0, length);
        return (s with { Network = c.Network & ~s.HostMask }).ToString();
    }
}
