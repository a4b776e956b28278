// The fake's own behaviour beyond the published examples: the documented error bodies (shared/responses/*.yml), rate
// limiting (description.yml "Rate Limit"), pagination (description.yml "Links & Pagination", shared/pages.yml), the
// documented limits (docs.digitalocean.com/products/networking/firewalls/details/limits/), fault injection, counters,
// status settling and seeding from a case.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Fake;

public sealed class FakeBehaviourTests
{
    private const string Ssh = """{"name":"ssh","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":["0.0.0.0/0","::/0"]}}]}""";

    private static async Task<DigitalOceanFake> StartAsync()
    {
        var fake = await DigitalOceanFake.StartAsync(new FixedTime());
        for (var i = 1; i <= 12; i++)
        {
            fake.AddDroplet(1000 + i, $"d{i}", $"203.0.113.{i}", null, $"10.0.0.{i}", "web");
        }
        for (var i = 1; i <= 6; i++)
        {
            fake.AddTag($"t{i}");
        }
        return fake;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("dop_v1_wrong")]
    public async Task AnyRequest_MissingOrWrongToken_Answers401Unauthorized(string? token)
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake, token);

        var (status, body, _) = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body!["id"]!.GetValue<string>());
        Assert.Equal("Unable to authenticate you.", body["message"]!.GetValue<string>());
        Assert.Equal(0, fake.Reads);
    }

    [Fact]
    public async Task Write_ReadOnlyToken_Answers403AndChangesNothing()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake, DigitalOceanFake.ReadOnlyToken);

        var (status, body, _) = await http.SendAsync(HttpMethod.Post, "v2/firewalls", Ssh);
        var read = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", body!["id"]!.GetValue<string>());
        Assert.Empty(fake.Firewalls);
        Assert.Equal(HttpStatusCode.OK, read.Status);
    }

    [Theory]
    [InlineData("""{"name":"x","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":["0.0.0.0/0"]}}]}""", "name")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"gre","ports":"22","sources":{"addresses":["0.0.0.0/0"]}}]}""", "protocol")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"70000","sources":{"addresses":["0.0.0.0/0"]}}]}""", "ports")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"90-80","sources":{"addresses":["0.0.0.0/0"]}}]}""", "ports")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":["10.0.0.0/33"]}}]}""", "address")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{}}]}""", "sources")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"tags":["nosuchtag"]}}]}""", "tag")]
    [InlineData("""{"name":"ok","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"droplet_ids":[1]}}]}""", "droplet")]
    [InlineData("""{"name":"ok"}""", "at least one")]
    public async Task Create_InvalidInput_Answers422NamingTheField(string json, string named)
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);

        var (status, body, _) = await http.SendAsync(HttpMethod.Post, "v2/firewalls", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("unprocessable_entity", body!["id"]!.GetValue<string>());
        Assert.Contains(named, body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(fake.Firewalls);
    }

    [Fact]
    public async Task Create_UnparsableBody_Answers400BadRequest()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);

        var (status, body, _) = await http.SendAsync(HttpMethod.Post, "v2/firewalls", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", body!["id"]!.GetValue<string>());
        Assert.Equal("error parsing request body", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Limits_RulesDropletsTagsAndEntries_RefusedAboveAndAcceptedAt()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        static string Rules(int n) => string.Join(',', Enumerable.Range(1, n).Select(p => $$$"""{"protocol":"tcp","ports":"{{{p}}}","sources":{"addresses":["0.0.0.0/0"]}}"""));
        static string Addresses(int n) => string.Join(',', Enumerable.Range(0, n).Select(i => $"\"10.{i / 256}.{i % 256}.1\""));

        var fifty = await http.SendAsync(HttpMethod.Post, "v2/firewalls", $$$"""{"name":"fifty","inbound_rules":[{{{Rules(50)}}}]}""");
        var fiftyOne = await http.SendAsync(HttpMethod.Post, "v2/firewalls", $$$"""{"name":"fiftyone","inbound_rules":[{{{Rules(50)}}}],"outbound_rules":[{"protocol":"udp","ports":"53","destinations":{"addresses":["0.0.0.0/0"]}}]}""");
        var id = fifty.Body!["firewall"]!["id"]!.GetValue<string>();
        var oneMore = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/rules", """{"outbound_rules":[{"protocol":"udp","ports":"53","destinations":{"addresses":["0.0.0.0/0"]}}]}""");
        var tenDroplets = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/droplets", $$"""{"droplet_ids":[{{string.Join(',', Enumerable.Range(1001, 10))}}]}""");
        var eleventh = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/droplets", """{"droplet_ids":[1011]}""");
        var fiveTags = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/tags", """{"tags":["t1","t2","t3","t4","t5"]}""");
        var sixthTag = await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/tags", """{"tags":["t6"]}""");
        var thousand = await http.SendAsync(HttpMethod.Post, "v2/firewalls", $$$"""{"name":"wide","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":[{{{Addresses(1000)}}}]}}]}""");
        var thousandOne = await http.SendAsync(HttpMethod.Post, "v2/firewalls", $$$"""{"name":"wider","inbound_rules":[{"protocol":"tcp","ports":"22","sources":{"addresses":[{{{Addresses(1001)}}}]}}]}""");

        Assert.Equal(HttpStatusCode.Accepted, fifty.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fiftyOne.Status);
        Assert.Contains("50", fiftyOne.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, oneMore.Status);
        Assert.Equal(HttpStatusCode.NoContent, tenDroplets.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, eleventh.Status);
        Assert.Equal(HttpStatusCode.NoContent, fiveTags.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sixthTag.Status);
        Assert.Equal(HttpStatusCode.Accepted, thousand.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, thousandOne.Status);
        var kept = fake.Firewalls.Single(f => f.Id == id);
        Assert.Equal(50, kept.Inbound.Count + kept.Outbound.Count);
        Assert.Equal(10, kept.DropletIds.Count);
        Assert.Equal(5, kept.Tags.Count);
    }

    [Fact]
    public async Task RateLimit_BurstInjected_Answers429WithRetryAfterThenRecovers()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        fake.RateLimitNext(2, retryAfterSeconds: 29);

        var first = await http.GetJsonAsync("v2/firewalls");
        var second = await http.GetJsonAsync("v2/firewalls");
        var third = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        Assert.Equal("too_many_requests", first.Body!["id"]!.GetValue<string>());
        Assert.Equal("29", first.Response.Headers.GetValues("retry-after").Single());
        Assert.Equal("0", first.Response.Headers.GetValues("ratelimit-remaining").Single());
        Assert.Equal("5000", first.Response.Headers.GetValues("ratelimit-limit").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
        Assert.Equal("4999", third.Response.Headers.GetValues("ratelimit-remaining").Single());
        Assert.Equal(new FixedTime().GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), third.Response.Headers.GetValues("ratelimit-reset").Single());
    }

    [Fact]
    public async Task RateLimit_HourlyBudgetSpent_Answers429WithoutRetryAfter()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        fake.RateLimitRemaining = 1;

        var last = await http.GetJsonAsync("v2/firewalls");
        var over = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal(HttpStatusCode.OK, last.Status);
        Assert.Equal("0", last.Response.Headers.GetValues("ratelimit-remaining").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, over.Status);
        Assert.False(over.Response.Headers.Contains("retry-after"));
    }

    [Fact]
    public async Task List_45Firewalls_PagesOf20WithOnlyTheLinksThatMakeSense()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        for (var i = 0; i < 45; i++)
        {
            fake.AddFirewall(new DoFirewall($"00000000-0000-0000-0000-{i:D12}", $"fw-{i}", [new DoRule("tcp", "22", DoTarget.Of("0.0.0.0/0"))], [], [], []));
        }

        var page1 = (await http.GetJsonAsync("v2/firewalls")).Body!;
        var page3 = (await http.GetJsonAsync("v2/firewalls?page=3")).Body!;
        var all = (await http.GetJsonAsync("v2/firewalls?per_page=200")).Body!;
        var seen = new List<string>();
        string? next = "v2/firewalls?per_page=7";
        var pages = 0;
        while (next is not null)
        {
            var body = (await http.GetJsonAsync(next)).Body!;
            seen.AddRange(body["firewalls"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()));
            next = body["links"]!["pages"]?["next"]?.GetValue<string>();
            pages++;
        }

        Assert.Equal(20, page1["firewalls"]!.AsArray().Count);
        Assert.Equal(45, page1["meta"]!["total"]!.GetValue<int>());
        var links1 = page1["links"]!["pages"]!.AsObject();
        Assert.Equal(["last", "next"], links1.Select(p => p.Key).Order());
        Assert.EndsWith("v2/firewalls?page=2", links1["next"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("v2/firewalls?page=3", links1["last"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(5, page3["firewalls"]!.AsArray().Count);
        Assert.Equal(["first", "prev"], page3["links"]!["pages"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(45, all["firewalls"]!.AsArray().Count);
        Assert.True(FakeHttp.Same(JsonNode.Parse("{}"), all["links"]));
        Assert.Equal(7, pages);
        Assert.Equal(45, seen.Distinct().Count());
    }

    [Fact]
    public async Task DropletsByTag_SmallPageSize_PagesWithNextLinks_AndShowsEachStatus()
    {
        await using var fake = await StartAsync();
        fake.MaxPageSize = 5;
        fake.AddDroplet(new DoDroplet(2001, "off-1", ["203.0.113.101"], [], [], ["web"], "off"));
        using var http = FakeHttp.Client(fake);

        var (_, first, _) = await http.GetJsonAsync("v2/droplets?tag_name=web&per_page=200");
        var next = first!["links"]!["pages"]!["next"]!.GetValue<string>();
        var (_, second, _) = await http.GetJsonAsync(next);
        var (_, third, _) = await http.GetJsonAsync(second!["links"]!["pages"]!["next"]!.GetValue<string>());

        Assert.Equal(5, first["droplets"]!.AsArray().Count);
        Assert.Equal(13, first["meta"]!["total"]!.GetValue<int>());
        Assert.Contains("tag_name=web", next, StringComparison.Ordinal);
        Assert.Contains("page=2", next, StringComparison.Ordinal);
        Assert.Equal(3, third!["droplets"]!.AsArray().Count);
        Assert.Null(third["links"]!["pages"]!["next"]);
        Assert.Equal("off", third["droplets"]![2]!["status"]!.GetValue<string>());
        Assert.Equal("active", first["droplets"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailNext_TwoServerErrors_ThenAnswersAndCountsEveryCall()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        fake.FailNext("firewalls_list", 2, 500);

        var a = await http.GetJsonAsync("v2/firewalls");
        var b = await http.GetJsonAsync("v2/firewalls");
        var c = await http.GetJsonAsync("v2/firewalls");

        Assert.Equal(HttpStatusCode.InternalServerError, a.Status);
        Assert.Equal("server_error", a.Body!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.InternalServerError, b.Status);
        Assert.Equal(HttpStatusCode.OK, c.Status);
        Assert.Equal(3, fake.Calls("firewalls_list"));
        Assert.Equal(3, fake.Reads);
        Assert.Equal(0, fake.Writes);
    }

    [Fact]
    public async Task AddRules_SameRuleTwice_KeepsOneRuleAndCountsTwoWrites()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", Ssh)).Body!["firewall"]!["id"]!.GetValue<string>();
        const string rule = """{"inbound_rules":[{"protocol":"tcp","ports":"443","sources":{"addresses":["::/0","0.0.0.0/0"]}}]}""";

        await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/rules", rule);
        await http.SendAsync(HttpMethod.Post, $"v2/firewalls/{id}/rules", rule.Replace("\"::/0\",\"0.0.0.0/0\"", "\"0.0.0.0/0\",\"::/0\"", StringComparison.Ordinal));

        Assert.Equal(2, fake.Firewalls.Single().Inbound.Count);
        Assert.Equal(3, fake.Writes);
        Assert.Equal(2, fake.Calls("firewalls_add_rules"));
    }

    [Fact]
    public async Task Status_FailNextApply_SettlesAsFailed()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);
        fake.FailNextApply();
        var id = (await http.SendAsync(HttpMethod.Post, "v2/firewalls", Ssh.Replace("}}]}", "}}],\"droplet_ids\":[1001]}", StringComparison.Ordinal))).Body!["firewall"]!["id"]!.GetValue<string>();

        var waiting = (await http.GetJsonAsync($"v2/firewalls/{id}")).Body!["firewall"]!;
        var failed = (await http.GetJsonAsync($"v2/firewalls/{id}")).Body!["firewall"]!;

        Assert.Equal("waiting", waiting["status"]!.GetValue<string>());
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("failed", failed["pending_changes"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("failed", fake.StatusOf(id));
    }

    [Fact]
    public async Task Seed_GeneratedCase_ServesTheCaseFirewallsForTheServer()
    {
        await using var fake = await DigitalOceanFake.StartAsync();
        using var http = FakeHttp.Client(fake);
        var input = Enumerable.Range(1, 200).Select(DoCaseGenerator.Generate).First(c => c.AppliedTo(c.ServerId).Count() >= 2);
        fake.Seed(input);

        var body = (await http.GetJsonAsync($"v2/droplets/{input.ServerId}/firewalls")).Body!;

        Assert.Equal(
            input.AppliedTo(input.ServerId).Select(f => f.Id).Order(),
            body["firewalls"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task UnknownPath_Answers404NotFound()
    {
        await using var fake = await StartAsync();
        using var http = FakeHttp.Client(fake);

        var (status, body, _) = await http.SendAsync(HttpMethod.Post, "v2/firewalls/nope/rules", """{"inbound_rules":[]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", body!["id"]!.GetValue<string>());
    }
}
