// The request and response examples of the Hetzner Cloud API reference for the firewall endpoints, transcribed from the
// OpenAPI description "Hetzner Cloud API" (github.com/konfig-sdks/openapi-examples, hetzner/openapi.yaml, commit
// 2d2b1f35dea9f56a07e6fa1f70697171b2676bb5): POST /firewalls request example "request"; POST /firewalls/{id}/actions/
// set_rules request example "rules" and its 201 example; apply_to_resources and remove_from_resources request and 201
// examples; GET /firewalls/{id}/actions/{action_id} 200 example; the introduction's invalid_input error and pagination
// examples. The examples name Firewall 38 and Server 42.
namespace OecCloudFw.Hetzner.Tests.Fake;

public static class PublishedExamples
{
    public const long FirewallId = 38;
    public const long ServerId = 42;

    public const string CreateFirewallRequest = """
        {
          "apply_to": [ { "server": { "id": 42 }, "type": "server" } ],
          "labels": { "env": "dev" },
          "name": "Corporate Intranet Protection",
          "rules": [
            {
              "description": "Allow port 80",
              "direction": "in",
              "port": "80",
              "protocol": "tcp",
              "source_ips": [ "28.239.13.1/32", "28.239.14.0/24", "ff21:1eac:9a3b:ee58:5ca:990c:8bc9:c03b/128" ]
            }
          ]
        }
        """;

    public const string SetRulesRequest = """
        {
          "rules": [
            {
              "description": "Allow port 80",
              "direction": "in",
              "port": "80",
              "protocol": "tcp",
              "source_ips": [ "28.239.13.1/32", "28.239.14.0/24", "ff21:1eac:9a3b:ee58:5ca:990c:8bc9:c03b/128" ]
            }
          ]
        }
        """;

    /// <summary>The 201 example of set_rules: "one set_firewall_rules Action plus one apply_firewall Action per resource
    /// where the Firewall is active" (the finished values of the example are those of an action already done).</summary>
    public const string SetRulesResponse = """
        {
          "actions": [
            { "command": "set_firewall_rules", "error": { "code": "action_failed", "message": "Action failed" },
              "finished": "2016-01-30T23:56:00+00:00", "id": 13, "progress": 100,
              "resources": [ { "id": 38, "type": "firewall" } ], "started": "2016-01-30T23:55:00+00:00", "status": "success" },
            { "command": "apply_firewall", "error": { "code": "action_failed", "message": "Action failed" },
              "finished": "2016-01-30T23:56:00+00:00", "id": 14, "progress": 100,
              "resources": [ { "id": 38, "type": "firewall" }, { "id": 42, "type": "server" } ],
              "started": "2016-01-30T23:55:00+00:00", "status": "success" }
          ]
        }
        """;

    public const string ApplyToResourcesRequest = """
        { "apply_to": [ { "server": { "id": 42 }, "type": "server" } ] }
        """;

    public const string ApplyToResourcesResponse = """
        {
          "actions": [
            { "command": "apply_firewall", "error": { "code": "action_failed", "message": "Action failed" },
              "finished": "2016-01-30T23:56:00+00:00", "id": 14, "progress": 100,
              "resources": [ { "id": 42, "type": "server" }, { "id": 38, "type": "firewall" } ],
              "started": "2016-01-30T23:55:00+00:00", "status": "success" }
          ]
        }
        """;

    public const string RemoveFromResourcesRequest = """
        { "remove_from": [ { "server": { "id": 42 }, "type": "server" } ] }
        """;

    public const string RemoveFromResourcesResponse = """
        {
          "actions": [
            { "command": "remove_firewall", "error": { "code": "action_failed", "message": "Action failed" },
              "finished": "2016-01-30T23:56:00+00:00", "id": 14, "progress": 100,
              "resources": [ { "id": 42, "type": "server" }, { "id": 38, "type": "firewall" } ],
              "started": "2016-01-30T23:55:00+00:00", "status": "success" }
          ]
        }
        """;

    public const string GetFirewallActionResponse = """
        {
          "action": { "command": "set_firewall_rules", "error": { "code": "action_failed", "message": "Action failed" },
            "finished": "2016-01-30T23:56:00+00:00", "id": 13, "progress": 100,
            "resources": [ { "id": 38, "type": "firewall" } ], "started": "2016-01-30T23:55:00+00:00", "status": "success" }
        }
        """;

    public const string InvalidInputError = """
        { "error": { "code": "invalid_input", "message": "invalid input in field 'broken_field': is too long",
          "details": { "fields": [ { "name": "broken_field", "messages": ["is too long"] } ] } } }
        """;

    public const string PaginationMeta = """
        { "servers": [], "meta": { "pagination": { "page": 2, "per_page": 25, "previous_page": 1, "next_page": 3, "last_page": 4, "total_entries": 100 } } }
        """;
}
