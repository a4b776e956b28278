// A small typed client of the DigitalOcean API v2, written from its public reference:
// https://docs.digitalocean.com/reference/api/digitalocean/ ("Authentication": Authorization: Bearer <token>;
// "Links & Pagination": follow links.pages.next until it is absent; "Rate Limit": 5,000 requests an hour and a burst
// limit, ratelimit-limit/-remaining/-reset headers, 429 too_many_requests, retry-after on the burst limit; "Errors":
// {id, message, request_id}), its Firewalls operations (firewalls_list/get/create, firewalls_add_rules,
// firewalls_delete_rules) and Droplets operations (droplets_list with name= or tag_name=, droplets_get,
// droplets_list_firewalls),
// as the OpenAPI description at github.com/digitalocean/openapi (specification/resources/firewalls/*.yml,
// specification/resources/droplets/*.yml) names them. JSON goes through the source-generated ApiJson (AOT-safe).
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.DigitalOcean.Api;

/// <summary>The DigitalOcean calls the firewall layer makes; every failure a <see cref="LayerFailureException"/> with the provider's own message.</summary>
internal sealed class DigitalOceanClient : IDisposable
{
    /// <summary>How many times a 429 with retry-after (the burst limit) is retried after waiting as told.</summary>
    public const int BurstRetries = 3;

