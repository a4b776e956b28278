// Error codes and bodies of the Hetzner Cloud API. Body shape {"error":{"code","message","details"}} and the generic codes
// (forbidden, unauthorized, invalid_input + details.fields[{name, messages}], json_error, locked, not_found,
// rate_limit_exceeded, resource_limit_exceeded + details.limits[{name}], uniqueness_error + details.fields, conflict,
// token_readonly …): the API reference introduction, "Errors" (konfig-sdks/openapi-examples hetzner/openapi.yaml);
// the firewall call-specific codes (firewall_already_applied, firewall_already_removed, firewall_managed_by_label_selector,
// firewall_resource_not_found, incompatible_network_type, server_already_added, resource_in_use, private_net_only_server):
// the same reference's /firewalls paths and hetznercloud/hcloud-go hcloud/error.go.
// HTTP statuses: the stored reference lists codes, not statuses. The generic ones follow the current docs' table as we
// know it (401 unauthorized; 403 forbidden/token_readonly/resource_limit_exceeded; 404 not_found; 400 invalid_input/
// json_error; 409 uniqueness_error/conflict; 423 locked; 429 rate_limit_exceeded). The call-specific firewall codes,
// whose status no page we read gives, are answered 422: one table here, to change in one place.
using System.Text.Json.Nodes;

namespace OecCloudFw.Hetzner.Tests.Fake;

public static class HetznerErrors
{
    public static int Status(string code) => code switch
    {
        "unauthorized" => 401,
        "forbidden" or "token_readonly" or "resource_limit_exceeded" or "protected" => 403,
        "not_found" => 404,
        "invalid_input" or "json_error" => 400,
        "uniqueness_error" or "conflict" => 409,
        "locked" => 423,
        "rate_limit_exceeded" => 429,
        "server_error" => 500,
        "service_error" or "maintenance" or "unavailable" => 503,
        _ => 422,
    };

    public static JsonObject Body(string code, string message, JsonObject? details = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["details"] = details ?? new JsonObject(),
        },
    };

    public static JsonObject InvalidInput(string field, string message) => new()
    {
        ["fields"] = new JsonArray(new JsonObject { ["name"] = field, ["messages"] = new JsonArray(message) }),
    };

    public static JsonObject Limit(string name) => new()
    {
        ["limits"] = new JsonArray(new JsonObject { ["name"] = name }),
    };
}
