// The request and response examples of DigitalOcean's public OpenAPI description (github.com/digitalocean/openapi at
// 7c1300c4, specification/resources/firewalls/firewalls_*.yml request examples and responses/*.yml response examples),
// transcribed from YAML to JSON, sent as raw HTTP to the fake; the answers must have the documented shape. The droplets
// list by tag is checked against responses/examples.yml droplets_tagged (transcribed in
// Product/PublishedApiExamplesTests.DropletsTagged).
using System.Net;
using System.Text.Json.Nodes;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Fake;

public sealed class PublishedExamplesTests
{
    private const string Lb = "4de7ac8b-495b-4884-9a69-1050c6793cd6";

    // firewalls_create.yml requestBody example.
    private const string CreateExample = """
        {"name":"firewall",
         "inbound_rules":[{"protocol":"tcp","ports":"80","sources":{"load_balancer_uids":["4de7ac8b-495b-4884-9a69-1050c6793cd6"]}},
                          {"protocol":"tcp","ports":"22","sources":{"tags":["gateway"],"addresses":["18.0.0.0/8"]}}],
         "outbound_rules":[{"protocol":"tcp","ports":"80","destinations":{"addresses":["0.0.0.0/0","::/0"]}}],
         "droplet_ids":[8043964]}
        """;

    // responses/create_firewall_response.yml example: the rules as echoed.
    private const string CreateResponseInbound = """
        [{"protocol":"tcp","ports":"80","sources":{"load_balancer_uids":["4de7ac8b-495b-4884-9a69-1050c6793cd6"]}},
         {"protocol":"tcp","ports":"22","sources":{"tags":["gateway"],"addresses":["18.0.0.0/8"]}}]
        """;

    private const string CreateResponseOutbound = """
        [{"protocol":"tcp","ports":"80","destinations":{"addresses":["0.0.0.0/0","::/0"]}}]
        """;

    // firewalls_update.yml requestBody example.
    private const string UpdateExample = """
        {"name":"frontend-firewall",
         "inbound_rules":[{"protocol":"tcp","ports":"8080","sources":{"load_balancer_uids":["4de7ac8b-495b-4884-9a69-1050c6793cd6"]}},
                          {"protocol":"tcp","ports":"22","sources":{"tags":["gateway"],"addresses":["18.0.0.0/8"]}}],
         "outbound_rules":[{"protocol":"tcp","ports":"8080","destinations":{"addresses":["0.0.0.0/0","::/0"]}}],
         "droplet_ids":[8043964],
         "tags":["frontend"]}
        """;

    // firewalls_add_rules.yml and firewalls_delete_rules.yml requestBody example.
    private const string RulesExample = """
        {"inbound_rules":[{"protocol":"tcp","ports":"3306","sources":{"droplet_ids":[49696269]}}],
         "outbound_rules":[{"protocol":"tcp","ports":"3306","destinations":{"droplet_ids":[49696269]}}]}
        """;

    private static async Task<DigitalOceanFake> StartAsync()
    {
        var fake = await DigitalOceanFake.StartAsync(new FixedTime());
        fake.AddDroplet(8043964, "example.com", "192.241.165.154", "2604:a880:0:1010::18a:a001", "10.128.192.124", "web");
        fake.AddDroplet(49696269, "db.example.com", "104.131.186.241", null, "10.128.192.125");
        fake.AddTag("gateway");
        fake.AddTag("frontend");
        fake.AddLoadBalancer(new DoAddressedResource(Lb, ["104.131.186.200"]));
        return fake;
    }

