// An in-process fake of the Hetzner Cloud API (https://api.hetzner.cloud/v1) for what a firewall tool needs, with its own
// state and logic, written from the public documentation only:
// - Hetzner Cloud API reference, OpenAPI description transcribed in github.com/konfig-sdks/openapi-examples,
//   hetzner/openapi.yaml: introduction (Authentication "Authorization: Bearer", Errors, Labels, Label Selector,
//   Pagination: page/per_page, default 25, maximum 50, meta.pagination {page, per_page, previous_page, next_page,
//   last_page, total_entries} and the Link header; Rate Limiting: 429, RateLimit-Limit/-Remaining/-Reset, 3600/hour);
//   paths /firewalls (GET name/label_selector/sort/page/per_page, POST name/labels/rules/apply_to → firewall + actions),
//   /firewalls/{id} (GET, PUT name/labels, DELETE 204, resource_in_use), /firewalls/{id}/actions (list),
//   /firewalls/{id}/actions/{action_id}, /firewalls/actions/{id}, …/set_rules ("All existing rules will be overwritten",
//   "maximum amount of rules … is 50", 201 with one set_firewall_rules Action plus one apply_firewall Action per resource
//   where the Firewall is active), …/apply_to_resources and …/remove_from_resources (201, apply_firewall /
//   remove_firewall Actions; firewall_already_applied, firewall_already_removed, firewall_managed_by_label_selector,
//   firewall_resource_not_found), /servers and /servers/{id} (public_net.ipv4.ip, public_net.ipv6.ip as a /64,
//   public_net.firewalls[{id, status applied|pending}], status running|off|… (the status query filters), private_net
//   [{network, ip, alias_ips, mac_address}]; the "Get all Servers" response sample of https://docs.hetzner.cloud/,
//   transcribed in PublishedExamples.ListServersResponse), /actions/{id} (status running → success | error, progress,
//   started, finished, error {code, message}, resources [{id, type}]).
// - Object shapes: hetznercloud/hcloud-go hcloud/schema/{firewall,action,error,server}.go (applied_to entries
//   {type, server{id}, label_selector{selector}, applied_to_resources[]}).
// - Limits: "up to 5 active Firewalls per server", "up to 50 Firewalls" per project (docs.hetzner.com/cloud/firewalls/faq);
//   50 rules per firewall (set_rules above; the FAQ's "500 (effective) rules" counts expanded rules); 100 CIDRs per rule
//   (the spec's Rule model: "You can specify 100 CIDRs at most").
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OecCloudFw.Hetzner.Tests.Oracle;
using OecCloudFw.Testing;

namespace OecCloudFw.Hetzner.Tests.Fake;

public sealed class HetznerFake : IAsyncDisposable
{
    public const int MaxRulesPerFirewall = 50;
    public const int MaxCidrsPerRule = 100;
    public const int MaxFirewallsPerServer = 5;
    public const int MaxFirewallsPerProject = 50;
    public const int MaxPerPage = 50;
    public const int DefaultPerPage = 25;
    public const int RateLimitPerHour = 3600;

    private static readonly string[] RuleProtocols = ["tcp", "udp", "icmp", "esp", "gre"];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SortedDictionary<long, ServerState> _servers = [];
    private readonly SortedDictionary<long, FirewallState> _firewalls = [];
    private readonly SortedDictionary<long, ActionState> _actions = [];
    private readonly Dictionary<string, int> _counts = [];
    private readonly List<Fault> _faults = [];
    private WebApplication? _app;
    private long _nextId = 1_000_000;
    private long _nextActionId = 1;
    private int _rateLimited;
    private int _failActions;

    private HetznerFake(TimeProvider time, string token, string readOnlyToken)
    {
        _time = time;
        Token = token;
        ReadOnlyToken = readOnlyToken;
    }

    /// <summary>The API root, ending in "/v1/" (what HCLOUD_ENDPOINT would be).</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/v1/");
    public string Token { get; }
    public string ReadOnlyToken { get; }
    /// <summary>The most items a page holds whatever per_page asks (the documented maximum, 50; a test lowers it to see paging).</summary>
    public int MaxPageSize { get; set; } = MaxPerPage;

    /// <summary>A misbehaving API: meta.pagination.next_page names the page just served (a listing that would never end).</summary>
    public bool NextPageRepeats { get; set; }
    /// <summary>How many polls of an action answer "running" before it finishes (0: finished at the first poll).</summary>
    public int ActionPollsBeforeDone { get; set; } = 1;
    public int Reads { get; private set; }
    public int Writes { get; private set; }
    /// <summary>Requests refused with 429 so far.</summary>
    public int RateLimitedRequests { get; private set; }