    /// <summary>The longest retry-after the client waits for (longer: it stops and says when to retry).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public DigitalOceanClient(Uri endpoint, string token, TimeProvider time, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _time = time;
        var baseUri = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _http = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
        _http.BaseAddress = baseUri;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("oec-cloudfw");
        _http.Timeout = TimeSpan.FromSeconds(60);
        Endpoint = baseUri;
    }

    public Uri Endpoint { get; }

    public void Dispose() => _http.Dispose();

    /// <summary>GET /v2/firewalls/{id}.</summary>
    public async Task<ApiFirewall> GetFirewallAsync(string id, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, $"v2/firewalls/{Uri.EscapeDataString(id)}", null, ApiJson.Default.ApiFirewallEnvelope, $"firewall {id}", cancellationToken))?.Firewall
        ?? throw new LayerFailureException($"DigitalOcean answered GET /v2/firewalls/{id} without a firewall");

    /// <summary>GET /v2/firewalls, every page.</summary>
    public Task<IReadOnlyList<ApiFirewall>> ListFirewallsAsync(CancellationToken cancellationToken) =>
        AllPagesAsync("v2/firewalls?per_page=200", ApiJson.Default.ApiFirewallPage, p => p.Firewalls, p => p.Links, "the firewalls", cancellationToken);

    /// <summary>GET /v2/droplets/{id}/firewalls, every page: the firewalls applied to the droplet (by id or by one of its tags).</summary>
    public Task<IReadOnlyList<ApiFirewall>> ListDropletFirewallsAsync(long dropletId, CancellationToken cancellationToken) =>
        AllPagesAsync(Invariant($"v2/droplets/{dropletId}/firewalls?per_page=200"), ApiJson.Default.ApiFirewallPage, p => p.Firewalls, p => p.Links, Invariant($"droplet {dropletId}"), cancellationToken);

    /// <summary>GET /v2/droplets/{id}.</summary>
    public async Task<ApiDroplet> GetDropletAsync(long id, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, Invariant($"v2/droplets/{id}"), null, ApiJson.Default.ApiDropletEnvelope, Invariant($"droplet {id}"), cancellationToken))?.Droplet
        ?? throw new LayerFailureException(Invariant($"DigitalOcean answered GET /v2/droplets/{id} without a droplet"));

    /// <summary>GET /v2/droplets (every page), or only those named exactly <paramref name="name"/>.</summary>
    public Task<IReadOnlyList<ApiDroplet>> ListDropletsAsync(string? name, CancellationToken cancellationToken) =>
        AllPagesAsync(name is null ? "v2/droplets?per_page=200" : $"v2/droplets?per_page=200&name={Uri.EscapeDataString(name)}", ApiJson.Default.ApiDropletPage, p => p.Droplets, p => p.Links, "the droplets", cancellationToken);

    /// <summary>GET /v2/droplets?tag_name= (every page): the droplets carrying the tag, in any status.</summary>
    public Task<IReadOnlyList<ApiDroplet>> ListDropletsByTagAsync(string tag, CancellationToken cancellationToken) =>
        AllPagesAsync($"v2/droplets?tag_name={Uri.EscapeDataString(tag)}&page=1&per_page=200", ApiJson.Default.ApiDropletPage, p => p.Droplets, p => p.Links, $"the droplets tagged {tag}", cancellationToken);

    /// <summary>POST /v2/firewalls (202, the firewall as created).</summary>
    public async Task<ApiFirewall> CreateFirewallAsync(ApiCreateFirewall body, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, "v2/firewalls", Body(body, ApiJson.Default.ApiCreateFirewall), ApiJson.Default.ApiFirewallEnvelope, $"firewall {body.Name}", cancellationToken))?.Firewall
        ?? throw new LayerFailureException($"DigitalOcean answered the creation of firewall {body.Name} without the firewall");

    /// <summary>POST /v2/firewalls/{id}/rules (204).</summary>
    public Task AddRulesAsync(string firewallId, ApiRulesBody body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v2/firewalls/{Uri.EscapeDataString(firewallId)}/rules", Body(body, ApiJson.Default.ApiRulesBody), ApiJson.Default.ApiError, $"firewall {firewallId}", cancellationToken);

    /// <summary>DELETE /v2/firewalls/{id}/rules (204): removes the rules given exactly.</summary>
    public Task DeleteRulesAsync(string firewallId, ApiRulesBody body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"v2/firewalls/{Uri.EscapeDataString(firewallId)}/rules", Body(body, ApiJson.Default.ApiRulesBody), ApiJson.Default.ApiError, $"firewall {firewallId}", cancellationToken);

    private static string Body<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private async Task<IReadOnlyList<TItem>> AllPagesAsync<TPage, TItem>(string first, JsonTypeInfo<TPage> type, Func<TPage, List<TItem>?> items, Func<TPage, ApiLinks?> links, string what, CancellationToken cancellationToken)
        where TPage : class
    {
        var all = new List<TItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = first;
        while (next is not null)
        {
            if (!seen.Add(next))
            {
                throw new LayerFailureException($"DigitalOcean's pages of {what} loop back to {next}: stopped");
            }

            // The token goes to the API only: a next page elsewhere is not followed.
            if (Uri.TryCreate(next, UriKind.Absolute, out var absolute) &&
                !(absolute.Scheme == Endpoint.Scheme && string.Equals(absolute.Authority, Endpoint.Authority, StringComparison.OrdinalIgnoreCase)))
            {
                throw new LayerFailureException($"DigitalOcean's next page of {what} is at {absolute.GetLeftPart(UriPartial.Authority)}, not at {Endpoint}: not followed (the token is sent to the API's endpoint only)");
            }

            var page = await SendAsync(HttpMethod.Get, next, null, type, what, cancellationToken)
                ?? throw new LayerFailureException($"DigitalOcean answered a page of {what} with no body");
            all.AddRange(items(page) ?? []);
            next = links(page)?.Pages?.Next;
        }

        return all;
    }

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, string? json, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await RestExchange.SendAsync(_http, method, new Uri(path, UriKind.RelativeOrAbsolute), json,
                error => $"cannot reach DigitalOcean at {Endpoint}: {error} (check the network, or --do-endpoint / DIGITALOCEAN_API_URL)",
                $"DigitalOcean at {Endpoint} did not answer {method} /{path} within {_http.Timeout.TotalSeconds:F0} s", cancellationToken);
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return text.Length == 0 || response.StatusCode == HttpStatusCode.NoContent ? null : Parse(text, type, method, path);
                }

                var error = TryParseError(text);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < BurstRetries && RetryAfter(response) is { } wait && wait <= LongestWait)
                {
                    // The burst limit says how long to wait: wait (on the injected clock) and try again.
                    await Task.Delay(wait, _time, cancellationToken);
                    continue;
                }

                throw Failure(response, error, method, path, what);
            }
        }
    }

    private static T Parse<T>(string text, JsonTypeInfo<T> type, HttpMethod method, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new LayerFailureException($"DigitalOcean answered {method} /{path} with an empty document");
        }
        catch (JsonException ex)
        {
            throw new LayerFailureException($"DigitalOcean's answer to {method} /{path} is not the documented JSON: {ex.Message}", ex);
        }
    }

    private static ApiError? TryParseError(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, ApiJson.Default.ApiError);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ??
        (response.Headers.TryGetValues("retry-after", out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null);

    private LayerFailureException Failure(HttpResponseMessage response, ApiError? error, HttpMethod method, string path, string what)
    {
        var code = (int)response.StatusCode;
        var said = error?.Message is { Length: > 0 } message
            ? $"{code} {error.Id}: {message}{(error.RequestId is { Length: > 0 } id ? $", request {id}" : string.Empty)}"
            : $"{code} {response.ReasonPhrase}";
        var text = code switch
        {
            401 => $"DigitalOcean refused the token ({said}): check DIGITALOCEAN_ACCESS_TOKEN (a personal access token from the control panel's API page)",
            403 => $"the DigitalOcean token may not {(method == HttpMethod.Get ? "read" : "change")} {what} ({said}): {(method == HttpMethod.Get ? "give the token read scope" : "a read-only token cannot change firewalls; use a token with write scope")}",
            404 => $"{what} not found at DigitalOcean ({said})",
            422 => $"DigitalOcean rejected the change to {what} ({said})",
            429 => $"DigitalOcean's API rate limit is reached ({said}){Reset(response)}: nothing more was sent; retry then",
            _ => $"DigitalOcean answered {method} /{path} with {said}",
        };
        return new LayerFailureException(text);
    }

    private string Reset(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("ratelimit-reset", out var values) &&
            long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(unix);
            var left = at - _time.GetUtcNow();
            return Invariant($"; it resets at {at:yyyy-MM-dd HH:mm:ss} UTC (in {Math.Max(0, (int)Math.Ceiling(left.TotalMinutes))} min)");
        }

        var remaining = response.Headers.TryGetValues("retry-after", out var after) ? $"; retry after {after.FirstOrDefault()} s" : string.Empty;
        return remaining;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