    [Fact]
    public async Task Create_PublishedExample_Answers202WithTheDocumentedFirewall()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);

        var (status, body, response) = await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample);

        Assert.Equal(HttpStatusCode.Accepted, status);
        var fw = body!["firewall"]!;
        Assert.True(Guid.TryParse(fw["id"]!.GetValue<string>(), out _));
        Assert.Equal("firewall", fw["name"]!.GetValue<string>());
        Assert.Equal("waiting", fw["status"]!.GetValue<string>());
        Assert.True(FakeHttp.Same(JsonNode.Parse(CreateResponseInbound), fw["inbound_rules"]));
        Assert.True(FakeHttp.Same(JsonNode.Parse(CreateResponseOutbound), fw["outbound_rules"]));
        Assert.Equal("2017-05-23T21:24:00Z", fw["created_at"]!.GetValue<string>());
        Assert.True(FakeHttp.Same(JsonNode.Parse("[8043964]"), fw["droplet_ids"]));
        Assert.True(FakeHttp.Same(JsonNode.Parse("[]"), fw["tags"]));
        Assert.True(FakeHttp.Same(JsonNode.Parse("""[{"droplet_id":8043964,"removing":false,"status":"waiting"}]"""), fw["pending_changes"]));
        Assert.Equal("5000", response.Headers.GetValues("ratelimit-limit").Single());
        Assert.True(response.Headers.Contains("ratelimit-remaining"));
        Assert.True(response.Headers.Contains("ratelimit-reset"));
    }

    [Fact]
    public async Task GetAndList_AfterCreate_ShowTheDocumentedShapeAndSettle()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample)).Body!["firewall"]!["id"]!.GetValue<string>();

        var first = (await http.GetJsonAsync($"v2/firewalls/{id}")).Body!["firewall"]!;
        var (status, body, _) = await http.GetJsonAsync($"v2/firewalls/{id}");
        var (listStatus, list, _) = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal("waiting", first["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
        // responses/get_firewall_response.yml: succeeded, pending_changes empty.
        var fw = body!["firewall"]!;
        Assert.Equal("succeeded", fw["status"]!.GetValue<string>());
        Assert.True(FakeHttp.Same(JsonNode.Parse("[]"), fw["pending_changes"]));
        Assert.True(FakeHttp.Same(JsonNode.Parse(CreateResponseInbound), fw["inbound_rules"]));
        // responses/list_firewalls_response.yml: firewalls, links {}, meta.total.
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Single(list!["firewalls"]!.AsArray());
        Assert.True(FakeHttp.Same(JsonNode.Parse("{}"), list["links"]));
        Assert.Equal(1, list["meta"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_PublishedExample_ReplacesEverythingAndAnswers200()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample)).Body!["firewall"]!["id"]!.GetValue<string>();
        fake.Settle();

        var (status, body, _) = await http.SendAsync(HttpMethod.Put, $"v2/firewalls/{id}", UpdateExample);

        Assert.Equal(HttpStatusCode.OK, status);
        var fw = body!["firewall"]!;
        Assert.Equal(id, fw["id"]!.GetValue<string>());
        Assert.Equal("frontend-firewall", fw["name"]!.GetValue<string>());
        Assert.Equal("waiting", fw["status"]!.GetValue<string>());
        Assert.Equal("8080", fw["inbound_rules"]![0]!["ports"]!.GetValue<string>());
        Assert.Equal(2, fw["inbound_rules"]!.AsArray().Count);
        Assert.True(FakeHttp.Same(JsonNode.Parse("""["frontend"]"""), fw["tags"]));
        Assert.True(FakeHttp.Same(JsonNode.Parse("""[{"droplet_id":8043964,"removing":false,"status":"waiting"}]"""), fw["pending_changes"]));

        // "any attributes that are not provided will be reset to their default values"
        var reset = await http.SendAsync(HttpMethod.Put, $"v2/firewalls/{id}", """{"name":"frontend-firewall","inbound_rules":[{"protocol":"icmp","sources":{"addresses":["0.0.0.0/0"]}}]}""");
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Empty(reset.Body!["firewall"]!["outbound_rules"]!.AsArray());
        Assert.Empty(reset.Body!["firewall"]!["droplet_ids"]!.AsArray());
        Assert.Empty(reset.Body!["firewall"]!["tags"]!.AsArray());
        Assert.Equal("0", reset.Body!["firewall"]!["inbound_rules"]![0]!["ports"]!.GetValue<string>());
    }

    [Fact]
    public async Task AddAndDeleteRules_PublishedExample_Answer204AndChangeOnlyThoseRules()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample)).Body!["firewall"]!["id"]!.GetValue<string>();

        var add = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/rules", RulesExample);
        var added = fake.Firewalls.Single();
        var delete = await http.SendAsync(HttpMethod.Delete, $"v2/firewalls/{id}/rules", RulesExample);
        var deleted = fake.Firewalls.Single();

        Assert.Equal(HttpStatusCode.NoContent, add.Status);
        Assert.Null(add.Body);
        Assert.Equal(3, added.Inbound.Count);
        Assert.Equal(2, added.Outbound.Count);
        Assert.Equal([49696269L], added.Inbound[2].Target.DropletIds);
        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        Assert.Null(delete.Body);
        Assert.Equal(2, deleted.Inbound.Count);
        Assert.Equal(["80", "22"], deleted.Inbound.Select(r => r.Ports));
        Assert.Single(deleted.Outbound);
    }

    [Fact]
    public async Task DropletsAndTags_PublishedExamples_Answer204()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample)).Body!["firewall"]!["id"]!.GetValue<string>();

        // firewalls_assign_droplets.yml / firewalls_delete_droplets.yml: {"droplet_ids":[49696269]}
        var assign = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/droplets", """{"droplet_ids":[49696269]}""");
        var afterAssign = fake.Firewalls.Single().DropletIds;
        var remove = await http.SendAsync(HttpMethod.Delete, $"v2/firewalls/{id}/droplets", """{"droplet_ids":[49696269]}""");
        var afterRemove = fake.Firewalls.Single().DropletIds;
        // firewalls_add_tags.yml / firewalls_delete_tags.yml: {"tags":["frontend"]}
        var tag = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/tags", """{"tags":["frontend"]}""");
        var afterTag = fake.Firewalls.Single().Tags;
        var untag = await http.SendAsync(HttpMethod.Delete, $"v2/firewalls/{id}/tags", """{"tags":["frontend"]}""");

        Assert.Equal(HttpStatusCode.NoContent, assign.Status);
        Assert.Equal([8043964L, 49696269L], afterAssign);
        Assert.Equal(HttpStatusCode.NoContent, remove.Status);
        Assert.Equal([8043964L], afterRemove);
        Assert.Equal(HttpStatusCode.NoContent, tag.Status);
        Assert.Equal(["frontend"], afterTag);
        Assert.Equal(HttpStatusCode.NoContent, untag.Status);
        Assert.Empty(fake.Firewalls.Single().Tags);
    }

    [Fact]
    public async Task Delete_ThenGet_Answers204Then404WithTheDocumentedBody()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", CreateExample)).Body!["firewall"]!["id"]!.GetValue<string>();

        var delete = await http.SendAsync(HttpMethod.Delete, $"v2/firewalls/{id}");
        var (status, body, _) = await http.GetJsonAsync($"v2/firewalls/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        Assert.Null(delete.Body);
        Assert.Equal(HttpStatusCode.NotFound, status);
        // shared/responses/not_found.yml
        Assert.Equal("not_found", body!["id"]!.GetValue<string>());
        Assert.Equal("The resource you requested could not be found.", body["message"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["request_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Droplets_ListGetAndFirewalls_ShowNetworksAndAppliedFirewalls()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        await http.SendAsync(HttpMethod.Post, "v2/firewalls", """{"name":"by-tag","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":["0.0.0.0/0"]}}],"tags":["web"]}""");

        var byName = (await http.GetJsonAsync("v2/droplets?name=EXAMPLE.COM")).Body!;
        var byTag = (await http.GetJsonAsync("v2/droplets?tag_name=web")).Body!;
        var one = (await http.GetJsonAsync("v2/droplets/8043964")).Body!["droplet"]!;
        var applied = (await http.GetJsonAsync("v2/droplets/8043964/firewalls")).Body!;
        var notApplied = (await http.GetJsonAsync("v2/droplets/49696269/firewalls")).Body!;
        var both = await http.GetJsonAsync("v2/droplets?name=example.com&tag_name=web");
        var missing = await http.GetJsonAsync("v2/droplets/1");

        Assert.Equal(8043964, byName["droplets"]!.AsArray().Single()!["id"]!.GetValue<long>());
        Assert.Equal(8043964, byTag["droplets"]!.AsArray().Single()!["id"]!.GetValue<long>());
        var v4 = one["networks"]!["v4"]!.AsArray();
        Assert.Contains(v4, n => n!["type"]!.GetValue<string>() == "public" && n["ip_address"]!.GetValue<string>() == "192.241.165.154");
        Assert.Contains(v4, n => n!["type"]!.GetValue<string>() == "private" && n["ip_address"]!.GetValue<string>() == "10.128.192.124");
        Assert.Equal("2604:a880:0:1010::18a:a001", one["networks"]!["v6"]![0]!["ip_address"]!.GetValue<string>());
        Assert.Equal("by-tag", applied["firewalls"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Empty(notApplied["firewalls"]!.AsArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, both.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    /// <summary>Every key path of a JSON value (arrays collapsed to "[]").</summary>
    private static SortedSet<string> Keys(JsonNode? node, string prefix = "")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    keys.Add(prefix + k);
                    keys.UnionWith(Keys(v, prefix + k + "."));
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    keys.UnionWith(Keys(item, prefix.TrimEnd('.') + "[]."));
                }
                break;
        }
        return keys;
    }

    [Fact]
    public async Task DropletsByTag_PublishedExample_IsAnsweredInTheDocumentedShape()
    {
        await using var fake = await DigitalOceanFake.StartAsync(new FixedTime());
        // The three droplets of responses/examples.yml droplets_all; droplets_tagged is the answer for env:prod.
        fake.AddDroplet(3164444, "example.com", "192.241.165.154", "2604:a880:0:1010::18a:a001", "10.128.192.124", "web", "env:prod");
        fake.AddDroplet(3164459, "assets.example.com", "162.243.0.4", null, "10.128.192.138", "storage", "env:prod");
        fake.AddDroplet(3164412, "stage.example.com", "192.241.247.248", null, "10.128.192.125", "env:stage");
        using var http = FakeHttp.Client(fake);

        var (status, body, _) = await http.GetJsonAsync("v2/droplets?tag_name=" + Uri.EscapeDataString("env:prod"));

        Assert.Equal(HttpStatusCode.OK, status);
        var example = JsonNode.Parse(Product.PublishedApiExamplesTests.DropletsTagged)!;
        var documented = Keys(example);
        var answered = Keys(body);
        Assert.True(answered.IsSubsetOf(documented), "undocumented fields: " + string.Join(", ", answered.Except(documented)));
        string[] modelled = ["droplets[].id", "droplets[].name", "droplets[].status", "droplets[].tags", "droplets[].networks", "meta"];
        var missing = documented.Where(k => modelled.Any(m => k.StartsWith(m, StringComparison.Ordinal)) && !answered.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "missing documented fields: " + string.Join(", ", missing));
        var published = example["droplets"]!.AsArray();
        var droplets = body!["droplets"]!.AsArray();
        Assert.Equal(published.Count, droplets.Count);
        for (var i = 0; i < published.Count; i++)
        {
            foreach (var field in new[] { "id", "name", "status", "tags" })
            {
                Assert.True(FakeHttp.Same(published[i]![field], droplets[i]![field]), field);
            }

            foreach (var family in new[] { "v4", "v6" })
            {
                static string[] Addresses(JsonNode? list) => [.. list!.AsArray().Select(n => $"{n!["type"]} {n["ip_address"]}").Order(StringComparer.Ordinal)];
                Assert.Equal(Addresses(published[i]!["networks"]![family]), Addresses(droplets[i]!["networks"]![family]));
            }
        }

        Assert.True(FakeHttp.Same(example["meta"], body["meta"]));
        Assert.Null(body["links"]!["pages"]?["next"]);
    }
}

/// <summary>A clock fixed at the create example's created_at.</summary>
internal sealed class FixedTime : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(2017, 5, 23, 21, 24, 0, TimeSpan.Zero);
}
