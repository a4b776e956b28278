// The DigitalOcean API v2 shapes this tool reads and writes, field for field as the public reference names them:
// https://docs.digitalocean.com/reference/api/digitalocean/ (Firewalls, Droplets) and its OpenAPI description,
// github.com/digitalocean/openapi: specification/resources/firewalls/models/firewall.yml, firewall_rule.yml,
// firewall_rule_target.yml; specification/resources/droplets/models/droplet.yml, network_v4.yml, network_v6.yml;
// specification/shared/pages.yml (links.pages), meta.yml, models/error.yml.
// Unknown fields are ignored (the API adds fields); absent lists are null.
using System.Text.Json.Serialization;

namespace OecCloudFw.DigitalOcean.Api;

/// <summary>firewall_rule_target.yml: where a rule admits traffic from (sources) or to (destinations).</summary>
internal sealed record ApiTarget
{
    public List<string>? Addresses { get; init; }

    public List<long>? DropletIds { get; init; }

    public List<string>? LoadBalancerUids { get; init; }

    public List<string>? KubernetesIds { get; init; }

    public List<string>? Tags { get; init; }
}

/// <summary>firewall_rule.yml: protocol tcp/udp/icmp; ports "22", "8000-9000", "0" (every port; ICMP's is always "0").</summary>
internal sealed record ApiRule
{
    public string Protocol { get; init; } = string.Empty;

    public string? Ports { get; init; }

    public ApiTarget? Sources { get; init; }

    public ApiTarget? Destinations { get; init; }
}

/// <summary>firewall.yml's pending_changes items.</summary>
internal sealed record ApiPendingChange
{
    public long DropletId { get; init; }

    public bool Removing { get; init; }

    public string? Status { get; init; }
}

/// <summary>firewall.yml.</summary>
internal sealed record ApiFirewall
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>waiting, succeeded or failed.</summary>
    public string? Status { get; init; }

    public string? CreatedAt { get; init; }

    public List<ApiRule>? InboundRules { get; init; }

    public List<ApiRule>? OutboundRules { get; init; }

    public List<long>? DropletIds { get; init; }

    public List<string>? Tags { get; init; }

    public List<ApiPendingChange>? PendingChanges { get; init; }
}

/// <summary>network_v4.yml / network_v6.yml.</summary>
internal sealed record ApiNetwork
{
    public string IpAddress { get; init; } = string.Empty;

    /// <summary>public or private.</summary>
    public string? Type { get; init; }
}

internal sealed record ApiNetworks
{
    public List<ApiNetwork>? V4 { get; init; }

    public List<ApiNetwork>? V6 { get; init; }
}

/// <summary>droplet.yml: what a firewall verdict needs of a droplet.</summary>
internal sealed record ApiDroplet
{
    public long Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public string? Status { get; init; }

    public List<string>? Tags { get; init; }

    public ApiNetworks? Networks { get; init; }
}

/// <summary>pages.yml.</summary>
internal sealed record ApiPages
{
    public string? First { get; init; }

    public string? Prev { get; init; }

    public string? Next { get; init; }

    public string? Last { get; init; }
}

internal sealed record ApiLinks
{
    public ApiPages? Pages { get; init; }
}

internal sealed record ApiMeta
{
    public int Total { get; init; }
}

/// <summary>GET /v2/firewalls and GET /v2/droplets/{id}/firewalls.</summary>
internal sealed record ApiFirewallPage
{
    public List<ApiFirewall>? Firewalls { get; init; }

    public ApiLinks? Links { get; init; }

    public ApiMeta? Meta { get; init; }
}

/// <summary>GET /v2/droplets.</summary>
internal sealed record ApiDropletPage
{
    public List<ApiDroplet>? Droplets { get; init; }

    public ApiLinks? Links { get; init; }

    public ApiMeta? Meta { get; init; }
}

/// <summary>GET/POST /v2/firewalls/{id}: { "firewall": … }.</summary>
internal sealed record ApiFirewallEnvelope
{
    public ApiFirewall? Firewall { get; init; }
}

/// <summary>GET /v2/droplets/{id}: { "droplet": … }.</summary>
internal sealed record ApiDropletEnvelope
{
    public ApiDroplet? Droplet { get; init; }
}

/// <summary>POST/DELETE /v2/firewalls/{id}/rules.</summary>
internal sealed record ApiRulesBody
{
    public List<ApiRule>? InboundRules { get; init; }

    public List<ApiRule>? OutboundRules { get; init; }
}

/// <summary>POST /v2/firewalls.</summary>
internal sealed record ApiCreateFirewall
{
    public string Name { get; init; } = string.Empty;

    public List<ApiRule>? InboundRules { get; init; }

    public List<ApiRule>? OutboundRules { get; init; }

    public List<long>? DropletIds { get; init; }

    public List<string>? Tags { get; init; }
}

/// <summary>models/error.yml.</summary>
internal sealed record ApiError
{
    public string? Id { get; init; }

    public string? Message { get; init; }

    public string? RequestId { get; init; }
}

/// <summary>The source-generated (AOT) contract of every shape above: snake_case, nulls not written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiFirewallPage))]
[JsonSerializable(typeof(ApiDropletPage))]
[JsonSerializable(typeof(ApiFirewallEnvelope))]
[JsonSerializable(typeof(ApiDropletEnvelope))]
[JsonSerializable(typeof(ApiRulesBody))]
[JsonSerializable(typeof(ApiCreateFirewall))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class ApiJson : JsonSerializerContext;
