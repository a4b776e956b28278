// Seeded random cases within the documented limits: up to 5 firewalls applied to the server (docs.hetzner.com/cloud/
// firewalls/faq "Assign up to 5 active Firewalls per server"), at most 50 rules per firewall (API reference, set_rules:
// "The maximum amount of rules that can be defined is 50"), at most 100 CIDRs per rule (the spec's Rule model), protocols
// tcp/udp/icmp/esp/gre, ports only on tcp/udp, label selectors in the documented language (API reference, "Label
// Selector"), a server's IPv6 as a /64 (the spec's Server example "2001:db8::/64").
using System.Globalization;
using System.Net;

namespace OecCloudFw.Hetzner.Tests.Oracle;

public static class HetznerCaseGenerator
{
    private static readonly string[] Protocols = ["tcp", "tcp", "tcp", "tcp", "udp", "udp", "icmp", "icmp", "esp", "gre"];
    private static readonly int[] InterestingPorts = [22, 25, 80, 443, 465, 587, 3306, 8080];
    private static readonly string[] Envs = ["prod", "dev", "staging"];
    private static readonly string[] Selectors = ["env=prod", "env==dev", "env!=prod", "role", "!role", "env in (prod,staging)", "env notin (dev)", "env=prod,role=web", "role=db"];

    /// <summary>The case for one seed; the same seed always gives the same case.</summary>
    public static HetznerCase Generate(int seed)
    {
        var r = new Random(seed);
        var server = RandomServer(r, 1000 + r.Next(1000), $"srv-{seed.ToString(CultureInfo.InvariantCulture)}", r.NextDouble() < 0.9, r.NextDouble() < 0.85);
        var others = Enumerable.Range(0, r.Next(3)).Select(i => RandomServer(r, 3000 + i, $"other-{i}", true, true)).ToList();
        var firewalls = new List<HzFirewall>();
        var count = r.Next(7);
        for (var i = 0; i < count; i++)
        {
            var rules = Enumerable.Range(0, r.Next(5)).Select(_ => RandomRule(r, server)).ToList();
            var servers = new List<long>();
            var selectors = new List<string>();
            var roll = r.NextDouble();
            if (roll < 0.45)
            {
                servers.Add(server.Id);
            }
            else if (roll < 0.75)
            {
                selectors.Add(Selectors[r.Next(Selectors.Length)]);
            }
            else if (roll < 0.9 && others.Count > 0)
            {
                servers.Add(others[r.Next(others.Count)].Id);
            }
            firewalls.Add(new HzFirewall(100 + i, $"fw-{i}", rules, servers, selectors));
        }
        var result = new HetznerCase(seed, server, firewalls, others);
        // The API refuses a sixth firewall on a server: unapply the last ones until at most 5 apply.
        while (result.AppliedToServer().Count > 5)
        {
            var last = result.AppliedToServer()[^1];
            firewalls[firewalls.FindIndex(f => f.Id == last.Id)] = last with { AppliedServers = [], AppliedSelectors = [] };
            result = result with { Firewalls = [.. firewalls] };
        }
        return result;
    }

    private static HzServer RandomServer(Random r, long id, string name, bool v4, bool v6)
    {
        var labels = new Dictionary<string, string>();
        if (r.NextDouble() < 0.6)
        {
            labels["env"] = Envs[r.Next(Envs.Length)];
        }
        if (r.NextDouble() < 0.5)
        {
            labels["role"] = r.NextDouble() < 0.5 ? "web" : "db";
        }
        var ipv4 = v4 ? $"{r.Next(1, 224)}.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}" : null;
        var ipv6 = v6 ? $"2a01:4f8:{r.Next(0x10000):x}:{r.Next(0x10000):x}::/64" : null;
        return new HzServer(id, name, ipv4, ipv6, labels, r.NextDouble() < 0.2);
    }

    private static HzRule RandomRule(Random r, HzServer server)
    {
        var inbound = r.NextDouble() < 0.65;
        var protocol = Protocols[r.Next(Protocols.Length)];
        string? port = null;
        if (protocol is "tcp" or "udp")
        {
            var low = r.NextDouble() < 0.6 ? InterestingPorts[r.Next(InterestingPorts.Length)] : r.Next(1, 65536);
            port = r.NextDouble() < 0.7 ? low.ToString(CultureInfo.InvariantCulture)
                : $"{low.ToString(CultureInfo.InvariantCulture)}-{Math.Min(65535, low + r.Next(1, 2000)).ToString(CultureInfo.InvariantCulture)}";
        }
        var cidrs = Enumerable.Range(0, r.Next(1, 4)).Select(_ => RandomCidr(r, server)).Distinct().ToList();
        var description = r.NextDouble() < 0.3 ? "oec-cloudfw: generated" : null;
        return inbound ? new HzRule("in", protocol, port, cidrs, [], description) : new HzRule("out", protocol, port, [], cidrs, description);
    }

    private static string RandomCidr(Random r, HzServer server)
    {
        var roll = r.NextDouble();
        if (roll < 0.12)
        {
            return "0.0.0.0/0";
        }
        if (roll < 0.22)
        {
            return "::/0";
        }
        if (roll < 0.62)
        {
            var prefix = r.Next(8, 33);
            var seed = server.Ipv4 is not null && r.NextDouble() < 0.3 ? IPAddress.Parse(server.Ipv4) : RandomAddress(r, false);
            return Canonical(seed, prefix, false);
        }
        var prefix6 = r.Next(16, 129);
        return Canonical(RandomAddress(r, true), prefix6, true);
    }

    internal static IPAddress RandomAddress(Random r, bool ipv6)
    {
        var bytes = new byte[ipv6 ? 16 : 4];
        r.NextBytes(bytes);
        if (ipv6)
        {
            bytes[0] = 0x2a;
        }
        return new IPAddress(bytes);
    }

    private static string Canonical(IPAddress address, int prefix, bool ipv6)
    {
        var bits = ipv6 ? 128 : 32;
        var host = bits - prefix;
        var mask = host == 0 ? UInt128.Zero : (UInt128.One << host) - 1;
        var network = HzNet.FromNumber(HzNet.ToNumber(address) & ~mask, ipv6);
        return $"{network}/{prefix.ToString(CultureInfo.InvariantCulture)}";
    }
}
