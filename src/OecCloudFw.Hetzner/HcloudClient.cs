// A small typed client of the Hetzner Cloud API for what the firewall layer needs, written from the public reference:
// - https://docs.hetzner.cloud/ (introduction: "Authentication" — Authorization: Bearer <token>; "Errors" — the body
//   {"error":{"code","message","details"}}, 401 unauthorized, 403 forbidden / token_readonly, 404 not_found, 422 and the
//   call-specific codes; "Pagination" — page/per_page (at most 50), meta.pagination.next_page; "Rate Limiting" — 3600
//   requests an hour, a 429 rate_limit_exceeded beyond it, and "the number of remaining requests increases gradually …
//   by 1 every second": so a 429 is retried after a second, a few times, before it is reported)
// - https://docs.hetzner.cloud/reference/cloud#firewalls (GET /firewalls?name=&page=&per_page=, GET /firewalls/{id},
//   POST /firewalls, POST /firewalls/{id}/actions/set_rules — "Sets the rules of a Firewall. All existing rules will be
//   overwritten", 201 with the actions to follow)
// - https://docs.hetzner.cloud/reference/cloud#servers (GET /servers/{id}, GET /servers?name=, "Get all Servers"
//   GET /servers?label_selector=&page=&per_page= — the introduction's "Label Selector" language)
// - https://docs.hetzner.cloud/reference/cloud#actions (GET /actions/{id}: running until success or error)
// The token and endpoint are read as the hcloud CLI reads them: HCLOUD_TOKEN, HCLOUD_ENDPOINT (github.com/hetznercloud/cli).
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Hetzner;

internal sealed class HcloudClient : IDisposable
{
    public const string DefaultEndpoint = "https://api.hetzner.cloud/v1";

    /// <summary>How often a running action is polled.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long an action may run before the tool gives up waiting (and says so).</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How many times a 429 is retried, a second apart (one request refills each second).</summary>
    public const int RateLimitRetries = 3;

