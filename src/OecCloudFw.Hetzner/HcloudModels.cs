// The Hetzner Cloud API objects the adapter reads and writes, as the public API reference describes them:
// - https://docs.hetzner.cloud/reference/cloud#firewalls (Firewall: id, name, labels, rules[direction, protocol, port,
//   source_ips, destination_ips, description], applied_to[type server|label_selector, server.id, label_selector.selector,
//   applied_to_resources]; POST /firewalls, GET /firewalls/{id}, POST /firewalls/{id}/actions/set_rules,
//   POST /firewalls/{id}/actions/apply_to_resources)
// - https://docs.hetzner.cloud/reference/cloud#servers (Server: id, name, status running|initializing|starting|stopping|
//   off|deleting|migrating|rebuilding|unknown, labels, public_net.ipv4.ip, public_net.ipv6.ip as a /64 network,
//   public_net.firewalls[id, status], private_net[network, ip, alias_ips, mac_address]; "Get all Servers" with
//   label_selector, page, per_page)
// - https://docs.hetzner.cloud/reference/cloud#actions (Action: id, command, status running|success|error, progress,
//   error{code, message}, resources[id, type]) and the introduction's "Errors" ({"error":{code, message, details}}) and
//   "Pagination" (meta.pagination page, per_page, next_page, last_page, total_entries).
// The same shapes are in the API's OpenAPI description (as transcribed in github.com/konfig-sdks/openapi-examples,
// hetzner/openapi.yaml) and the spec-generated crate docs.rs/crate/hcloud (OpenAPI document 0.28.0).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OecCloudFw.Hetzner;

internal sealed record HcloudServerResponse(HcloudServer Server);

internal sealed record HcloudServersResponse(IReadOnlyList<HcloudServer> Servers, HcloudMeta? Meta);

internal sealed record HcloudServer(long Id, string Name, HcloudPublicNet? PublicNet, IReadOnlyDictionary<string, string>? Labels, string? Status = null, IReadOnlyList<HcloudPrivateNet>? PrivateNet = null);

/// <summary>The server's address in one private Network it is attached to (alias IPs are not read).</summary>
internal sealed record HcloudPrivateNet(long Network, string Ip);

internal sealed record HcloudPublicNet(HcloudIp? Ipv4, HcloudIp? Ipv6, IReadOnlyList<HcloudFirewallRef>? Firewalls);

internal sealed record HcloudIp(string Ip);

internal sealed record HcloudFirewallRef(long Id, string? Status);

internal sealed record HcloudFirewallsResponse(IReadOnlyList<HcloudFirewall> Firewalls, HcloudMeta? Meta);

internal sealed record HcloudFirewallResponse(HcloudFirewall Firewall, IReadOnlyList<HcloudAction>? Actions);

internal sealed record HcloudFirewall(long Id, string Name, IReadOnlyDictionary<string, string>? Labels, IReadOnlyList<HcloudRule> Rules, IReadOnlyList<HcloudAppliedTo>? AppliedTo);

/// <summary>One allow rule as the API carries it (written back exactly as read when it is not the tool's).</summary>
internal sealed record HcloudRule(string Direction, string Protocol, string? Port, IReadOnlyList<string>? SourceIps, IReadOnlyList<string>? DestinationIps, string? Description);

internal sealed record HcloudAppliedTo(string Type, HcloudResourceId? Server, HcloudLabelSelector? LabelSelector, IReadOnlyList<HcloudAppliedTo>? AppliedToResources);

internal sealed record HcloudResourceId(long Id);

internal sealed record HcloudLabelSelector(string Selector);

internal sealed record HcloudMeta(HcloudPagination? Pagination);

internal sealed record HcloudPagination(int Page, int? NextPage, int? LastPage, int? TotalEntries);

internal sealed record HcloudActionsResponse(IReadOnlyList<HcloudAction> Actions);

internal sealed record HcloudActionResponse(HcloudAction Action);

internal sealed record HcloudAction(long Id, string Command, string Status, int Progress, HcloudActionError? Error, IReadOnlyList<HcloudActionResource>? Resources);

internal sealed record HcloudActionError(string Code, string Message);

internal sealed record HcloudActionResource(long Id, string Type);

internal sealed record HcloudErrorResponse(HcloudErrorBody Error);

internal sealed record HcloudErrorBody(string Code, string Message, JsonElement? Details);

internal sealed record HcloudSetRulesRequest(IReadOnlyList<HcloudRule> Rules);

internal sealed record HcloudCreateFirewallRequest(string Name, IReadOnlyList<HcloudRule> Rules, IReadOnlyList<HcloudApplyTo> ApplyTo);

internal sealed record HcloudApplyTo(string Type, HcloudResourceId Server);

/// <summary>The source-generated (reflection-free, AOT-safe) contract of every object above, snake_case as the API spells it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HcloudServerResponse))]
[JsonSerializable(typeof(HcloudServersResponse))]
[JsonSerializable(typeof(HcloudFirewallsResponse))]
[JsonSerializable(typeof(HcloudFirewallResponse))]
[JsonSerializable(typeof(HcloudActionsResponse))]
[JsonSerializable(typeof(HcloudActionResponse))]
[JsonSerializable(typeof(HcloudErrorResponse))]
[JsonSerializable(typeof(HcloudSetRulesRequest))]
[JsonSerializable(typeof(HcloudCreateFirewallRequest))]
internal sealed partial class HcloudJson : JsonSerializerContext;
