using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>
/// The API reference's own examples stay accepted by the product's source-generated contract (HcloudJson): the
/// examples transcribed in <see cref="PublishedExamples"/> (the OpenAPI description, sources named there) and the
/// "Get all Firewalls" response sample of https://docs.hetzner.cloud/ (section Firewalls → Get all Firewalls), below;
/// the "Get all Servers" sample read into a fleet's entry (<c>--inventory hetzner:label:…</c>).
/// </summary>
public sealed class HcloudPublishedExamplesTests
{
    /// <summary>https://docs.hetzner.cloud/ — Firewalls → Get all Firewalls → Response sample (transcribed).</summary>
    private const string GetAllFirewallsResponse = """
        {
          "firewalls": [
            {
              "id": 42,
              "name": "new-name",
              "labels": { "environment": "prod", "example.com/my": "label", "just-a-key": "" },
              "created": "2016-01-30T23:55:00+00:00",
              "rules": [
                {
                  "description": null,
                  "direction": "in",
                  "source_ips": [ "28.239.13.1/32", "28.239.14.0/24", "ff21:1eac:9a3b:ee58:5ca:990c:8bc9:c03b/128" ],
                  "destination_ips": [],
                  "protocol": "tcp",
                  "port": "80"
                }
              ],
              "applied_to": [
                {
                  "type": "server",
                  "server": { "id": 42 },
                  "label_selector": { "selector": "env=prod" },
                  "applied_to_resources": [ { "type": "server", "server": { "id": 42 } } ]
                }
              ]
            }
          ],
          "meta": { "pagination": { "page": 3, "per_page": 25, "previous_page": 2, "next_page": 4, "last_page": 4, "total_entries": 100 } }
        }
        """;

    [Fact]
    public void GetAllFirewalls_Sample_IsReadAsTheFirewallItDescribes()
    {
        var page = JsonSerializer.Deserialize(GetAllFirewallsResponse, HcloudJson.Default.HcloudFirewallsResponse)!;
        var firewall = Assert.Single(page.Firewalls);
        Assert.Equal(42, firewall.Id);
        Assert.Equal("new-name", firewall.Name);
        var rule = Assert.Single(firewall.Rules);
        Assert.Equal(("in", "tcp", "80"), (rule.Direction, rule.Protocol, rule.Port));
        Assert.Equal(["28.239.13.1/32", "28.239.14.0/24", "ff21:1eac:9a3b:ee58:5ca:990c:8bc9:c03b/128"], rule.SourceIps!);
        Assert.Null(rule.Description);
        Assert.Equal(42, Assert.Single(firewall.AppliedTo!).Server!.Id);
        Assert.Equal(4, page.Meta!.Pagination!.NextPage);
        // Compiled to the one engine: the example's rule admits tcp/80 from its /24 and nothing else.
        var compiled = HetznerPaths.Compile(firewall, rule);
        Assert.Contains("28.239.14.0/24", compiled.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SetRules_And_Action_Examples_AreReadAsActionsToFollow()
    {
        var set = JsonSerializer.Deserialize(PublishedExamples.SetRulesResponse, HcloudJson.Default.HcloudActionsResponse)!;
        Assert.Equal(["set_firewall_rules", "apply_firewall"], set.Actions.Select(a => a.Command));
        Assert.All(set.Actions, a => Assert.Equal("success", a.Status));
        Assert.Equal([(38L, "firewall"), (42L, "server")], set.Actions[1].Resources!.Select(r => (r.Id, r.Type)).Order());
        var action = JsonSerializer.Deserialize(PublishedExamples.GetFirewallActionResponse, HcloudJson.Default.HcloudActionResponse)!.Action;
        Assert.Equal((13L, 100, "action_failed"), (action.Id, action.Progress, action.Error!.Code));
        Assert.NotNull(JsonSerializer.Deserialize(PublishedExamples.ApplyToResourcesResponse, HcloudJson.Default.HcloudActionsResponse));
        Assert.NotNull(JsonSerializer.Deserialize(PublishedExamples.RemoveFromResourcesResponse, HcloudJson.Default.HcloudActionsResponse));
    }

    [Fact]
    public void ErrorAndPagination_Examples_AreRead()
    {
        var error = JsonSerializer.Deserialize(PublishedExamples.InvalidInputError, HcloudJson.Default.HcloudErrorResponse)!.Error;
        Assert.Equal(("invalid_input", "invalid input in field 'broken_field': is too long"), (error.Code, error.Message));
        var page = JsonSerializer.Deserialize(PublishedExamples.PaginationMeta, HcloudJson.Default.HcloudServersResponse)!;
        Assert.Equal((2, 3, 4), (page.Meta!.Pagination!.Page, page.Meta.Pagination.NextPage!.Value, page.Meta.Pagination.LastPage!.Value));
    }

    [Fact]
    public void GetAllServers_Sample_IsReadIntoTheFleetEntryItDescribes()
    {
        var page = JsonSerializer.Deserialize(PublishedExamples.ListServersResponse, HcloudJson.Default.HcloudServersResponse)!;
        Assert.Equal(4, page.Meta!.Pagination!.NextPage);

        var server = Assert.Single(HetznerInventory.From(page.Servers));

        Assert.Equal("my-resource", server.Name);
        // public_net.ipv4.ip, then the server's address in public_net.ipv6.ip ("2001:db8::/64"): the one its dns_ptr names.
        Assert.Equal(["1.2.3.4", "2001:db8::1"], server.PublicAddresses);
        Assert.Equal(["10.0.0.2"], server.PrivateAddresses);
        Assert.Equal(new Dictionary<string, string> { ["server"] = "42" }, server.Layer);
        Assert.Equal(["hcloud", "label_environment_prod", "label_example_com_my_label", "label_just_a_key_"], server.Groups);
    }

    [Theory]
    [InlineData("running", true)]
    [InlineData("off", false)]
    [InlineData("initializing", false)]
    [InlineData("stopping", false)]
    public void GetAllServers_Sample_OnlyARunningServerIsListed(string status, bool listed)
    {
        var sample = JsonNode.Parse(PublishedExamples.ListServersResponse)!;
        sample["servers"]![0]!["status"] = status;
        var page = JsonSerializer.Deserialize(sample.ToJsonString(), HcloudJson.Default.HcloudServersResponse)!;

        Assert.Equal(listed, HetznerInventory.From(page.Servers).Count == 1);
    }

    [Theory]
    [InlineData(PublishedExamples.SetRulesRequest, false)]
    [InlineData(PublishedExamples.CreateFirewallRequest, true)]
    public void RequestExamples_RoundTrip_ThroughTheProductsContract_Unchanged(string example, bool create)
    {
        // What the product writes has the documented shape: the example read and written back is the example.
        string written;
        if (create)
        {
            var request = JsonSerializer.Deserialize(example, HcloudJson.Default.HcloudCreateFirewallRequest)!;
            written = JsonSerializer.Serialize(request, HcloudJson.Default.HcloudCreateFirewallRequest);
            var expected = JsonNode.Parse(example)!.AsObject();
            expected.Remove("labels"); // the tool sets no labels on a firewall it creates
            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(written)), written);
            return;
        }

        var rules = JsonSerializer.Deserialize(example, HcloudJson.Default.HcloudSetRulesRequest)!;
        written = JsonSerializer.Serialize(rules, HcloudJson.Default.HcloudSetRulesRequest);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(example), JsonNode.Parse(written)), written);
    }
}
