// The request and response examples of the Hetzner Cloud API reference for the firewall endpoints, transcribed from the
// OpenAPI description "Hetzner Cloud API" (github.com/konfig-sdks/openapi-examples, hetzner/openapi.yaml, commit
// 2d2b1f35dea9f56a07e6fa1f70697171b2676bb5): POST /firewalls request example "request"; POST /firewalls/{id}/actions/
// set_rules request example "rules" and its 201 example; apply_to_resources and remove_from_resources request and 201
// examples; GET /firewalls/{id}/actions/{action_id} 200 example; the introduction's invalid_input error and pagination
// examples. The examples name Firewall 38 and Server 42. The servers list (ListServersResponse) is the reference page's
// own response sample (its source named there).
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

    /// <summary>
    /// GET /servers, the "Get all Servers" response sample of https://docs.hetzner.cloud/ (Servers → Get all Servers →
    /// Response sample), transcribed as published (the page as captured on 2025-05-30 in
    /// github.com/smrezvani/Hetzner-Cloud-API-Document, llm.txt, commit 7a118fe7cee2278245589dcf2675f373836c1ef9).
    /// </summary>
    public const string ListServersResponse = """
        {
          "servers": [
            {
              "id": 42,
              "name": "my-resource",
              "status": "running",
              "created": "2016-01-30T23:55:00+00:00",
              "public_net": {
                "ipv4": {
                  "id": 42,
                  "ip": "1.2.3.4",
                  "blocked": false,
                  "dns_ptr": "server01.example.com"
                },
                "ipv6": {
                  "id": 42,
                  "ip": "2001:db8::/64",
                  "blocked": false,
                  "dns_ptr": [
                    {
                      "ip": "2001:db8::1",
                      "dns_ptr": "server.example.com"
                    }
                  ]
                },
                "floating_ips": [
                  478
                ],
                "firewalls": [
                  {
                    "id": 42,
                    "status": "applied"
                  }
                ]
              },
              "private_net": [
                {
                  "network": 4711,
                  "ip": "10.0.0.2",
                  "alias_ips": [
                    "10.0.0.3",
                    "10.0.0.4"
                  ],
                  "mac_address": "86:00:ff:2a:7d:e1"
                }
              ],
              "server_type": {
                "id": 1,
                "name": "cpx11",
                "description": "CPX11",
                "cores": 2,
                "memory": 2,
                "disk": 40,
                "deprecated": false,
                "prices": [
                  {
                    "location": "fsn1",
                    "price_hourly": {
                      "net": "1.0000",
                      "gross": "1.1900"
                    },
                    "price_monthly": {
                      "net": "1.0000",
                      "gross": "1.1900"
                    },
                    "included_traffic": 654321,
                    "price_per_tb_traffic": {
                      "net": "1.0000",
                      "gross": "1.1900"
                    }
                  }
                ],
                "storage_type": "local",
                "cpu_type": "shared",
                "architecture": "x86",
                "deprecation": {
                  "unavailable_after": "2023-09-01T00:00:00+00:00",
                  "announced": "2023-06-01T00:00:00+00:00"
                }
              },
              "datacenter": {
                "id": 42,
                "name": "fsn1-dc8",
                "description": "Falkenstein DC Park 8",
                "location": {
                  "id": 42,
                  "name": "fsn1",
                  "description": "Falkenstein DC Park 1",
                  "country": "DE",
                  "city": "Falkenstein",
                  "latitude": 50.47612,
                  "longitude": 12.370071,
                  "network_zone": "eu-central"
                },
                "server_types": {
                  "supported": [
                    1,
                    2,
                    3
                  ],
                  "available": [
                    1,
                    2,
                    3
                  ],
                  "available_for_migration": [
                    1,
                    2,
                    3
                  ]
                }
              },
              "image": {
                "id": 42,
                "type": "snapshot",
                "status": "available",
                "name": "ubuntu-20.04",
                "description": "Ubuntu 20.04 Standard 64 bit",
                "image_size": 2.3,
                "disk_size": 10,
                "created": "2016-01-30T23:55:00+00:00",
                "created_from": {
                  "id": 1,
                  "name": "Server"
                },
                "bound_to": null,
                "os_flavor": "ubuntu",
                "os_version": "20.04",
                "rapid_deploy": false,
                "protection": {
                  "delete": false
                },
                "deprecated": "2018-02-28T00:00:00+00:00",
                "deleted": null,
                "labels": {
                  "environment": "prod",
                  "example.com/my": "label",
                  "just-a-key": ""
                },
                "architecture": "x86"
              },
              "iso": {
                "id": 42,
                "name": "FreeBSD-11.0-RELEASE-amd64-dvd1",
                "description": "FreeBSD 11.0 x64",
                "type": "public",
                "deprecation": {
                  "unavailable_after": "2023-09-01T00:00:00+00:00",
                  "announced": "2023-06-01T00:00:00+00:00"
                },
                "architecture": "x86"
              },
              "rescue_enabled": false,
              "locked": false,
              "backup_window": "22-02",
              "outgoing_traffic": 123456,
              "ingoing_traffic": 123456,
              "included_traffic": 654321,
              "protection": {
                "delete": false,
                "rebuild": false
              },
              "labels": {
                "environment": "prod",
                "example.com/my": "label",
                "just-a-key": ""
              },
              "volumes": [
                0
              ],
              "load_balancers": [
                0
              ],
              "primary_disk_size": 50,
              "placement_group": {
                "id": 42,
                "name": "my-resource",
                "labels": {
                  "environment": "prod",
                  "example.com/my": "label",
                  "just-a-key": ""
                },
                "type": "spread",
                "created": "2016-01-30T23:55:00+00:00",
                "servers": [
                  42
                ]
              }
            }
          ],
          "meta": {
            "pagination": {
              "page": 3,
              "per_page": 25,
              "previous_page": 2,
              "next_page": 4,
              "last_page": 4,
              "total_entries": 100
            }
          }
        }
        """;
}