    public static async Task<HetznerFake> StartAsync(TimeProvider? time = null, string token = "hcloud-test-token", string readOnlyToken = "hcloud-read-only-token")
    {
        var fake = new HetznerFake(time ?? new ManualClock(), token, readOnlyToken);
        var (app, url) = await LoopbackServer.StartAsync(fake.HandleAsync);
        fake._app = app;
        fake.BaseUrl = new Uri(url, "/v1/");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>A client whose BaseAddress is <see cref="BaseUrl"/> and which sends <paramref name="token"/> (the
    /// read-write token when null; empty for none).</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        token ??= Token;
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    // ---- seeding and inspection ------------------------------------------------------------------------------------

    /// <summary>A server; <paramref name="privateIps"/> are its addresses in private Networks 4711, 4712, … in order.</summary>
    public long AddServer(string name, string? ipv4, string? ipv6Network, IReadOnlyDictionary<string, string>? labels = null, long? id = null, string status = "running", IReadOnlyList<string>? privateIps = null)
    {
        lock (_gate)
        {
            var key = id ?? _nextId++;
            _servers[key] = new ServerState(key, name, ipv4, ipv6Network, new Dictionary<string, string>(labels ?? new Dictionary<string, string>()), _time.GetUtcNow())
            {
                Status = status,
                PrivateIps = [.. privateIps ?? []],
            };
            return key;
        }
    }

    public long AddFirewall(string name, IEnumerable<HzRule>? rules = null, IEnumerable<long>? servers = null, IEnumerable<string>? selectors = null, IReadOnlyDictionary<string, string>? labels = null, long? id = null)
    {
        lock (_gate)
        {
            var key = id ?? _nextId++;
            var state = new FirewallState(key, _time.GetUtcNow()) { Name = name };
            state.Rules.AddRange(rules ?? []);
            state.Servers.AddRange(servers ?? []);
            state.Selectors.AddRange(selectors ?? []);
            foreach (var (k, v) in labels ?? new Dictionary<string, string>())
            {
                state.Labels[k] = v;
            }
            _firewalls[key] = state;
            return key;
        }
    }

    /// <summary>Forgets every server, firewall, action, counter and pending fault (the clock and tokens stay).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _servers.Clear();
            _firewalls.Clear();
            _actions.Clear();
            _counts.Clear();
            _faults.Clear();
            _rateLimited = 0;
            _failActions = 0;
            Reads = 0;
            Writes = 0;
            RateLimitedRequests = 0;
        }
    }

