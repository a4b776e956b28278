// Tests of the fake against the Hetzner Cloud API reference's published examples (transcribed in PublishedExamples.cs,
// source named there) and its documented behaviour: pagination, error bodies, limits, actions, label selectors.
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OecCloudFw.Hetzner.Tests.Oracle;

namespace OecCloudFw.Hetzner.Tests.Fake;

public sealed class HetznerFakeTests : IAsyncLifetime
{
    private HetznerFake _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await HetznerFake.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(string method, string path, string? json = null, string? token = null)
    {
        using var client = _fake.CreateClient(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>Every key path of a JSON value (arrays collapsed to "[]"), null-valued keys included.</summary>
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

    /// <summary>Every field the published example shows is in the answer. A field the fake answers null stands for its
    /// subfields where the schema makes it nullable (an action's <c>error</c> is null unless its status is "error"; the
    /// reference's examples fill it in even for status "success").</summary>
    private static void AssertHasDocumentedShape(string published, JsonNode? actual)
    {
        var nullable = new HashSet<string>(StringComparer.Ordinal) { "error", "finished" };
        var present = Keys(actual);
        var missing = Keys(JsonNode.Parse(published)).Except(present)
            .Where(k => !present.Any(p => k.StartsWith(p + ".", StringComparison.Ordinal) && nullable.Contains(p.Split('.')[^1])))
            .ToList();
        Assert.True(missing.Count == 0, "missing documented fields: " + string.Join(", ", missing));
    }

    private static string[] Commands(JsonNode? body) => [.. body!["actions"]!.AsArray().Select(a => a!["command"]!.GetValue<string>())];

    private void SeedExampleServer() => _fake.AddServer("my-server", "1.2.3.4", "2001:db8::/64", new Dictionary<string, string> { ["env"] = "dev" }, PublishedExamples.ServerId);

    [Fact]
    public async Task CreateFirewall_PublishedExample_IsAnsweredInTheDocumentedShape()
    {
        SeedExampleServer();

        var (status, body, _) = await SendAsync("POST", "firewalls", PublishedExamples.CreateFirewallRequest);

        Assert.Equal(HttpStatusCode.Created, status);
        var firewall = body!["firewall"]!;
        Assert.Equal("Corporate Intranet Protection", firewall["name"]!.GetValue<string>());
        Assert.Equal("dev", firewall["labels"]!["env"]!.GetValue<string>());
        var rule = firewall["rules"]![0]!;
        Assert.Equal("in", rule["direction"]!.GetValue<string>());
        Assert.Equal("tcp", rule["protocol"]!.GetValue<string>());
        Assert.Equal("80", rule["port"]!.GetValue<string>());
        Assert.Equal("Allow port 80", rule["description"]!.GetValue<string>());
        Assert.Equal(["28.239.13.1/32", "28.239.14.0/24", "ff21:1eac:9a3b:ee58:5ca:990c:8bc9:c03b/128"], rule["source_ips"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Empty(rule["destination_ips"]!.AsArray());
        Assert.Equal("server", firewall["applied_to"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(42, firewall["applied_to"]![0]!["server"]!["id"]!.GetValue<long>());
        Assert.Equal(["set_firewall_rules", "apply_firewall"], Commands(body));
        AssertHasDocumentedShape(PublishedExamples.SetRulesResponse, new JsonObject { ["actions"] = body["actions"]!.DeepClone() });
        Assert.All(body["actions"]!.AsArray(), a => Assert.Equal("running", a!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SetRules_PublishedExample_ReplacesTheWholeRuleSetAndReturnsOneActionPerActiveServer()
    {
        SeedExampleServer();
        _fake.AddFirewall("fw", [HzRule.In("tcp", "22", "0.0.0.0/0"), HzRule.Out("udp", "53", "::/0")], servers: [42], id: PublishedExamples.FirewallId);

        var (status, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);

        Assert.Equal(HttpStatusCode.Created, status);
        AssertHasDocumentedShape(PublishedExamples.SetRulesResponse, body);
        Assert.Equal(["set_firewall_rules", "apply_firewall"], Commands(body));
        var apply = body!["actions"]![1]!["resources"]!.AsArray().Select(r => (r!["id"]!.GetValue<long>(), r["type"]!.GetValue<string>())).ToHashSet();
        Assert.Equal([(38L, "firewall"), (42L, "server")], apply);
        var rules = _fake.GetFirewall(38)!.Rules;
        Assert.Equal("80", Assert.Single(rules).Port);
    }

    [Fact]
    public async Task ApplyAndRemove_PublishedExamples_ChangeAppliedToAndTheServersFirewallStatus()
    {
        SeedExampleServer();
        _fake.AddFirewall("fw", [HzRule.In("tcp", "80", "0.0.0.0/0")], id: PublishedExamples.FirewallId);

        var (applyStatus, applied, _) = await SendAsync("POST", "firewalls/38/actions/apply_to_resources", PublishedExamples.ApplyToResourcesRequest);
        Assert.Equal(HttpStatusCode.Created, applyStatus);
        AssertHasDocumentedShape(PublishedExamples.ApplyToResourcesResponse, applied);
        Assert.Equal(["apply_firewall"], Commands(applied));
        var (_, pending, _) = await SendAsync("GET", "servers/42");
        Assert.Equal("pending", pending!["server"]!["public_net"]!["firewalls"]![0]!["status"]!.GetValue<string>());
        var actionId = applied!["actions"]![0]!["id"]!.GetValue<long>();
        await SendAsync("GET", $"actions/{actionId}");
        var (_, done, _) = await SendAsync("GET", $"actions/{actionId}");
        Assert.Equal("success", done!["action"]!["status"]!.GetValue<string>());
        var (_, server, _) = await SendAsync("GET", "servers/42");
        Assert.Equal(38, server!["server"]!["public_net"]!["firewalls"]![0]!["id"]!.GetValue<long>());
        Assert.Equal("applied", server["server"]!["public_net"]!["firewalls"]![0]!["status"]!.GetValue<string>());

        var (removeStatus, removed, _) = await SendAsync("POST", "firewalls/38/actions/remove_from_resources", PublishedExamples.RemoveFromResourcesRequest);
        Assert.Equal(HttpStatusCode.Created, removeStatus);
        AssertHasDocumentedShape(PublishedExamples.RemoveFromResourcesResponse, removed);
        Assert.Equal(["remove_firewall"], Commands(removed));
        Assert.Empty(_fake.GetFirewall(38)!.AppliedServers);
        var (again, error, _) = await SendAsync("POST", "firewalls/38/actions/remove_from_resources", PublishedExamples.RemoveFromResourcesRequest);
        Assert.Equal(422, (int)again);
        Assert.Equal("firewall_already_removed", error!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Actions_GoRunningThenSuccess_WhenPolled_AndAppearInTheFirewallsActions()
    {
        SeedExampleServer();
        _fake.AddFirewall("fw", servers: [42], id: 38);
        _fake.ActionPollsBeforeDone = 2;
        var (_, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);
        var id = body!["actions"]![0]!["id"]!.GetValue<long>();

        var first = (await SendAsync("GET", $"actions/{id}")).Body!["action"]!;
        var second = (await SendAsync("GET", $"firewalls/38/actions/{id}")).Body!["action"]!;
        var third = (await SendAsync("GET", $"firewalls/actions/{id}")).Body!;

        Assert.Equal("running", first["status"]!.GetValue<string>());
        Assert.Null(first["finished"]);
        Assert.Equal("running", second["status"]!.GetValue<string>());
        Assert.Equal("success", third["action"]!["status"]!.GetValue<string>());
        Assert.Equal(100, third["action"]!["progress"]!.GetValue<int>());
        Assert.NotNull(third["action"]!["finished"]);
        AssertHasDocumentedShape(PublishedExamples.GetFirewallActionResponse, third);
        var (_, list, _) = await SendAsync("GET", "firewalls/38/actions");
        Assert.Equal(2, list!["actions"]!.AsArray().Count);
        Assert.Equal(1, _fake.RunningActions);
    }

    [Fact]
    public async Task FailNextActions_EndsTheActionInError_WithTheDocumentedErrorObject()
    {
        _fake.AddFirewall("fw", id: 38);
        _fake.ActionPollsBeforeDone = 0;
        _fake.FailNextActions(1);

        var (_, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);
        var action = (await SendAsync("GET", $"actions/{body!["actions"]![0]!["id"]}")).Body!["action"]!;

        Assert.Equal("error", action["status"]!.GetValue<string>());
        Assert.Equal("action_failed", action["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListFirewalls_PagesAsDocumented_WithMetaAndLinkHeader()
    {
        for (var i = 0; i < 7; i++)
        {
            _fake.AddFirewall($"fw-{i}");
        }
        var seen = new List<string>();
        int? page = 1;
        var pages = 0;
        while (page is not null)
        {
            var (status, body, response) = await SendAsync("GET", $"firewalls?per_page=3&page={page}");
            Assert.Equal(HttpStatusCode.OK, status);
            pages++;
            AssertHasDocumentedShape(PublishedExamples.PaginationMeta.Replace("\"servers\": [], ", "", StringComparison.Ordinal), body);
            var meta = body!["meta"]!["pagination"]!;
            Assert.Equal(3, meta["last_page"]!.GetValue<int>());
            Assert.Equal(7, meta["total_entries"]!.GetValue<int>());
            Assert.Contains("rel=\"last\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
            seen.AddRange(body["firewalls"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
            page = meta["next_page"]?.GetValue<int>();
        }
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"fw-{i}"), seen);
        var (_, clamped, _) = await SendAsync("GET", "firewalls?per_page=500");
        Assert.Equal(HetznerFake.MaxPerPage, clamped!["meta"]!["pagination"]!["per_page"]!.GetValue<int>());
        var (_, byName, _) = await SendAsync("GET", "firewalls?name=fw-4");
        Assert.Equal("fw-4", Assert.Single(byName!["firewalls"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unauthorized_MissingOrWrongToken_Is401WithTheErrorBody()
    {
        var (missing, body, _) = await SendAsync("GET", "firewalls", token: "");
        var (wrong, _, _) = await SendAsync("GET", "firewalls", token: "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("unauthorized", body!["error"]!["code"]!.GetValue<string>());
        AssertHasDocumentedShape("""{"error":{"code":"x","message":"y","details":{}}}""", body);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task ReadOnlyToken_ReadsButIsRefusedWrites_With403TokenReadonly()
    {
        _fake.AddFirewall("fw", id: 38);

        var (read, _, _) = await SendAsync("GET", "firewalls/38", token: _fake.ReadOnlyToken);
        var (write, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest, _fake.ReadOnlyToken);

        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(HttpStatusCode.Forbidden, write);
        Assert.Equal("token_readonly", body!["error"]!["code"]!.GetValue<string>());
        Assert.Empty(_fake.GetFirewall(38)!.Rules);
        Assert.Equal(0, _fake.Writes);
    }

    [Fact]
    public async Task NotFound_UnknownFirewallOrServer_Is404NotFound()
    {
        var (firewall, body, _) = await SendAsync("GET", "firewalls/999");
        var (server, _, _) = await SendAsync("GET", "servers/999");

        Assert.Equal(HttpStatusCode.NotFound, firewall);
        Assert.Equal(HttpStatusCode.NotFound, server);
        Assert.Equal("not_found", body!["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"direction":"in","protocol":"icmp","port":"80","source_ips":["0.0.0.0/0"]}""", "rules[0].port")]
    [InlineData("""{"direction":"in","protocol":"tcp","source_ips":["0.0.0.0/0"]}""", "rules[0].port")]
    [InlineData("""{"direction":"in","protocol":"tcp","port":"5000-1024","source_ips":["0.0.0.0/0"]}""", "rules[0].port")]
    [InlineData("""{"direction":"in","protocol":"sctp","port":"80","source_ips":["0.0.0.0/0"]}""", "rules[0].protocol")]
    [InlineData("""{"direction":"both","protocol":"tcp","port":"80","source_ips":["0.0.0.0/0"]}""", "rules[0].direction")]
    [InlineData("""{"direction":"in","protocol":"tcp","port":"80","source_ips":["300.1.1.1/32"]}""", "rules[0].source_ips")]
    [InlineData("""{"direction":"in","protocol":"tcp","port":"80","destination_ips":["1.1.1.1/32"]}""", "rules[0].destination_ips")]
    [InlineData("""{"direction":"out","protocol":"tcp","port":"80","source_ips":[]}""", "rules[0].destination_ips")]
    public async Task SetRules_InvalidRule_Is400InvalidInputNamingTheField(string rule, string field)
    {
        _fake.AddFirewall("fw", [HzRule.In("tcp", "22", "0.0.0.0/0")], id: 38);

        var (status, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", $$"""{"rules":[{{rule}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertHasDocumentedShape(PublishedExamples.InvalidInputError, body);
        Assert.Equal("invalid_input", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(field, body["error"]!["details"]!["fields"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("22", Assert.Single(_fake.GetFirewall(38)!.Rules).Port);
    }

    [Fact]
    public async Task InvalidJson_Is400JsonError()
    {
        _fake.AddFirewall("fw", id: 38);

        var (status, body, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", "{\"rules\": [");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("json_error", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Limits_RulesPerFirewall_CidrsPerRule_FirewallsPerServer_AndPerProject_AreRefused()
    {
        SeedExampleServer();
        _fake.AddFirewall("fw", id: 38);
        static string Rule(int cidrs) => $$"""{"direction":"in","protocol":"tcp","port":"22","source_ips":[{{string.Join(',', Enumerable.Range(0, cidrs).Select(i => $"\"10.0.{i / 256}.{i % 256}/32\""))}}]}""";

        var (fifty, _, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", $$"""{"rules":[{{string.Join(',', Enumerable.Repeat(Rule(1), 50))}}]}""");
        var (fiftyOne, tooMany, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", $$"""{"rules":[{{string.Join(',', Enumerable.Repeat(Rule(1), 51))}}]}""");
        var (hundred, _, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", $$"""{"rules":[{{Rule(100)}}]}""");
        var (hundredOne, tooManyCidrs, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", $$"""{"rules":[{{Rule(101)}}]}""");

        Assert.Equal(HttpStatusCode.Created, fifty);
        Assert.Equal(HttpStatusCode.Forbidden, fiftyOne);
        Assert.Equal("resource_limit_exceeded", tooMany!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("rules_per_firewall", tooMany["error"]!["details"]!["limits"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, hundred);
        Assert.Equal(HttpStatusCode.BadRequest, hundredOne);
        Assert.Equal("invalid_input", tooManyCidrs!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(100, Assert.Single(_fake.GetFirewall(38)!.Rules).SourceIps.Count);

        for (var i = 0; i < 4; i++)
        {
            _fake.AddFirewall($"applied-{i}", servers: [42]);
        }
        var (fifth, _, _) = await SendAsync("POST", "firewalls/38/actions/apply_to_resources", PublishedExamples.ApplyToResourcesRequest);
        var sixthId = _fake.AddFirewall("sixth");
        var (sixth, refused, _) = await SendAsync("POST", $"firewalls/{sixthId}/actions/apply_to_resources", PublishedExamples.ApplyToResourcesRequest);
        var (bySelector, _, _) = await SendAsync("POST", $"firewalls/{sixthId}/actions/apply_to_resources", """{"apply_to":[{"type":"label_selector","label_selector":{"selector":"env=dev"}}]}""");
        Assert.Equal(HttpStatusCode.Created, fifth);
        Assert.Equal(HttpStatusCode.Forbidden, sixth);
        Assert.Equal("firewalls_per_server", refused!["error"]!["details"]!["limits"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, bySelector);
        Assert.Empty(_fake.GetFirewall(sixthId)!.AppliedSelectors);

        while (_fake.Firewalls().Count < HetznerFake.MaxFirewallsPerProject)
        {
            _fake.AddFirewall($"filler-{_fake.Firewalls().Count}");
        }
        var (fiftyFirst, projectLimit, _) = await SendAsync("POST", "firewalls", """{"name":"one-too-many"}""");
        Assert.Equal(HttpStatusCode.Forbidden, fiftyFirst);
        Assert.Equal("resource_limit_exceeded", projectLimit!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RateLimit_Is429WithTheDocumentedHeaders_ThenServesAgain()
    {
        _fake.RateLimitNext(2);

        var (first, body, response) = await SendAsync("GET", "firewalls");
        var (second, _, _) = await SendAsync("GET", "firewalls");
        var (third, _, ok) = await SendAsync("GET", "firewalls");

        Assert.Equal(HttpStatusCode.TooManyRequests, first);
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
        Assert.Equal(HttpStatusCode.OK, third);
        Assert.Equal("rate_limit_exceeded", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("0", response.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal("3600", response.Headers.GetValues("RateLimit-Limit").Single());
        Assert.True(long.Parse(response.Headers.GetValues("RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture) > new DateTimeOffset(2016, 1, 30, 23, 55, 0, TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.NotEqual("0", ok.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal(2, _fake.RateLimitedRequests);
    }

    [Fact]
    public async Task FailNext_FailsThatRouteNTimes_LeavingStateUnchanged_AndCountersCountEveryCall()
    {
        _fake.AddFirewall("fw", [HzRule.In("tcp", "22", "0.0.0.0/0")], id: 38);
        _fake.FailNext("POST", "/firewalls/{id}/actions/set_rules", 2, "conflict");

        var (a, conflict, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);
        var rulesAfterFailure = _fake.GetFirewall(38)!.Rules;
        var (b, _, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);
        var (c, _, _) = await SendAsync("POST", "firewalls/38/actions/set_rules", PublishedExamples.SetRulesRequest);
        await SendAsync("GET", "firewalls/38");

        Assert.Equal(HttpStatusCode.Conflict, a);
        Assert.Equal("conflict", conflict!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("22", Assert.Single(rulesAfterFailure).Port);
        Assert.Equal(HttpStatusCode.Conflict, b);
        Assert.Equal(HttpStatusCode.Created, c);
        Assert.Equal("80", Assert.Single(_fake.GetFirewall(38)!.Rules).Port);
        Assert.Equal(3, _fake.Count("POST", "/firewalls/{id}/actions/set_rules"));
        Assert.Equal(3, _fake.Writes);
        Assert.Equal(1, _fake.Reads);
    }

    [Fact]
    public async Task LabelSelector_ExpandsToAppliedToResources_AndItsServersCannotBeRemovedOneByOne()
    {
        SeedExampleServer();
        _fake.AddServer("prod-1", "5.6.7.8", null, new Dictionary<string, string> { ["env"] = "prod" }, 43);
        _fake.AddFirewall("fw", id: 38);

        var (status, _, _) = await SendAsync("POST", "firewalls/38/actions/apply_to_resources", """{"apply_to":[{"type":"label_selector","label_selector":{"selector":"env=dev"}}]}""");
        var (_, firewall, _) = await SendAsync("GET", "firewalls/38");
        var (removeStatus, removeError, _) = await SendAsync("POST", "firewalls/38/actions/remove_from_resources", PublishedExamples.RemoveFromResourcesRequest);
        var (deleteStatus, deleteError, _) = await SendAsync("DELETE", "firewalls/38");
        var (_, server, _) = await SendAsync("GET", "servers/42");
        var (_, other, _) = await SendAsync("GET", "servers/43");

        Assert.Equal(HttpStatusCode.Created, status);
        var entry = firewall!["firewall"]!["applied_to"]![0]!;
        Assert.Equal("label_selector", entry["type"]!.GetValue<string>());
        Assert.Equal("env=dev", entry["label_selector"]!["selector"]!.GetValue<string>());
        Assert.Equal(42, Assert.Single(entry["applied_to_resources"]!.AsArray())!["server"]!["id"]!.GetValue<long>());
        Assert.Equal(422, (int)removeStatus);
        Assert.Equal("firewall_managed_by_label_selector", removeError!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(422, (int)deleteStatus);
        Assert.Equal("resource_in_use", deleteError!["error"]!["code"]!.GetValue<string>());
        Assert.Single(server!["server"]!["public_net"]!["firewalls"]!.AsArray());
        Assert.Empty(other!["server"]!["public_net"]!["firewalls"]!.AsArray());

        await SendAsync("POST", "firewalls/38/actions/remove_from_resources", """{"remove_from":[{"type":"label_selector","label_selector":{"selector":"env=dev"}}]}""");
        var (deleted, _, _) = await SendAsync("DELETE", "firewalls/38");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Null(_fake.GetFirewall(38));
    }

    [Fact]
    public async Task CreateAndUpdate_NamesAreUnique_LabelsReplaced()
    {
        _fake.AddFirewall("taken", id: 38);
        var (created, body, _) = await SendAsync("POST", "firewalls", """{"name":"new","labels":{"a":"1"}}""");
        var id = body!["firewall"]!["id"]!.GetValue<long>();

        var (duplicate, error, _) = await SendAsync("POST", "firewalls", """{"name":"taken"}""");
        var (renamed, updated, _) = await SendAsync("PUT", $"firewalls/{id}", """{"name":"renamed","labels":{"b":"2"}}""");
        var (clash, _, _) = await SendAsync("PUT", $"firewalls/{id}", """{"name":"taken"}""");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Empty(body["actions"]!.AsArray());
        Assert.Equal(HttpStatusCode.Conflict, duplicate);
        Assert.Equal("uniqueness_error", error!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, renamed);
        Assert.Equal("renamed", updated!["firewall"]!["name"]!.GetValue<string>());
        Assert.Equal(["b"], updated["firewall"]!["labels"]!.AsObject().Select(p => p.Key));
        Assert.Equal(HttpStatusCode.Conflict, clash);
    }

    [Fact]
    public async Task Servers_ListByName_AndGet_ShowPublicIpv4AndIpv6Network()
    {
        SeedExampleServer();
        _fake.AddServer("other", null, "2a01:4f8:1:2::/64");

        var (_, list, _) = await SendAsync("GET", "servers?name=my-server");
        var (_, other, _) = await SendAsync("GET", "servers?name=other");

        var server = Assert.Single(list!["servers"]!.AsArray())!;
        Assert.Equal("1.2.3.4", server["public_net"]!["ipv4"]!["ip"]!.GetValue<string>());
        Assert.Equal("2001:db8::/64", server["public_net"]!["ipv6"]!["ip"]!.GetValue<string>());
        Assert.Null(Assert.Single(other!["servers"]!.AsArray())!["public_net"]!["ipv4"]);
    }

    private static readonly Dictionary<string, string> ExampleLabels = new() { ["environment"] = "prod", ["example.com/my"] = "label", ["just-a-key"] = "" };

    [Fact]
    public async Task ListServers_PublishedExample_IsAnsweredInTheDocumentedShape()
    {
        _fake.AddServer("my-resource", "1.2.3.4", "2001:db8::/64", ExampleLabels, PublishedExamples.ServerId, privateIps: ["10.0.0.2"]);
        _fake.AddServer("elsewhere", "1.2.3.5", null, new Dictionary<string, string> { ["environment"] = "dev" });
        _fake.AddFirewall("applied", servers: [PublishedExamples.ServerId], id: 42);

        var (status, body, _) = await SendAsync("GET", "servers?label_selector=" + Uri.EscapeDataString("environment=prod"));

        Assert.Equal(HttpStatusCode.OK, status);
        var example = JsonNode.Parse(PublishedExamples.ListServersResponse)!;
        var documented = Keys(example);
        var answered = Keys(body);
        // The fake invents no field the reference does not show ...
        Assert.True(answered.IsSubsetOf(documented), "undocumented fields: " + string.Join(", ", answered.Except(documented)));
        // ... and answers every field of the parts it models (the server's identity, status, labels, addresses, firewalls; the pagination).
        string[] modelled = ["servers[].id", "servers[].name", "servers[].status", "servers[].created", "servers[].labels", "servers[].public_net.ipv4.", "servers[].public_net.ipv6.ip", "servers[].public_net.ipv6.blocked", "servers[].public_net.firewalls", "servers[].private_net", "meta"];
        var missing = documented.Where(k => modelled.Any(m => k.StartsWith(m, StringComparison.Ordinal)) && !answered.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "missing documented fields: " + string.Join(", ", missing));
        var server = Assert.Single(body!["servers"]!.AsArray())!;
        var published = example["servers"]![0]!;
        foreach (var path in new[] { "id", "name", "status" })
        {
            Assert.True(JsonNode.DeepEquals(published[path], server[path]), path);
        }
        Assert.True(JsonNode.DeepEquals(published["labels"], server["labels"]));
        Assert.True(JsonNode.DeepEquals(published["public_net"]!["ipv4"]!["ip"], server["public_net"]!["ipv4"]!["ip"]));
        Assert.True(JsonNode.DeepEquals(published["public_net"]!["ipv6"]!["ip"], server["public_net"]!["ipv6"]!["ip"]));
        Assert.True(JsonNode.DeepEquals(published["private_net"]![0]!["network"], server["private_net"]![0]!["network"]));
        Assert.True(JsonNode.DeepEquals(published["private_net"]![0]!["ip"], server["private_net"]![0]!["ip"]));
        Assert.True(JsonNode.DeepEquals(published["public_net"]!["firewalls"], server["public_net"]!["firewalls"]));
        Assert.Equal(1, body["meta"]!["pagination"]!["total_entries"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("role=web", "web-1,web-2")]
    [InlineData("role==web", "web-1,web-2")]
    [InlineData("role!=web", "db-1,bare")]
    [InlineData("env", "web-1,web-2,db-1")]
    [InlineData("!env", "bare")]
    [InlineData("role in (web,db)", "web-1,web-2,db-1")]
    [InlineData("role notin (web)", "db-1,bare")]
    [InlineData("role=web,env=prod", "web-1")]
    [InlineData("role=web,!env", "")]
    [InlineData("env in (prod), role notin (db)", "web-1")]
    public async Task ListServers_LabelSelector_SelectsAsTheLanguageDocumentsIt(string selector, string expected)
    {
        _fake.AddServer("web-1", "198.51.100.1", null, new Dictionary<string, string> { ["role"] = "web", ["env"] = "prod" });
        _fake.AddServer("web-2", "198.51.100.2", null, new Dictionary<string, string> { ["role"] = "web", ["env"] = "staging" });
        _fake.AddServer("db-1", "198.51.100.3", null, new Dictionary<string, string> { ["role"] = "db", ["env"] = "prod" });
        _fake.AddServer("bare", "198.51.100.4", null);

        var (status, body, _) = await SendAsync("GET", "servers?label_selector=" + Uri.EscapeDataString(selector));

        Assert.Equal(HttpStatusCode.OK, status);
        var names = body!["servers"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [InlineData("role in (web")]
    [InlineData("role=web,")]
    [InlineData("=web")]
    public async Task ListServers_BadLabelSelector_Is400InvalidInput(string selector)
    {
        var (status, body, _) = await SendAsync("GET", "servers?label_selector=" + Uri.EscapeDataString(selector));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_input", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListServers_SmallPageSize_PagesToTheEnd_AndStatusFilters()
    {
        _fake.MaxPageSize = 2;
        foreach (var (name, state) in new[] { ("a", "running"), ("b", "off"), ("c", "running"), ("d", "starting"), ("e", "running") })
        {
            _fake.AddServer(name, null, null, status: state);
        }

        var (_, first, _) = await SendAsync("GET", "servers?page=1&per_page=50");
        var (_, last, _) = await SendAsync("GET", "servers?page=3&per_page=50");
        var (_, running, _) = await SendAsync("GET", "servers?status=running");

        Assert.Equal(["a", "b"], first!["servers"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal((2, 2, 3, 5), (first["meta"]!["pagination"]!["per_page"]!.GetValue<int>(), first["meta"]!["pagination"]!["next_page"]!.GetValue<int>(), first["meta"]!["pagination"]!["last_page"]!.GetValue<int>(), first["meta"]!["pagination"]!["total_entries"]!.GetValue<int>()));
        Assert.Equal("e", Assert.Single(last!["servers"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Null(last["meta"]!["pagination"]!["next_page"]);
        Assert.Equal("off", first["servers"]![1]!["status"]!.GetValue<string>());
        Assert.Equal(3, running!["meta"]!["pagination"]!["total_entries"]!.GetValue<int>());
    }

    [Fact]
    public void SeedAndSnapshot_RoundTripAGeneratedCase_SoTheOracleAnswersTheSame()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            _fake.Reset();
            var input = HetznerCaseGenerator.Generate(seed);
            _fake.Seed(input);

            var back = _fake.Snapshot(input.Server.Id, seed, input.Server.SmtpUnblocked);

            Assert.Equal(input.AppliedToServer().Select(f => f.Id), back.AppliedToServer().Select(f => f.Id));
            Assert.Equal(input.Firewalls.SelectMany(f => f.Rules), back.Firewalls.SelectMany(f => f.Rules), (x, y) =>
                x.Direction == y.Direction && x.Protocol == y.Protocol && x.Port == y.Port && x.SourceIps.SequenceEqual(y.SourceIps) && x.DestinationIps.SequenceEqual(y.DestinationIps));
            var report = HetznerDifferential.Replay(seed, (c, protocol, port, ipv6, inbound) =>
            {
                var compiled = HetznerOracle.Compile(back);
                return address => compiled.Evaluate(protocol, port, address, inbound).ToDecision();
            });
            Assert.Equal(0, report.Disagreements);
        }
    }
}
