// What a product does in the lead's differential, in miniature: read the server's firewalls and every droplet from the
// fake over HTTP (GET /v2/droplets/{id}/firewalls, GET /v2/droplets, following links.pages.next) into a case.
using System.Text.Json.Nodes;
using OecCloudFw.DigitalOcean.Tests.Fake;

namespace OecCloudFw.DigitalOcean.Tests.Oracle;

internal static class FakeCaseReader
{
    /// <summary>The case as the API shows it; load balancers' and clusters' addresses come from <paramref name="input"/> (the fake serves no cluster API).</summary>
    public static async Task<DoCase> ReadAsync(HttpClient http, DoCase input)
    {
        var firewalls = (await ReadAllAsync(http, $"v2/droplets/{input.ServerId}/firewalls?per_page=2", "firewalls")).Select(Firewall).ToList();
        var droplets = (await ReadAllAsync(http, "v2/droplets?per_page=2", "droplets")).Select(Droplet).ToList();
        return new DoCase(input.Seed, input.ServerId, droplets, firewalls, input.LoadBalancers, input.KubernetesClusters, input.Smtp25Blocked);
    }

    private static async Task<List<JsonNode>> ReadAllAsync(HttpClient http, string path, string key)
    {
        var items = new List<JsonNode>();
        string? next = path;
        while (next is not null)
        {
            var body = (await http.GetJsonAsync(next)).Body!;
            items.AddRange(body[key]!.AsArray().Select(n => n!));
            next = body["links"]?["pages"]?["next"]?.GetValue<string>();
        }
        return items;
    }

    private static List<string> Strings(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    private static List<long> Longs(JsonNode? node) => node?.AsArray().Select(n => n!.GetValue<long>()).ToList() ?? [];

    private static DoRule Rule(JsonNode rule, string key)
    {
        var t = rule[key]!;
        return new DoRule(rule["protocol"]!.GetValue<string>(), rule["ports"]!.GetValue<string>(),
            new DoTarget(Strings(t["addresses"]), Longs(t["droplet_ids"]), Strings(t["tags"]), Strings(t["load_balancer_uids"]), Strings(t["kubernetes_ids"])));
    }

    private static DoFirewall Firewall(JsonNode f) => new(
        f["id"]!.GetValue<string>(),
        f["name"]!.GetValue<string>(),
        f["inbound_rules"]!.AsArray().Select(r => Rule(r!, "sources")).ToList(),
        f["outbound_rules"]!.AsArray().Select(r => Rule(r!, "destinations")).ToList(),
        Longs(f["droplet_ids"]),
        Strings(f["tags"]));

    private static DoDroplet Droplet(JsonNode d)
    {
        var v4 = d["networks"]!["v4"]!.AsArray();
        return new DoDroplet(
            d["id"]!.GetValue<long>(),
            d["name"]!.GetValue<string>(),
            v4.Where(n => n!["type"]!.GetValue<string>() == "public").Select(n => n!["ip_address"]!.GetValue<string>()).ToList(),
            v4.Where(n => n!["type"]!.GetValue<string>() == "private").Select(n => n!["ip_address"]!.GetValue<string>()).ToList(),
            d["networks"]!["v6"]!.AsArray().Select(n => n!["ip_address"]!.GetValue<string>()).ToList(),
            Strings(d["tags"]));
    }
}