    /// <summary>Seeds every server and firewall of a generated case (ids as in the case).</summary>
    public void Seed(HetznerCase input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var server in input.OtherServers.Prepend(input.Server))
        {
            AddServer(server.Name, server.Ipv4, server.Ipv6Network, server.Labels, server.Id);
        }
        foreach (var firewall in input.Firewalls)
        {
            AddFirewall(firewall.Name, firewall.Rules, firewall.AppliedServers, firewall.AppliedSelectors, firewall.Labels, firewall.Id);
        }
    }

    /// <summary>The fake's current state as a case about <paramref name="serverId"/> (to ask the oracle about what the
    /// product left behind).</summary>
    public HetznerCase Snapshot(long serverId, int seed = 0, bool smtpUnblocked = false)
    {
        lock (_gate)
        {
            var servers = _servers.Values.Select(s => new HzServer(s.Id, s.Name, s.Ipv4, s.Ipv6, new Dictionary<string, string>(s.Labels), smtpUnblocked && s.Id == serverId)).ToList();
            return new HetznerCase(seed, servers.Single(s => s.Id == serverId), [.. _firewalls.Values.Select(ToRecord)], [.. servers.Where(s => s.Id != serverId)]);
        }
    }

    public HzFirewall? GetFirewall(long id)
    {
        lock (_gate)
        {
            return _firewalls.TryGetValue(id, out var f) ? ToRecord(f) : null;
        }
    }

    public IReadOnlyList<HzFirewall> Firewalls()
    {
        lock (_gate)
        {
            return [.. _firewalls.Values.Select(ToRecord)];
        }
    }

    /// <summary>Requests that passed authentication for "METHOD /route/{id}/template" (e.g. "POST /firewalls/{id}/actions/set_rules").</summary>
    public int Count(string method, string route)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault($"{method} {route}");
        }
    }

    /// <summary>Actions still running.</summary>
    public int RunningActions
    {
        get
        {
            lock (_gate)
            {
                return _actions.Values.Count(a => a.Status == "running");
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests matching METHOD and route template fail with that status and code.</summary>
    public void FailNext(string method, string route, int count, string code = "server_error", int? status = null)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(method, route, status ?? HetznerErrors.Status(code), code) { Remaining = count });
        }
    }

    /// <summary>The next <paramref name="count"/> requests (any) are answered 429 rate_limit_exceeded.</summary>
    public void RateLimitNext(int count)
    {
        lock (_gate)
        {
            _rateLimited = count;
        }
    }

    /// <summary>The next <paramref name="count"/> actions created end in status "error" (code action_failed).</summary>
    public void FailNextActions(int count)
    {
        lock (_gate)
        {
            _failActions = count;
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        JsonNode? body = null;
        var bodyError = false;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(context.RequestAborted);
            if (text.Length > 0)
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    bodyError = true;
                }
            }
        }
        Reply reply;
        lock (_gate)
        {
            reply = Handle(request.Method, request.Path.Value ?? "", request.Query, request.Headers.Authorization.ToString(), body, bodyError);
        }
        var response = context.Response;
        response.StatusCode = reply.Status;
        var reset = _time.GetUtcNow().ToUnixTimeSeconds() + 3600;
        response.Headers["RateLimit-Limit"] = RateLimitPerHour.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = (reply.Status == 429 ? 0 : RateLimitPerHour - 1).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        if (reply.Link is not null)
        {
            response.Headers["Link"] = reply.Link;
        }
        if (reply.Body is not null)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(reply.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private sealed record Reply(int Status, JsonNode? Body, string? Link = null);

    private static Reply Error(string code, string message, JsonObject? details = null) =>
        new(HetznerErrors.Status(code), HetznerErrors.Body(code, message, details));

    private Reply Handle(string method, string path, IQueryCollection query, string authorization, JsonNode? body, bool bodyError)
    {
        if (_rateLimited > 0)
        {
            _rateLimited--;
            RateLimitedRequests++;
            return Error("rate_limit_exceeded", "limit of 3600 requests per hour reached");
        }
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;
        if (token != Token && token != ReadOnlyToken)
        {
            return Error("unauthorized", "unable to authenticate");
        }
        if (!path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return Error("not_found", "not found");
        }
        var segments = path["/v1/".Length..].TrimEnd('/').Split('/');
        var route = "/" + string.Join('/', segments.Select((s, i) => IsId(s) && i > 0 ? (i == 3 ? "{action_id}" : "{id}") : s));
        var write = method != "GET";
        if (write && token == ReadOnlyToken)
        {
            return Error("token_readonly", "The token is only allowed to perform GET requests");
        }
        var key = $"{method} {route}";
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
        if (write)
        {
            Writes++;
        }
        else
        {
            Reads++;
        }
        var fault = _faults.FirstOrDefault(f => f.Method == method && f.Route == route && f.Remaining > 0);
        if (fault is not null)
        {
            fault.Remaining--;
            return new Reply(fault.Status, HetznerErrors.Body(fault.Code, $"injected {fault.Code}"));
        }
        if (bodyError)
        {
            return Error("json_error", "invalid JSON in request body");
        }
        long Id(int i) => long.Parse(segments[i], CultureInfo.InvariantCulture);
        return (method, route) switch
        {
            ("GET", "/firewalls") => ListFirewalls(query),
            ("POST", "/firewalls") => CreateFirewall(body),
            ("GET", "/firewalls/{id}") => WithFirewall(Id(1), f => new Reply(200, new JsonObject { ["firewall"] = FirewallJson(f) })),
            ("PUT", "/firewalls/{id}") => WithFirewall(Id(1), f => UpdateFirewall(f, body)),
            ("DELETE", "/firewalls/{id}") => WithFirewall(Id(1), DeleteFirewall),
            ("GET", "/firewalls/{id}/actions") => WithFirewall(Id(1), f => ListActions(query, a => a.Resources.Contains((f.Id, "firewall")))),
            ("GET", "/firewalls/{id}/actions/{action_id}") => WithFirewall(Id(1), f => GetAction(Id(3), a => a.Resources.Contains((f.Id, "firewall")))),
            ("GET", "/firewalls/actions") => ListActions(query, a => a.Resources.Any(r => r.Type == "firewall")),
            ("GET", "/firewalls/actions/{id}") => GetAction(Id(2), a => a.Resources.Any(r => r.Type == "firewall")),
            ("GET", "/actions/{id}") => GetAction(Id(1), _ => true),
            ("POST", "/firewalls/{id}/actions/set_rules") => WithFirewall(Id(1), f => SetRules(f, body)),
            ("POST", "/firewalls/{id}/actions/apply_to_resources") => WithFirewall(Id(1), f => ApplyTo(f, body)),
            ("POST", "/firewalls/{id}/actions/remove_from_resources") => WithFirewall(Id(1), f => RemoveFrom(f, body)),
            ("GET", "/servers") => ListServers(query),
            ("GET", "/servers/{id}") => _servers.TryGetValue(Id(1), out var s)
                ? new Reply(200, new JsonObject { ["server"] = ServerJson(s) })
                : Error("not_found", "server not found"),
            _ => Error("not_found", $"no route {method} {route}"),
        };
    }

    private static bool IsId(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);

    private Reply WithFirewall(long id, Func<FirewallState, Reply> then) =>
        _firewalls.TryGetValue(id, out var f) ? then(f) : Error("not_found", "firewall not found");

    // ---- firewalls -------------------------------------------------------------------------------------------------

    private Reply ListFirewalls(IQueryCollection query)
    {
        IEnumerable<FirewallState> items = _firewalls.Values;
        if (query["name"].FirstOrDefault() is { } name)
        {
            items = items.Where(f => f.Name == name);
        }
        if (query["label_selector"].FirstOrDefault() is { } selector)
        {
            if (!LabelSelector.IsValid(selector))
            {
                return Error("invalid_input", "invalid label_selector", HetznerErrors.InvalidInput("label_selector", "is invalid"));
            }
            items = items.Where(f => LabelSelector.Matches(selector, f.Labels));
        }
        items = query["sort"].FirstOrDefault() switch
        {
            "name" or "name:asc" => items.OrderBy(f => f.Name, StringComparer.Ordinal),
            "name:desc" => items.OrderByDescending(f => f.Name, StringComparer.Ordinal),
            "id:desc" => items.OrderByDescending(f => f.Id),
            _ => items,
        };
        return Page("firewalls", "firewalls", [.. items.Select(FirewallJson)], query);
    }

    private Reply CreateFirewall(JsonNode? body)
    {
        if (body?["name"]?.GetValueKind() != JsonValueKind.String || body["name"]!.GetValue<string>().Length == 0)
        {
            return Error("invalid_input", "invalid input in field 'name'", HetznerErrors.InvalidInput("name", "is missing"));
        }
        var name = body["name"]!.GetValue<string>();
        if (_firewalls.Values.Any(f => f.Name == name))
        {
            return Error("uniqueness_error", "name is already used", new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["name"] = "name" }) });
        }
        if (_firewalls.Count >= MaxFirewallsPerProject)
        {
            return Error("resource_limit_exceeded", "firewall limit exceeded", HetznerErrors.Limit("firewall_limit"));
        }
        var rules = new List<HzRule>();
        if (body["rules"] is { } rulesNode && ParseRules(rulesNode, rules) is { } bad)
        {
            return bad;
        }
        var labels = new Dictionary<string, string>();
        if (body["labels"] is JsonObject labelsNode)
        {
            foreach (var (k, v) in labelsNode)
            {
                labels[k] = v?.GetValue<string>() ?? "";
            }
        }
        var state = new FirewallState(_nextId++, _time.GetUtcNow()) { Name = name };
        state.Rules.AddRange(rules);
        foreach (var (k, v) in labels)
        {
            state.Labels[k] = v;
        }
        var actions = new JsonArray();
        if (body["apply_to"] is JsonArray applyTo)
        {
            var serverIds = new HashSet<long>();
            foreach (var entry in applyTo)
            {
                if (entry?["type"]?.GetValue<string>() == "server" && entry["server"]?["id"]?.GetValue<long>() is { } sid && !serverIds.Add(sid))
                {
                    return Error("server_already_added", "server added more than one time to resource");
                }
            }
            _firewalls[state.Id] = state;
            var result = Apply(state, applyTo, actions);
            if (result is not null)
            {
                _firewalls.Remove(state.Id);
                return result;
            }
        }
        _firewalls[state.Id] = state;
        if (rules.Count > 0)
        {
            actions.Insert(0, NewAction("set_firewall_rules", [(state.Id, "firewall")]).Json());
        }
        return new Reply(201, new JsonObject { ["firewall"] = FirewallJson(state), ["actions"] = actions });
    }

    private Reply UpdateFirewall(FirewallState firewall, JsonNode? body)
    {
        if (body?["name"] is { } nameNode)
        {
            var name = nameNode.GetValue<string>();
            if (_firewalls.Values.Any(f => f.Name == name && f.Id != firewall.Id))
            {
                return Error("uniqueness_error", "name is already used", new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["name"] = "name" }) });
            }
            firewall.Name = name;
        }
        if (body?["labels"] is JsonObject labels)
        {
            firewall.Labels.Clear();
            foreach (var (k, v) in labels)
            {
                firewall.Labels[k] = v?.GetValue<string>() ?? "";
            }
        }
        return new Reply(200, new JsonObject { ["firewall"] = FirewallJson(firewall) });
    }

    private Reply DeleteFirewall(FirewallState firewall)
    {
        if (firewall.Servers.Count > 0 || firewall.Selectors.Count > 0)
        {
            return Error("resource_in_use", "firewall must not be in use to be deleted");
        }
        _firewalls.Remove(firewall.Id);
        return new Reply(204, null);
    }

    private Reply SetRules(FirewallState firewall, JsonNode? body)
    {
        if (body?["rules"] is not JsonArray rulesNode)
        {
            return Error("invalid_input", "invalid input in field 'rules'", HetznerErrors.InvalidInput("rules", "is missing"));
        }
        var rules = new List<HzRule>();
        if (ParseRules(rulesNode, rules) is { } bad)
        {
            return bad;
        }
        firewall.Rules.Clear();
        firewall.Rules.AddRange(rules);
        var actions = new JsonArray(NewAction("set_firewall_rules", [(firewall.Id, "firewall")]).Json());
        foreach (var server in ActiveServers(firewall))
        {
            actions.Add(NewAction("apply_firewall", [(firewall.Id, "firewall"), (server, "server")]).Json());
        }
        return new Reply(201, new JsonObject { ["actions"] = actions });
    }

    private Reply ApplyTo(FirewallState firewall, JsonNode? body)
    {
        if (body?["apply_to"] is not JsonArray applyTo)
        {
            return Error("invalid_input", "invalid input in field 'apply_to'", HetznerErrors.InvalidInput("apply_to", "is missing"));
        }
        var actions = new JsonArray();
        return Apply(firewall, applyTo, actions) ?? new Reply(201, new JsonObject { ["actions"] = actions });
    }

    /// <summary>Validates every entry first (all or nothing), then applies them; null when done.</summary>
    private Reply? Apply(FirewallState firewall, JsonArray applyTo, JsonArray actions)
    {
        var servers = new List<long>();
        var selectors = new List<string>();
        foreach (var entry in applyTo)
        {
            var type = entry?["type"]?.GetValue<string>();
            if (type == "server")
            {
                var id = entry!["server"]?["id"]?.GetValue<long>();
                if (id is null || !_servers.TryGetValue(id.Value, out var server))
                {
                    return Error("firewall_resource_not_found", "the resource the firewall should be attached to was not found");
                }
                if (firewall.Servers.Contains(id.Value) || servers.Contains(id.Value))
                {
                    return Error("firewall_already_applied", "firewall was already applied on resource");
                }
                if (server.Ipv4 is null && server.Ipv6 is null)
                {
                    return Error("private_net_only_server", "the server has no public interface");
                }
                servers.Add(id.Value);
            }
            else if (type == "label_selector")
            {
                var selector = entry!["label_selector"]?["selector"]?.GetValue<string>();
                if (selector is null || !LabelSelector.IsValid(selector))
                {
                    return Error("invalid_input", "invalid label selector", HetznerErrors.InvalidInput("apply_to", "invalid label selector"));
                }
                if (firewall.Selectors.Contains(selector))
                {
                    return Error("firewall_already_applied", "firewall was already applied on resource");
                }
                selectors.Add(selector);
            }
            else
            {
                return Error("invalid_input", "invalid resource type", HetznerErrors.InvalidInput("apply_to", "type must be server or label_selector"));
            }
        }
        var before = ActiveServers(firewall).ToHashSet();
        firewall.Servers.AddRange(servers);
        firewall.Selectors.AddRange(selectors);
        var over = _servers.Keys.FirstOrDefault(s => AppliedTo(s).Count > MaxFirewallsPerServer);
        if (over != 0)
        {
            firewall.Servers.RemoveRange(firewall.Servers.Count - servers.Count, servers.Count);
            firewall.Selectors.RemoveRange(firewall.Selectors.Count - selectors.Count, selectors.Count);
            return Error("resource_limit_exceeded", $"server {over.ToString(CultureInfo.InvariantCulture)} would have more than {MaxFirewallsPerServer} firewalls", HetznerErrors.Limit("firewalls_per_server"));
        }
        foreach (var server in ActiveServers(firewall).Where(s => !before.Contains(s)))
        {
            actions.Add(NewAction("apply_firewall", [(server, "server"), (firewall.Id, "firewall")]).Json());
        }
        return null;
    }

    private Reply RemoveFrom(FirewallState firewall, JsonNode? body)
    {
        if (body?["remove_from"] is not JsonArray removeFrom)
        {
            return Error("invalid_input", "invalid input in field 'remove_from'", HetznerErrors.InvalidInput("remove_from", "is missing"));
        }
        var servers = new List<long>();
        var selectors = new List<string>();
        foreach (var entry in removeFrom)
        {
            var type = entry?["type"]?.GetValue<string>();
            if (type == "server")
            {
                var id = entry!["server"]?["id"]?.GetValue<long>();
                if (id is null || !_servers.ContainsKey(id.Value))
                {
                    return Error("firewall_resource_not_found", "the resource the firewall should be detached from was not found");
                }
                if (!firewall.Servers.Contains(id.Value))
                {
                    return firewall.Selectors.Any(s => LabelSelector.Matches(s, _servers[id.Value].Labels))
                        ? Error("firewall_managed_by_label_selector", "firewall was applied via label selector and cannot be removed manually")
                        : Error("firewall_already_removed", "firewall was already removed from the resource");
                }
                servers.Add(id.Value);
            }
            else if (type == "label_selector")
            {
                var selector = entry!["label_selector"]?["selector"]?.GetValue<string>();
                if (selector is null || !firewall.Selectors.Contains(selector))
                {
                    return Error("firewall_already_removed", "firewall was already removed from the resource");
                }
                selectors.Add(selector);
            }
            else
            {
                return Error("invalid_input", "invalid resource type", HetznerErrors.InvalidInput("remove_from", "type must be server or label_selector"));
            }
        }
        var before = ActiveServers(firewall).ToList();
        firewall.Servers.RemoveAll(servers.Contains);
        firewall.Selectors.RemoveAll(selectors.Contains);
        var after = ActiveServers(firewall).ToHashSet();
        var actions = new JsonArray();
        foreach (var server in before.Where(s => !after.Contains(s)))
        {
            actions.Add(NewAction("remove_firewall", [(server, "server"), (firewall.Id, "firewall")]).Json());
        }
        return new Reply(201, new JsonObject { ["actions"] = actions });
    }

    private Reply? ParseRules(JsonNode rulesNode, List<HzRule> rules)
    {
        if (rulesNode is not JsonArray array)
        {
            return Error("invalid_input", "invalid input in field 'rules'", HetznerErrors.InvalidInput("rules", "must be an array"));
        }
        if (array.Count > MaxRulesPerFirewall)
        {
            return Error("resource_limit_exceeded", $"a firewall can have at most {MaxRulesPerFirewall} rules", HetznerErrors.Limit("rules_per_firewall"));
        }
        for (var i = 0; i < array.Count; i++)
        {
            var field = $"rules[{i.ToString(CultureInfo.InvariantCulture)}]";
            Reply Bad(string what, string message) => Error("invalid_input", $"invalid input in field '{field}.{what}': {message}", HetznerErrors.InvalidInput($"{field}.{what}", message));
            var node = array[i];
            var direction = node?["direction"]?.GetValue<string>();
            var protocol = node?["protocol"]?.GetValue<string>();
            if (direction is not ("in" or "out"))
            {
                return Bad("direction", "must be in or out");
            }
            if (protocol is null || !RuleProtocols.Contains(protocol))
            {
                return Bad("protocol", "must be one of tcp, udp, icmp, esp, gre");
            }
            var port = node!["port"]?.GetValue<string>();
            if (protocol is "tcp" or "udp")
            {
                if (port is null || !ValidPort(port))
                {
                    return Bad("port", "must be a port or a port range like 1024-5000");
                }
            }
            else if (port is not null)
            {
                return Bad("port", "is only applicable for protocols tcp and udp");
            }
            var sources = Strings(node["source_ips"]);
            var destinations = Strings(node["destination_ips"]);
            var peers = direction == "in" ? sources : destinations;
            var peerField = direction == "in" ? "source_ips" : "destination_ips";
            if ((direction == "in" ? destinations : sources).Count > 0)
            {
                return Bad(direction == "in" ? "destination_ips" : "source_ips", $"must be empty for direction {direction}");
            }
            if (peers.Count == 0)
            {
                return Bad(peerField, "is missing");
            }
            if (peers.Count > MaxCidrsPerRule)
            {
                return Bad(peerField, $"you can specify {MaxCidrsPerRule} CIDRs at most");
            }
            if (peers.FirstOrDefault(p => !HzNet.TryParseCidr(p, out _, out _)) is { } wrong)
            {
                return Bad(peerField, $"'{wrong}' is not a CIDR");
            }
            var description = node["description"]?.GetValue<string>();
            if (description is { Length: > 255 })
            {
                return Bad("description", "is too long");
            }
            rules.Add(new HzRule(direction, protocol, port, sources, destinations, description));
        }
        return null;
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(x => x?.GetValue<string>() ?? "")] : [];

    private static bool ValidPort(string port)
    {
        static bool One(string p, out int v) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v is >= 1 and <= 65535;
        var dash = port.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? One(port, out _) : One(port[..dash], out var low) && One(port[(dash + 1)..], out var high) && low <= high;
    }

    // ---- servers ---------------------------------------------------------------------------------------------------

    private Reply ListServers(IQueryCollection query)
    {
        IEnumerable<ServerState> items = _servers.Values;
        if (query["name"].FirstOrDefault() is { } name)
        {
            items = items.Where(s => s.Name == name);
        }
        if (query["label_selector"].FirstOrDefault() is { } selector)
        {
            if (!LabelSelector.IsValid(selector))
            {
                return Error("invalid_input", "invalid label_selector", HetznerErrors.InvalidInput("label_selector", "is invalid"));
            }
            items = items.Where(s => LabelSelector.Matches(selector, s.Labels));
        }
        var statuses = query["status"].OfType<string>().ToList();
        if (statuses.Count > 0)
        {
            items = items.Where(s => statuses.Contains(s.Status));
        }
        return Page("servers", "servers", [.. items.Select(ServerJson)], query);
    }

    /// <summary>The firewalls applied to a server, directly or by label selector.</summary>
    private List<FirewallState> AppliedTo(long serverId) =>
        [.. _firewalls.Values.Where(f => f.Servers.Contains(serverId) || f.Selectors.Any(s => LabelSelector.Matches(s, _servers[serverId].Labels)))];

    private IEnumerable<long> ActiveServers(FirewallState firewall) =>
        _servers.Values.Where(s => firewall.Servers.Contains(s.Id) || firewall.Selectors.Any(x => LabelSelector.Matches(x, s.Labels))).Select(s => s.Id);

    // ---- actions ---------------------------------------------------------------------------------------------------

    private ActionState NewAction(string command, List<(long Id, string Type)> resources)
    {
        var action = new ActionState(_nextActionId++, command, resources, _time.GetUtcNow()) { PollsLeft = ActionPollsBeforeDone };
        if (_failActions > 0)
        {
            _failActions--;
            action.Fails = true;
        }
        if (action.PollsLeft <= 0)
        {
            Finish(action);
        }
        _actions[action.Id] = action;
        return action;
    }

    private void Finish(ActionState action)
    {
        action.Status = action.Fails ? "error" : "success";
        action.Progress = 100;
        action.Finished = _time.GetUtcNow();
    }

    private Reply GetAction(long id, Func<ActionState, bool> belongs)
    {
        if (!_actions.TryGetValue(id, out var action) || !belongs(action))
        {
            return Error("not_found", "action not found");
        }
        if (action.Status == "running")
        {
            if (action.PollsLeft <= 0)
            {
                Finish(action);
            }
            else
            {
                action.PollsLeft--;
                action.Progress = 50;
            }
        }
        return new Reply(200, new JsonObject { ["action"] = action.Json() });
    }

    private Reply ListActions(IQueryCollection query, Func<ActionState, bool> belongs)
    {
        var statuses = query["status"].Where(s => s is not null).ToList();
        var items = _actions.Values.Where(belongs).Where(a => statuses.Count == 0 || statuses.Contains(a.Status));
        return Page("actions", "actions", [.. items.Select(a => (JsonNode)a.Json())], query);
    }

    // ---- pagination and JSON ---------------------------------------------------------------------------------------

    private Reply Page(string key, string path, List<JsonNode> all, IQueryCollection query)
    {
        static int Number(string? text, int fallback) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
        var perPage = Math.Min(Math.Min(MaxPerPage, MaxPageSize), Number(query["per_page"].FirstOrDefault(), DefaultPerPage));
        var page = Number(query["page"].FirstOrDefault(), 1);
        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var items = new JsonArray([.. all.Skip((page - 1) * perPage).Take(perPage)]);
        var pagination = new JsonObject
        {
            ["page"] = page,
            ["per_page"] = perPage,
            ["previous_page"] = page > 1 ? page - 1 : null,
            ["next_page"] = page < lastPage ? (NextPageRepeats ? page : page + 1) : null,
            ["last_page"] = lastPage,
            ["total_entries"] = all.Count,
        };
        string Url(int p) => $"<{new Uri(BaseUrl, path)}?page={p.ToString(CultureInfo.InvariantCulture)}&per_page={perPage.ToString(CultureInfo.InvariantCulture)}>";
        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"{Url(page - 1)}; rel=\"prev\"");
        }
        if (page < lastPage)
        {
            links.Add($"{Url(page + 1)}; rel=\"next\"");
        }
        links.Add($"{Url(lastPage)}; rel=\"last\"");
        return new Reply(200, new JsonObject { [key] = items, ["meta"] = new JsonObject { ["pagination"] = pagination } }, string.Join(", ", links));
    }

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    private JsonObject FirewallJson(FirewallState f)
    {
        var appliedTo = new JsonArray();
        foreach (var server in f.Servers)
        {
            appliedTo.Add(new JsonObject { ["type"] = "server", ["server"] = new JsonObject { ["id"] = server } });
        }
        foreach (var selector in f.Selectors)
        {
            var resources = new JsonArray([.. _servers.Values.Where(s => LabelSelector.Matches(selector, s.Labels))
                .Select(s => (JsonNode)new JsonObject { ["type"] = "server", ["server"] = new JsonObject { ["id"] = s.Id } })]);
            appliedTo.Add(new JsonObject
            {
                ["type"] = "label_selector",
                ["label_selector"] = new JsonObject { ["selector"] = selector },
                ["applied_to_resources"] = resources,
            });
        }
        return new JsonObject
        {
            ["id"] = f.Id,
            ["name"] = f.Name,
            ["labels"] = Labels(f.Labels),
            ["created"] = Time(f.Created),
            ["rules"] = new JsonArray([.. f.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["direction"] = r.Direction,
                ["source_ips"] = new JsonArray([.. r.SourceIps.Select(x => (JsonNode)JsonValue.Create(x))]),
                ["destination_ips"] = new JsonArray([.. r.DestinationIps.Select(x => (JsonNode)JsonValue.Create(x))]),
                ["protocol"] = r.Protocol,
                ["port"] = r.Port,
                ["description"] = r.Description,
            })]),
            ["applied_to"] = appliedTo,
        };
    }

    private JsonObject ServerJson(ServerState s)
    {
        var firewalls = new JsonArray([.. AppliedTo(s.Id).Select(f => (JsonNode)new JsonObject
        {
            ["id"] = f.Id,
            ["status"] = _actions.Values.Any(a => a.Status == "running" && a.Resources.Contains((s.Id, "server")) && a.Resources.Contains((f.Id, "firewall"))) ? "pending" : "applied",
        })]);
        return new JsonObject
        {
            ["id"] = s.Id,
            ["name"] = s.Name,
            ["status"] = s.Status,
            ["created"] = Time(s.Created),
            ["labels"] = Labels(s.Labels),
            ["public_net"] = new JsonObject
            {
                // The Primary IPs' own ids: numbered after the server's here.
                ["ipv4"] = s.Ipv4 is null ? null : new JsonObject { ["id"] = (s.Id * 10) + 4, ["ip"] = s.Ipv4, ["blocked"] = false, ["dns_ptr"] = $"static.{s.Ipv4}.clients.your-server.de" },
                ["ipv6"] = s.Ipv6 is null ? null : new JsonObject { ["id"] = (s.Id * 10) + 6, ["ip"] = s.Ipv6, ["blocked"] = false, ["dns_ptr"] = new JsonArray() },
                ["floating_ips"] = new JsonArray(),
                ["firewalls"] = firewalls,
            },
            ["private_net"] = new JsonArray([.. s.PrivateIps.Select((ip, i) => (JsonNode)new JsonObject
            {
                ["network"] = 4711 + i,
                ["ip"] = ip,
                ["alias_ips"] = new JsonArray(),
                ["mac_address"] = string.Create(CultureInfo.InvariantCulture, $"86:00:00:{s.Id % 256:x2}:{i % 256:x2}:01"),
            })]),
        };
    }

    private static JsonObject Labels(Dictionary<string, string> labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels)
        {
            o[k] = v;
        }
        return o;
    }

    private static HzFirewall ToRecord(FirewallState f) =>
        new(f.Id, f.Name, [.. f.Rules], [.. f.Servers], [.. f.Selectors], new Dictionary<string, string>(f.Labels));

    private sealed record ServerState(long Id, string Name, string? Ipv4, string? Ipv6, Dictionary<string, string> Labels, DateTimeOffset Created)
    {
        public string Status { get; init; } = "running";
        public List<string> PrivateIps { get; init; } = [];
    }

    private sealed class FirewallState(long id, DateTimeOffset created)
    {
        public long Id { get; } = id;
        public DateTimeOffset Created { get; } = created;
        public string Name { get; set; } = "";
        public Dictionary<string, string> Labels { get; } = [];
        public List<HzRule> Rules { get; } = [];
        public List<long> Servers { get; } = [];
        public List<string> Selectors { get; } = [];
    }

    private sealed class ActionState(long id, string command, List<(long Id, string Type)> resources, DateTimeOffset started)
    {
        public long Id { get; } = id;
        public string Command { get; } = command;
        public List<(long Id, string Type)> Resources { get; } = resources;
        public DateTimeOffset Started { get; } = started;
        public DateTimeOffset? Finished { get; set; }
        public string Status { get; set; } = "running";
        public int Progress { get; set; }
        public int PollsLeft { get; set; }
        public bool Fails { get; set; }

        public JsonObject Json() => new()
        {
            ["id"] = Id,
            ["command"] = Command,
            ["status"] = Status,
            ["progress"] = Progress,
            ["started"] = Time(Started),
            ["finished"] = Finished is { } f ? Time(f) : null,
            ["resources"] = new JsonArray([.. Resources.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["type"] = r.Type })]),
            ["error"] = Status == "error" ? new JsonObject { ["code"] = "action_failed", ["message"] = "Action failed" } : null,
        };
    }

    private sealed class Fault(string method, string route, int status, string code)
    {
        public string Method { get; } = method;
        public string Route { get; } = route;
        public int Status { get; } = status;
        public string Code { get; } = code;
        public int Remaining { get; set; }
    }
}