    private const int PerPage = 50;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public HcloudClient(Uri endpoint, string token, TimeProvider time, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _http = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
        _http.BaseAddress = root;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("oec-cloudfw", "1"));
        Endpoint = root;
        Account = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];
        _time = time;
    }

    public Uri Endpoint { get; }

    /// <summary>Which project the token reaches, as a cache key (a hash: the token itself is never kept in a key or said).</summary>
    public string Account { get; }

    public void Dispose() => _http.Dispose();

    public async Task<HcloudServer> ServerAsync(string nameOrId, CancellationToken cancellationToken)
    {
        if (IsId(nameOrId))
        {
            return (await SendAsync(HttpMethod.Get, $"servers/{nameOrId}", null, HcloudJson.Default.HcloudServerResponse, cancellationToken, $"server {nameOrId}")).Server;
        }

        var found = await SendAsync(HttpMethod.Get, $"servers?name={Uri.EscapeDataString(nameOrId)}", null, HcloudJson.Default.HcloudServersResponse, cancellationToken);
        return found.Servers.Count == 1
            ? found.Servers[0]
            : throw new LayerFailureException($"hetzner: no server named '{nameOrId}' in the project of HCLOUD_TOKEN (at {Endpoint})");
    }

    /// <summary>Every server the label selector matches, in any status (the list followed page by page to its end).</summary>
    public async Task<IReadOnlyList<HcloudServer>> ServersAsync(string labelSelector, CancellationToken cancellationToken)
    {
        var all = new List<HcloudServer>();
        var selector = Uri.EscapeDataString(labelSelector);
        for (int? page = 1; page is { } p;)
        {
            var body = await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"servers?label_selector={selector}&page={p}&per_page={PerPage}"), null, HcloudJson.Default.HcloudServersResponse, cancellationToken);
            all.AddRange(body.Servers ?? []);
            page = body.Meta?.Pagination?.NextPage switch
            {
                null => null,
                { } next when next > p => next,
                { } next => throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture, $"hetzner: the servers' page {p} names page {next} as the next one: the listing would not end (at {Endpoint})")),
            };
        }

        return all;
    }

    /// <summary>Every firewall of the project (the list followed page by page to its end).</summary>
    public async Task<IReadOnlyList<HcloudFirewall>> FirewallsAsync(CancellationToken cancellationToken)
    {
        var all = new List<HcloudFirewall>();
        for (int? page = 1; page is { } p;)
        {
            var body = await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"firewalls?page={p}&per_page={PerPage}"), null, HcloudJson.Default.HcloudFirewallsResponse, cancellationToken);
            all.AddRange(body.Firewalls);
            page = body.Meta?.Pagination?.NextPage is { } next && next > p ? next : null;
        }

        return all;
    }

    public async Task<HcloudFirewall> FirewallAsync(long id, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"firewalls/{id}"), null, HcloudJson.Default.HcloudFirewallResponse, cancellationToken, string.Create(CultureInfo.InvariantCulture, $"firewall {id}"))).Firewall;

    /// <summary>Replaces the firewall's whole rule set and waits for the actions it started.</summary>
    public async Task SetRulesAsync(long firewall, IReadOnlyList<HcloudRule> rules, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new HcloudSetRulesRequest(rules), HcloudJson.Default.HcloudSetRulesRequest);
        var result = await SendAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"firewalls/{firewall}/actions/set_rules"), body, HcloudJson.Default.HcloudActionsResponse, cancellationToken, string.Create(CultureInfo.InvariantCulture, $"firewall {firewall}"));
        await WaitAsync(result.Actions, cancellationToken);
    }

    /// <summary>Creates a firewall with its rules, applied to a server, and waits for the actions it started.</summary>
    public async Task<HcloudFirewall> CreateFirewallAsync(string name, IReadOnlyList<HcloudRule> rules, long server, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new HcloudCreateFirewallRequest(name, rules, [new HcloudApplyTo("server", new HcloudResourceId(server))]), HcloudJson.Default.HcloudCreateFirewallRequest);
        var result = await SendAsync(HttpMethod.Post, "firewalls", body, HcloudJson.Default.HcloudFirewallResponse, cancellationToken);
        await WaitAsync(result.Actions ?? [], cancellationToken);
        return result.Firewall;
    }

    /// <summary>Follows actions until each ends: a failed one is the provider's error.</summary>
    public async Task WaitAsync(IReadOnlyList<HcloudAction> actions, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        foreach (var first in actions)
        {
            var action = first;
            while (action.Status == "running")
            {
                if (_time.GetElapsedTime(started) > ActionTimeout)
                {
                    throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                        $"hetzner: action {action.Id} ({action.Command}) still running after {ActionTimeout.TotalMinutes:F0} minutes (at {action.Progress}%): check it with 'hcloud action describe {action.Id}' (or GET /actions/{action.Id})"));
                }

                await Task.Delay(PollInterval, _time, cancellationToken);
                action = (await SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"actions/{action.Id}"), null, HcloudJson.Default.HcloudActionResponse, cancellationToken)).Action;
            }

            if (action.Status == "error")
            {
                throw new LayerFailureException(string.Create(CultureInfo.InvariantCulture,
                    $"hetzner: action {action.Id} ({action.Command}) failed: {action.Error?.Code ?? "error"}: {action.Error?.Message ?? "no message"}"));
            }
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? body, JsonTypeInfo<T> type, CancellationToken cancellationToken, string? what = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await RestExchange.SendAsync(_http, method, new Uri(path, UriKind.Relative), body,
                error => $"hetzner: cannot reach the API at {Endpoint} ({method} /{path}): {error}",
                $"hetzner: the API at {Endpoint} did not answer {method} /{path} in time", cancellationToken);
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    try
                    {
                        return JsonSerializer.Deserialize(text, type) ?? throw new JsonException("empty body");
                    }
                    catch (JsonException ex)
                    {
                        throw new LayerFailureException($"hetzner: {method} /{path} answered something that is not the documented object ({ex.Message})", ex);
                    }
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < RateLimitRetries)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken);
                    continue;
                }

                throw Failure(method, path, response, text, what);
            }
        }
    }

    private static LayerFailureException Failure(HttpMethod method, string path, HttpResponseMessage response, string text, string? what)
    {
        HcloudErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(text, HcloudJson.Default.HcloudErrorResponse)?.Error;
        }
        catch (JsonException)
        {
            // Not the documented error body (a proxy's page): the status says it.
        }

        var status = (int)response.StatusCode;
        var said = error is null ? $"HTTP {status}" : $"HTTP {status} {error.Code}: {error.Message}";
        var call = $"{method} /{path}";
        return new LayerFailureException((status, error?.Code) switch
        {
            (401, _) => $"hetzner: the API token was refused ({said}): set HCLOUD_TOKEN to a valid API token of the project",
            (403, "token_readonly") => $"hetzner: the token may only read ({said}): changing a firewall needs a Read & Write API token in HCLOUD_TOKEN",
            (403, "resource_limit_exceeded") => $"hetzner: a limit of the project was reached ({said}; {call})",
            (403, _) => $"hetzner: not allowed ({said}; {call})",
            (404, _) => $"hetzner: {what ?? "the resource"} was not found ({said}; {call})",
            (429, _) => string.Create(CultureInfo.InvariantCulture, $"hetzner: the API's rate limit was reached ({said}) and was still reached after {RateLimitRetries} retries a second apart; it resets at {Reset(response)}: try again then ({call})"),
            _ => $"hetzner: {call} failed ({said})",
        });
    }

    private static string Reset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("RateLimit-Reset", out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            ? DateTimeOffset.FromUnixTimeSeconds(unix).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : "the time its RateLimit-Reset header gives";

    public static bool IsId(string text) => text.Length is > 0 and < 19 && text.All(char.IsAsciiDigit);
}
