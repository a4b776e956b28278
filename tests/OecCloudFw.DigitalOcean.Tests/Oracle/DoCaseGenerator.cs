// Seeded random DigitalOcean accounts for the differential: droplets with public/private IPv4 and public IPv6 (the
// `networks` of specification/resources/droplets/models/droplet.yml), 0-3 firewalls applied by droplet id and/or tag,
// rules within the documented shapes (firewall_rule.yml: tcp/udp/icmp; "80", "8000-9000", "0"/"all"; addresses, droplet
// ids, tags, load balancer uids, kubernetes ids) and the documented limits (docs.digitalocean.com/products/networking/
// firewalls/details/limits/), so every case also loads into the fake.
using System.Globalization;
using System.Net;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

public static class DoCaseGenerator
{
    private static readonly string[] TagPool = ["web", "db", "env:prod", "gateway", "k8s"];
    private static readonly int[] CommonPorts = [22, 25, 53, 80, 443, 3306, 8080];

    /// <summary>The same seed gives the same case.</summary>
    public static DoCase Generate(int seed)
    {
        var rng = new Random(seed);
        var droplets = new List<DoDroplet>();
        var ids = new HashSet<long>();
        var count = rng.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            long id;
            do
            {
                id = rng.Next(1_000_000, 99_999_999);
            }
            while (!ids.Add(id));
            var tags = TagPool.Where(_ => rng.Next(3) == 0).ToArray();
            droplets.Add(new DoDroplet(
                id,
                $"droplet-{i}.example.com",
                [PublicV4(rng)],
                [$"10.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(1, 255)}"],
                rng.Next(5) == 0 ? [] : [V6Host(rng)],
                tags));
        }
        var server = droplets[0];
        var loadBalancers = Enumerable.Range(0, rng.Next(3))
            .Select(i => new DoAddressedResource(Uid(rng), rng.Next(2) == 0 ? [PublicV4(rng)] : [PublicV4(rng), V6Host(rng)]))
            .ToList();
        var clusters = Enumerable.Range(0, rng.Next(2))
            .Select(i => new DoAddressedResource(Uid(rng), [PublicV4(rng), PublicV4(rng)]))
            .ToList();

        var firewalls = new List<DoFirewall>();
        var fwCount = rng.Next(6) switch { 0 => 0, 1 or 2 => 1, 3 or 4 => 2, _ => 3 };
        for (var f = 0; f < fwCount; f++)
        {
            var appliedIds = new List<long>();
            var appliedTags = new List<string>();
            switch (rng.Next(4))
            {
                case 0:
                    appliedIds.Add(server.Id);
                    break;
                case 1 when server.Tags.Count > 0:
                    appliedTags.Add(server.Tags[rng.Next(server.Tags.Count)]);
                    break;
                case 2:
                    appliedTags.Add(TagPool[rng.Next(TagPool.Length)]);
                    break;
                default:
                    appliedIds.Add(droplets[rng.Next(droplets.Count)].Id);
                    break;
            }
            var inbound = Enumerable.Range(0, rng.Next(5)).Select(_ => Rule(rng, droplets, loadBalancers, clusters)).ToList();
            var outbound = Enumerable.Range(0, rng.Next(4)).Select(_ => Rule(rng, droplets, loadBalancers, clusters)).ToList();
            if (inbound.Count + outbound.Count == 0)
            {
                inbound.Add(Rule(rng, droplets, loadBalancers, clusters));
            }
            firewalls.Add(new DoFirewall(Uid(rng), $"fw-{f}", inbound, outbound, appliedIds.Distinct().ToList(), appliedTags));
        }
        return new DoCase(seed, server.Id, droplets, firewalls, loadBalancers, clusters, Smtp25Blocked: rng.Next(5) != 0);
    }

    private static DoRule Rule(Random rng, List<DoDroplet> droplets, List<DoAddressedResource> lbs, List<DoAddressedResource> clusters)
    {
        var roll = rng.Next(10);
        var protocol = roll < 5 ? "tcp" : roll < 8 ? "udp" : "icmp";
        string ports;
        if (protocol == "icmp")
        {
            ports = "0";
        }
        else
        {
            ports = rng.Next(6) switch
            {
                0 => "0",
                1 => "all",
                2 or 3 => CommonPorts[rng.Next(CommonPorts.Length)].ToString(CultureInfo.InvariantCulture),
                _ => RandomRange(rng),
            };
        }
        var addresses = new List<string>();
        var dropletIds = new List<long>();
        var tags = new List<string>();
        var lbIds = new List<string>();
        var k8s = new List<string>();
        do
        {
            switch (rng.Next(10))
            {
                case < 5:
                    addresses.Add(RandomCidr(rng, v6: rng.Next(3) == 0));
                    break;
                case 5:
                    addresses.Add(rng.Next(2) == 0 ? "0.0.0.0/0" : "::/0");
                    break;
                case 6:
                    dropletIds.Add(droplets[rng.Next(droplets.Count)].Id);
                    break;
                case 7:
                    tags.Add(TagPool[rng.Next(TagPool.Length)]);
                    break;
                case 8 when lbs.Count > 0:
                    lbIds.Add(lbs[rng.Next(lbs.Count)].Id);
                    break;
                case 9 when clusters.Count > 0:
                    k8s.Add(clusters[rng.Next(clusters.Count)].Id);
                    break;
                default:
                    addresses.Add(RandomCidr(rng, v6: false));
                    break;
            }
        }
        while (rng.Next(3) == 0);
        return new DoRule(protocol, ports, new DoTarget(addresses.Distinct().ToList(), dropletIds.Distinct().ToList(), tags.Distinct().ToList(), lbIds.Distinct().ToList(), k8s.Distinct().ToList()));
    }

    private static string RandomRange(Random rng)
    {
        var low = rng.Next(1, 65535);
        var high = Math.Min(65535, low + rng.Next(0, rng.Next(2) == 0 ? 100 : 20000));
        return low == high ? low.ToString(CultureInfo.InvariantCulture) : FormattableString.Invariant($"{low}-{high}");
    }

    /// <summary>A network-aligned CIDR (host bits zero), or a bare address; prefixes 0-32 / 0-128.</summary>
    public static string RandomCidr(Random rng, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        rng.NextBytes(bytes);
        if (v6)
        {
            bytes[0] = 0x26;
            bytes[1] = 0x04;
        }
        var bits = bytes.Length * 8;
        var roll = rng.Next(8);
        if (roll == 0)
        {
            return new IPAddress(bytes).ToString();
        }
        var length = roll == 1 ? bits : rng.Next(v6 ? 16 : 8, bits + 1);
        for (var bit = length; bit < bits; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return FormattableString.Invariant($"{new IPAddress(bytes)}/{length}");
    }

    private static string PublicV4(Random rng) => $"{rng.Next(11, 223)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(1, 255)}";

    private static string V6Host(Random rng)
    {
        var bytes = new byte[16];
        rng.NextBytes(bytes);
        bytes[0] = 0x26;
        bytes[1] = 0x04;
        bytes[2] = 0xa8;
        bytes[3] = 0x80;
        return new IPAddress(bytes).ToString();
    }

    private static string Uid(Random rng)
    {
        var bytes = new byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
