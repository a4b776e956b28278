// An in-process fake of the DigitalOcean API v2 for what a firewall tool needs, with its own logic and state, written
// from the public OpenAPI description (github.com/digitalocean/openapi, commit 7c1300c4):
// - specification/resources/firewalls/*.yml (operationIds firewalls_list/get/create/update/delete, firewalls_add_rules,
//   firewalls_delete_rules, firewalls_assign_droplets, firewalls_delete_droplets, firewalls_add_tags,
//   firewalls_delete_tags; 202 on create, 200 on update, 204 with no body for delete and the sub-resources; "any
//   attributes that are not provided will be reset to their default values" on PUT), models/firewall.yml (id, name
//   pattern ^[a-zA-Z0-9][a-zA-Z0-9\.-]+$, status waiting/succeeded/failed, created_at, pending_changes
//   {droplet_id, removing, status}, droplet_ids, tags) and models/firewall_rule.yml (protocol tcp/udp/icmp; ports a port,
//   "8000-9000" or "0", ICMP's always "0"; sources/destinations: addresses, droplet_ids, load_balancer_uids,
//   kubernetes_ids, tags).
// - specification/resources/droplets/droplets_list.yml (tag_name, name: exact and case-insensitive, not combinable),
//   droplets_get.yml, droplets_list_firewalls.yml, responses/examples.yml (`networks.v4/v6` with type public/private;
//   droplets_tagged, the answer to tag_name=env:prod), models/droplet.yml (status new/active/off/archive).
// - specification/shared: parameters.yml (per_page default 20, max 200; page from 1), pages.yml (links.pages first/prev/
//   next/last), meta.yml (meta.total), models/error.yml ({id, message, request_id}), responses/unauthorized.yml (401
//   "unauthorized" "Unable to authenticate you."), forbidden.yml (403), not_found.yml (404 "not_found"),
//   bad_request.yml (400 "bad_request" "error parsing request body"), unprocessable_entity.yml (422),
//   too_many_requests.yml (429 "too_many_requests"), headers.yml (ratelimit-limit/-remaining/-reset).
// - specification/description.yml: "Links & Pagination" (no links when everything fits; only the links that make sense),
//   "Rate Limit" (5,000 per hour; 429 once ratelimit-remaining is 0; the burst limit adds retry-after).
// - Limits: docs.digitalocean.com/products/networking/firewalls/details/limits/ (10 Droplets and 5 tags per firewall,
//   50 incoming+outgoing rules per firewall, 1000 entries in a rule's sources or destinations; firewalls per Droplet
//   unlimited per www.digitalocean.com/community/tutorials/an-introduction-to-digitalocean-cloud-firewalls).
// Choices the documents leave open (the real API may differ): limit and validation failures answer 422
// "unprocessable_entity" naming the limit; unknown droplets/tags/load balancers/clusters in a body answer 422; adding a
// rule identical to an existing one, or deleting one that is absent, changes nothing; "all" ports are kept as sent;
// a change reads "waiting" for SettleAfterReads reads, then "succeeded" (or "failed" after FailNextApply).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Fake;

public sealed class DigitalOceanFake : IAsyncDisposable
{
    /// <summary>A token allowed everything.</summary>
    public const string ReadWriteToken = "dop_v1_fake0read0write";
    /// <summary>A token allowed reads only: writes answer 403.</summary>
    public const string ReadOnlyToken = "dop_v1_fake0read0only";

    public const int MaxRulesPerFirewall = 50;
    public const int MaxDropletsPerFirewall = 10;
    public const int MaxTagsPerFirewall = 5;
    public const int MaxEntriesPerRuleTarget = 1000;
    public const int HourlyLimit = 5000;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, bool> _tokens = new(StringComparer.Ordinal) { [ReadWriteToken] = false, [ReadOnlyToken] = true };
    private readonly List<DoDroplet> _droplets = [];
    private readonly HashSet<string> _tags = new(StringComparer.Ordinal);
    private readonly List<DoAddressedResource> _loadBalancers = [];
    private readonly List<DoAddressedResource> _clusters = [];
    private readonly List<FakeFirewall> _firewalls = [];
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<int>> _faults = new(StringComparer.Ordinal);
    private readonly Queue<int> _bursts = new();
    private WebApplication? _app;
    private int _requests;
    private int _ids;
    private bool _failNextApply;

    private DigitalOceanFake(TimeProvider time) => _time = time;

    /// <summary>The base address (API under /v2/), what a client's DIGITALOCEAN_API_URL would be.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Requests answered for a valid token, by method: GET = read, anything else = write.</summary>
    public int Reads { get; private set; }
    public int Writes { get; private set; }

    /// <summary>Reads after a change that still show "waiting" (0: changes settle at once).</summary>
    public int SettleAfterReads { get; set; } = 1;

    /// <summary>The most items a page holds whatever per_page asks (the documented maximum, 200; a test lowers it to see paging).</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>Where the links.pages URLs point (a misbehaving or hijacked API: another host); null: this fake.</summary>
    public Uri? LinksBase { get; set; }

    /// <summary>The hourly budget left; at 0 every request answers 429 (no retry-after: the hourly limit).</summary>
    public int RateLimitRemaining { get; set; } = HourlyLimit;

    public static async Task<DigitalOceanFake> StartAsync(TimeProvider? time = null)
    {
        var fake = new DigitalOceanFake(time ?? TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        fake._app = app;
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    // ---- seeding -------------------------------------------------------------------------------------------------

    public void AddToken(string token, bool readOnly)
    {
        lock (_gate)
        {
            _tokens[token] = readOnly;
        }
    }

    public DoDroplet AddDroplet(long id, string name, string? publicIPv4 = null, string? publicIPv6 = null, string? privateIPv4 = null, params string[] tags) =>
        AddDroplet(new DoDroplet(id, name, publicIPv4 is null ? [] : [publicIPv4], privateIPv4 is null ? [] : [privateIPv4], publicIPv6 is null ? [] : [publicIPv6], tags));

    public DoDroplet AddDroplet(DoDroplet droplet)
    {
        ArgumentNullException.ThrowIfNull(droplet);
        lock (_gate)
        {
            _droplets.RemoveAll(d => d.Id == droplet.Id);
            _droplets.Add(droplet);
            _tags.UnionWith(droplet.Tags);
        }
        return droplet;
    }

    /// <summary>A tag that exists without a droplet (tags must exist to be referenced).</summary>
    public void AddTag(string tag)
    {
        lock (_gate)
        {
            _tags.Add(tag);
        }
    }

    public void AddLoadBalancer(DoAddressedResource loadBalancer)
    {
        lock (_gate)
        {
            _loadBalancers.Add(loadBalancer);
        }
    }

    public void AddKubernetesCluster(DoAddressedResource cluster)
    {
        lock (_gate)
        {
            _clusters.Add(cluster);
        }
    }

    /// <summary>A firewall as it stands (settled), bypassing validation; its id is kept.</summary>
    public void AddFirewall(DoFirewall firewall)
    {
        ArgumentNullException.ThrowIfNull(firewall);
        lock (_gate)
        {
            _firewalls.RemoveAll(f => f.Id == firewall.Id);
            _firewalls.Add(new FakeFirewall
            {
                Id = firewall.Id,
                Name = firewall.Name,
                CreatedAt = _time.GetUtcNow(),
                Inbound = [.. firewall.Inbound],
                Outbound = [.. firewall.Outbound],
                DropletIds = [.. firewall.DropletIds],
                Tags = [.. firewall.Tags],
            });
            _tags.UnionWith(firewall.Tags);
            _tags.UnionWith(firewall.Inbound.Concat(firewall.Outbound).SelectMany(r => r.Target.Tags));
        }
    }

    /// <summary>Loads a generated or hand-written case: its droplets, load balancers, clusters and firewalls.</summary>
    public void Seed(DoCase input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var d in input.Droplets)
        {
            AddDroplet(d);
        }
        foreach (var lb in input.LoadBalancers)
        {
            AddLoadBalancer(lb);
        }
        foreach (var c in input.KubernetesClusters)
        {
            AddKubernetesCluster(c);
        }
        foreach (var f in input.Firewalls)
        {
            AddFirewall(f);
        }
    }

    // ---- inspection and faults -----------------------------------------------------------------------------------

    /// <summary>The firewalls as they stand now.</summary>
    public IReadOnlyList<DoFirewall> Firewalls
    {
        get
        {
            lock (_gate)
            {
                return _firewalls.Select(f => f.ToRecord()).ToList();
            }
        }
    }

    public string? StatusOf(string firewallId)
    {
        lock (_gate)
        {
            return _firewalls.FirstOrDefault(f => f.Id == firewallId)?.Status;
        }
    }

    /// <summary>Calls answered for a valid token, by OpenAPI operationId (e.g. "firewalls_add_rules").</summary>
    public int Calls(string operationId)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(operationId);
        }
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="operationId"/> answer <paramref name="status"/> with the documented error body.</summary>
    public void FailNext(string operationId, int count, int status)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(operationId, out var queue))
            {
                _faults[operationId] = queue = new Queue<int>();
            }
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(status);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests hit the burst limit: 429 with retry-after.</summary>
    public void RateLimitNext(int count, int retryAfterSeconds = 29)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _bursts.Enqueue(retryAfterSeconds);
            }
        }
    }

    /// <summary>The next change settles as "failed" instead of "succeeded".</summary>
    public void FailNextApply()
    {
        lock (_gate)
        {
            _failNextApply = true;
        }
    }

    /// <summary>Every pending change settles now.</summary>
    public void Settle()
    {
        lock (_gate)
        {
            foreach (var f in _firewalls)
            {
                f.WaitingReads = 0;
                Finish(f);
            }
        }
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    private sealed record Reply(int Status, JsonNode? Body, int? RetryAfter = null);

    private async Task HandleAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }
        Reply reply;
        int remaining;
        string requestId;
        lock (_gate)
        {
            _requests++;
            requestId = new Guid(_requests, 0, 0, new byte[8]).ToString();
            reply = Dispatch(context.Request, body);
            remaining = RateLimitRemaining;
        }
        var response = context.Response;
        response.Headers["ratelimit-limit"] = HourlyLimit.ToString(CultureInfo.InvariantCulture);
        response.Headers["ratelimit-remaining"] = (reply.Status == 429 ? 0 : remaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["ratelimit-reset"] = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["x-request-id"] = requestId;
        if (reply.RetryAfter is { } retry)
        {
            response.Headers["retry-after"] = retry.ToString(CultureInfo.InvariantCulture);
        }
        response.StatusCode = reply.Status;
        if (reply.Body is JsonObject json)
        {
            if (reply.Status >= 400)
            {
                json["request_id"] = requestId;
            }
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(json.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private Reply Dispatch(HttpRequest request, string body)
    {
        var auth = request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth["Bearer ".Length..].Trim(), out var readOnly))
        {
            return Error(401, "unauthorized", "Unable to authenticate you.");
        }
        if (_bursts.TryDequeue(out var retryAfter))
        {
            return Error(429, "too_many_requests", "API Rate limit exceeded.") with { RetryAfter = retryAfter };
        }
        if (RateLimitRemaining <= 0)
        {
            return Error(429, "too_many_requests", "API Rate limit exceeded.");
        }
        RateLimitRemaining--;
        var method = request.Method;
        var segments = (request.Path.Value ?? "").Trim('/').Split('/');
        var operation = Route(method, segments);
        if (operation is null)
        {
            return Error(404, "not_found", "The resource you requested could not be found.");
        }
        if (method == "GET")
        {
            Reads++;
        }
        else
        {
            Writes++;
        }
        _calls[operation] = _calls.GetValueOrDefault(operation) + 1;
        if (_faults.TryGetValue(operation, out var faults) && faults.TryDequeue(out var status))
        {
            return status == 429 ? Error(429, "too_many_requests", "API Rate limit exceeded.") : Error(status, ErrorId(status), $"injected failure of {operation}");
        }
        if (readOnly && method != "GET")
        {
            return Error(403, "forbidden", "You do not have access for the attempted action.");
        }
        JsonObject? json = null;
        if (method is "POST" or "PUT" or "DELETE" && (segments.Length > 3 || method != "DELETE"))
        {
            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }
            if (json is null)
            {
                return Error(400, "bad_request", "error parsing request body");
            }
        }
        try
        {
            return operation switch
            {
                "firewalls_list" => Page(request, "firewalls", _firewalls, Render),
                "firewalls_get" => Find(segments[2]) is { } f ? new Reply(200, new JsonObject { ["firewall"] = Render(f) }) : NotFound(),
                "firewalls_create" => Create(json!),
                "firewalls_update" => Find(segments[2]) is { } f ? Update(f, json!) : NotFound(),
                "firewalls_delete" => Find(segments[2]) is { } f ? Delete(f) : NotFound(),
                "firewalls_add_rules" or "firewalls_delete_rules" => Find(segments[2]) is { } f ? Rules(f, json!, operation == "firewalls_add_rules") : NotFound(),
                "firewalls_assign_droplets" or "firewalls_delete_droplets" => Find(segments[2]) is { } f ? Droplets(f, json!, operation == "firewalls_assign_droplets") : NotFound(),
                "firewalls_add_tags" or "firewalls_delete_tags" => Find(segments[2]) is { } f ? Tags(f, json!, operation == "firewalls_add_tags") : NotFound(),
                "droplets_list" => ListDroplets(request),
                "droplets_get" => DropletById(segments[2]) is { } d ? new Reply(200, new JsonObject { ["droplet"] = Render(d) }) : NotFound(),
                "droplets_list_firewalls" => DropletById(segments[2]) is { } d
                    ? Page(request, "firewalls", _firewalls.Where(f => AppliesTo(f, d)).ToList(), Render)
                    : NotFound(),
                "load_balancers_get" => _loadBalancers.FirstOrDefault(l => l.Id == segments[2]) is { } lb ? new Reply(200, new JsonObject { ["load_balancer"] = Render(lb) }) : NotFound(),
                _ => NotFound(),
            };
        }
        catch (InvalidInputException e)
        {
            return Error(422, "unprocessable_entity", e.Message);
        }
    }

    private static string? Route(string method, string[] s)
    {
        if (s.Length < 2 || s[0] != "v2")
        {
            return null;
        }
        return (method, s[1], s.Length) switch
        {
            ("GET", "firewalls", 2) => "firewalls_list",
            ("POST", "firewalls", 2) => "firewalls_create",
            ("GET", "firewalls", 3) => "firewalls_get",
            ("PUT", "firewalls", 3) => "firewalls_update",
            ("DELETE", "firewalls", 3) => "firewalls_delete",
            ("POST", "firewalls", 4) when s[3] == "rules" => "firewalls_add_rules",
            ("DELETE", "firewalls", 4) when s[3] == "rules" => "firewalls_delete_rules",
            ("POST", "firewalls", 4) when s[3] == "droplets" => "firewalls_assign_droplets",
            ("DELETE", "firewalls", 4) when s[3] == "droplets" => "firewalls_delete_droplets",
            ("POST", "firewalls", 4) when s[3] == "tags" => "firewalls_add_tags",
            ("DELETE", "firewalls", 4) when s[3] == "tags" => "firewalls_delete_tags",
            ("GET", "droplets", 2) => "droplets_list",
            ("GET", "droplets", 3) => "droplets_get",
            ("GET", "droplets", 4) when s[3] == "firewalls" => "droplets_list_firewalls",
            ("GET", "load_balancers", 3) => "load_balancers_get",
            _ => null,
        };
    }

    private static string ErrorId(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "unprocessable_entity",
        429 => "too_many_requests",
        _ => "server_error",
    };

    private static Reply Error(int status, string id, string message) => new(status, new JsonObject { ["id"] = id, ["message"] = message });

    private static Reply NotFound() => Error(404, "not_found", "The resource you requested could not be found.");

    private FakeFirewall? Find(string id) => _firewalls.FirstOrDefault(f => f.Id == id);

    private DoDroplet? DropletById(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? _droplets.FirstOrDefault(d => d.Id == n) : null;

    private static bool AppliesTo(FakeFirewall f, DoDroplet d) => f.DropletIds.Contains(d.Id) || f.Tags.Any(t => d.Tags.Contains(t));

    // ---- firewalls -----------------------------------------------------------------------------------------------

    private Reply Create(JsonObject json)
    {
        var f = new FakeFirewall { Id = NewId(), Name = "", CreatedAt = _time.GetUtcNow() };
        Apply(f, json);
        _firewalls.Add(f);
        Changed(f, []);
        return new Reply(202, new JsonObject { ["firewall"] = Render(f, read: false) });
    }

    private Reply Update(FakeFirewall f, JsonObject json)
    {
        var before = Covered(f);
        var copy = new FakeFirewall { Id = f.Id, Name = f.Name, CreatedAt = f.CreatedAt };
        Apply(copy, json);
        f.Name = copy.Name;
        f.Inbound = copy.Inbound;
        f.Outbound = copy.Outbound;
        f.DropletIds = copy.DropletIds;
        f.Tags = copy.Tags;
        Changed(f, before);
        return new Reply(200, new JsonObject { ["firewall"] = Render(f, read: false) });
    }

    private Reply Delete(FakeFirewall f)
    {
        _firewalls.Remove(f);
        return new Reply(204, null);
    }

    /// <summary>Validates a full representation (create, PUT) into <paramref name="f"/>; absent attributes reset.</summary>
    private void Apply(FakeFirewall f, JsonObject json)
    {
        var name = json["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (name is null)
        {
            throw new InvalidInputException("name is required");
        }
        if (!ValidName(name))
        {
            throw new InvalidInputException($"name \"{name}\" is invalid: it must begin with an alphanumeric character followed by alphanumerics, '.' or '-'");
        }
        var inbound = ParseRules(json, "inbound_rules", "sources");
        var outbound = ParseRules(json, "outbound_rules", "destinations");
        if (inbound.Count + outbound.Count == 0)
        {
            throw new InvalidInputException("a firewall must have at least one inbound or outbound rule");
        }
        CheckRuleCount(inbound.Count + outbound.Count);
        var dropletIds = Longs(json, "droplet_ids").Distinct().ToList();
        var tags = Strings(json, "tags").Distinct(StringComparer.Ordinal).ToList();
        CheckDroplets(dropletIds);
        CheckTags(tags);
        f.Name = name;
        f.Inbound = inbound;
        f.Outbound = outbound;
        f.DropletIds = dropletIds;
        f.Tags = tags;
    }

    private Reply Rules(FakeFirewall f, JsonObject json, bool add)
    {
        if (json["inbound_rules"] is null && json["outbound_rules"] is null)
        {
            throw new InvalidInputException("inbound_rules or outbound_rules is required");
        }
        var inbound = ParseRules(json, "inbound_rules", "sources");
        var outbound = ParseRules(json, "outbound_rules", "destinations");
        var newInbound = Merge(f.Inbound, inbound, add);
        var newOutbound = Merge(f.Outbound, outbound, add);
        CheckRuleCount(newInbound.Count + newOutbound.Count);
        var changed = newInbound.Count != f.Inbound.Count || newOutbound.Count != f.Outbound.Count;
        f.Inbound = newInbound;
        f.Outbound = newOutbound;
        if (changed)
        {
            Changed(f, Covered(f));
        }
        return new Reply(204, null);
    }

    private static List<DoRule> Merge(List<DoRule> existing, List<DoRule> given, bool add)
    {
        var result = new List<DoRule>(existing);
        foreach (var rule in given)
        {
            var index = result.FindIndex(r => SameRule(r, rule));
            if (add && index < 0)
            {
                result.Add(rule);
            }
            else if (!add && index >= 0)
            {
                result.RemoveAt(index);
            }
        }
        return result;
    }

    /// <summary>The same protocol, ports and the same sets of targets (order does not matter).</summary>
    private static bool SameRule(DoRule a, DoRule b) =>
        a.Protocol == b.Protocol && a.Ports == b.Ports
        && SameSet(a.Target.Addresses.Select(CanonicalAddress), b.Target.Addresses.Select(CanonicalAddress))
        && SameSet(a.Target.DropletIds.Select(i => i.ToString(CultureInfo.InvariantCulture)), b.Target.DropletIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))
        && SameSet(a.Target.Tags, b.Target.Tags)
        && SameSet(a.Target.LoadBalancerUids, b.Target.LoadBalancerUids)
        && SameSet(a.Target.KubernetesIds, b.Target.KubernetesIds);

    private static bool SameSet(IEnumerable<string> a, IEnumerable<string> b) =>
        new HashSet<string>(a, StringComparer.Ordinal).SetEquals(b);

    private static string CanonicalAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(slash < 0 ? text : text[..slash]);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return $"{address}/{(slash < 0 ? bits.ToString(CultureInfo.InvariantCulture) : text[(slash + 1)..])}";
    }

    private Reply Droplets(FakeFirewall f, JsonObject json, bool add)
    {
        if (json["droplet_ids"] is not JsonArray)
        {
            throw new InvalidInputException("droplet_ids is required");
        }
        var ids = Longs(json, "droplet_ids");
        CheckDroplets(ids);
        var before = Covered(f);
        var result = add ? f.DropletIds.Union(ids).ToList() : f.DropletIds.Except(ids).ToList();
        if (result.Count > MaxDropletsPerFirewall)
        {
            throw new InvalidInputException($"a firewall can be applied to at most {MaxDropletsPerFirewall} Droplets; tag them and add the tag instead");
        }
        if (result.Count != f.DropletIds.Count)
        {
            f.DropletIds = result;
            Changed(f, before);
        }
        return new Reply(204, null);
    }

    private Reply Tags(FakeFirewall f, JsonObject json, bool add)
    {
        if (json["tags"] is not JsonArray)
        {
            throw new InvalidInputException("tags is required");
        }
        var tags = Strings(json, "tags");
        CheckTags(tags);
        var before = Covered(f);
        var result = add ? f.Tags.Union(tags, StringComparer.Ordinal).ToList() : f.Tags.Except(tags, StringComparer.Ordinal).ToList();
        if (result.Count > MaxTagsPerFirewall)
        {
            throw new InvalidInputException($"a firewall can have at most {MaxTagsPerFirewall} tags");
        }
        if (result.Count != f.Tags.Count)
        {
            f.Tags = result;
            Changed(f, before);
        }
        return new Reply(204, null);
    }

    private List<long> Covered(FakeFirewall f) => _droplets.Where(d => AppliesTo(f, d)).Select(d => d.Id).ToList();

    /// <summary>A change: "waiting" with pending_changes for every droplet covered now (and those just uncovered, removing).</summary>
    private void Changed(FakeFirewall f, List<long> before)
    {
        var now = Covered(f);
        f.Pending = [.. now.Select(id => (id, false)), .. before.Except(now).Select(id => (id, true))];
        f.SettlesFailed = _failNextApply;
        _failNextApply = false;
        f.WaitingReads = SettleAfterReads;
        if (f.WaitingReads == 0)
        {
            Finish(f);
        }
    }

    private static void Finish(FakeFirewall f)
    {
        f.Failed = f.SettlesFailed;
        if (!f.Failed)
        {
            f.Pending = [];
        }
    }

    private void CheckRuleCount(int count)
    {
        if (count > MaxRulesPerFirewall)
        {
            throw new InvalidInputException($"a firewall can have at most {MaxRulesPerFirewall} inbound and outbound rules in total ({count} given)");
        }
    }

    private void CheckDroplets(List<long> ids)
    {
        if (ids.Count > MaxDropletsPerFirewall)
        {
            throw new InvalidInputException($"a firewall can be applied to at most {MaxDropletsPerFirewall} Droplets; tag them and add the tag instead");
        }
        foreach (var id in ids.Where(id => _droplets.All(d => d.Id != id)))
        {
            throw new InvalidInputException($"droplet {id} not found");
        }
    }

    private void CheckTags(List<string> tags)
    {
        if (tags.Count > MaxTagsPerFirewall)
        {
            throw new InvalidInputException($"a firewall can have at most {MaxTagsPerFirewall} tags");
        }
        foreach (var tag in tags.Where(t => !_tags.Contains(t)))
        {
            throw new InvalidInputException($"tag \"{tag}\" not found");
        }
    }

    private static bool ValidName(string name) =>
        name.Length >= 2 && char.IsAsciiLetterOrDigit(name[0]) && name.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    private List<DoRule> ParseRules(JsonObject json, string key, string targetKey)
    {
        var node = json[key];
        if (node is null)
        {
            return [];
        }
        if (node is not JsonArray array)
        {
            throw new InvalidInputException($"{key} must be an array");
        }
        var rules = new List<DoRule>();
        foreach (var item in array)
        {
            if (item is not JsonObject rule)
            {
                throw new InvalidInputException($"{key} must hold objects");
            }
            var protocol = rule["protocol"] is JsonValue p && p.TryGetValue<string>(out var ps) ? ps : null;
            if (protocol is not ("tcp" or "udp" or "icmp"))
            {
                throw new InvalidInputException($"protocol \"{protocol}\" is invalid: it must be tcp, udp or icmp");
            }
            var ports = rule["ports"] is JsonValue pv && pv.TryGetValue<string>(out var pvs) ? pvs : null;
            if (protocol == "icmp")
            {
                ports = "0";
            }
            else if (ports is null || !ValidPorts(ports))
            {
                throw new InvalidInputException($"ports \"{ports}\" is invalid: give a port, a range such as 8000-9000, or 0/all");
            }
            if (rule[targetKey] is not JsonObject target)
            {
                throw new InvalidInputException($"{targetKey} is required");
            }
            var parsed = new DoTarget(
                Strings(target, "addresses"),
                Longs(target, "droplet_ids"),
                Strings(target, "tags"),
                Strings(target, "load_balancer_uids"),
                Strings(target, "kubernetes_ids"));
            if (parsed.Count == 0)
            {
                throw new InvalidInputException($"{targetKey} must name at least one address, droplet, tag, load balancer or cluster");
            }
            if (parsed.Count > MaxEntriesPerRuleTarget)
            {
                throw new InvalidInputException($"{targetKey} can hold at most {MaxEntriesPerRuleTarget} entries ({parsed.Count} given); use tags or network ranges");
            }
            foreach (var a in parsed.Addresses.Where(a => !ValidAddress(a)))
            {
                throw new InvalidInputException($"address \"{a}\" is invalid: give an IPv4/IPv6 address or CIDR");
            }
            foreach (var id in parsed.DropletIds.Where(id => _droplets.All(d => d.Id != id)))
            {
                throw new InvalidInputException($"droplet {id} not found");
            }
            foreach (var tag in parsed.Tags.Where(t => !_tags.Contains(t)))
            {
                throw new InvalidInputException($"tag \"{tag}\" not found");
            }
            foreach (var lb in parsed.LoadBalancerUids.Where(l => _loadBalancers.All(x => x.Id != l)))
            {
                throw new InvalidInputException($"load balancer {lb} not found");
            }
            foreach (var k in parsed.KubernetesIds.Where(k => _clusters.All(x => x.Id != k)))
            {
                throw new InvalidInputException($"kubernetes cluster {k} not found");
            }
            rules.Add(new DoRule(protocol, ports, parsed));
        }
        return rules;
    }

    private static bool ValidPorts(string ports)
    {
        if (ports is "0" or "all")
        {
            return true;
        }
        var parts = ports.Split('-');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit) || p.Length > 5))
        {
            return false;
        }
        var low = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var high = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        return low is >= 1 and <= 65535 && high is >= 1 and <= 65535 && low <= high;
    }

    private static bool ValidAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        if (slash < 0)
        {
            return true;
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = text[(slash + 1)..];
        return prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit) && int.Parse(prefix, CultureInfo.InvariantCulture) <= max;
    }

    private static List<string> Strings(JsonObject json, string key) =>
        json[key] switch
        {
            null => [],
            JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new InvalidInputException($"{key} must hold strings")).ToList(),
            _ => throw new InvalidInputException($"{key} must be an array"),
        };

    private static List<long> Longs(JsonObject json, string key) =>
        json[key] switch
        {
            null => [],
            JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : throw new InvalidInputException($"{key} must hold integers")).ToList(),
            _ => throw new InvalidInputException($"{key} must be an array"),
        };

    private string NewId()
    {
        _ids++;
        return new Guid(0x0dfc0000 + _ids, 0x3d72, 0x467b, 0x86, 0x02, 0x28, 0x03, 0x30, 0xec, 0xd6, 0x5c).ToString();
    }

    // ---- rendering -----------------------------------------------------------------------------------------------

    /// <summary>A firewall as the API shows it; a read while waiting counts toward settling.</summary>
    private JsonObject Render(FakeFirewall f) => Render(f, read: true);

    private JsonObject Render(FakeFirewall f, bool read)
    {
        var json = new JsonObject
        {
            ["id"] = f.Id,
            ["name"] = f.Name,
            ["status"] = f.Status,
            ["inbound_rules"] = new JsonArray([.. f.Inbound.Select(r => Render(r, "sources"))]),
            ["outbound_rules"] = new JsonArray([.. f.Outbound.Select(r => Render(r, "destinations"))]),
            ["created_at"] = f.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["droplet_ids"] = new JsonArray([.. f.DropletIds.Select(i => (JsonNode)i)]),
            ["tags"] = new JsonArray([.. f.Tags.Select(t => (JsonNode)t)]),
            ["pending_changes"] = new JsonArray([.. f.Pending.Select(p => (JsonNode)new JsonObject
            {
                ["droplet_id"] = p.DropletId,
                ["removing"] = p.Removing,
                ["status"] = f.WaitingReads > 0 ? "waiting" : "failed",
            })]),
        };
        if (read && f.WaitingReads > 0)
        {
            f.WaitingReads--;
            if (f.WaitingReads == 0)
            {
                Finish(f);
            }
        }
        return json;
    }

    private static JsonObject Render(DoRule rule, string targetKey)
    {
        var target = new JsonObject();
        if (rule.Target.Addresses.Count > 0)
        {
            target["addresses"] = new JsonArray([.. rule.Target.Addresses.Select(a => (JsonNode)a)]);
        }
        if (rule.Target.DropletIds.Count > 0)
        {
            target["droplet_ids"] = new JsonArray([.. rule.Target.DropletIds.Select(a => (JsonNode)a)]);
        }
        if (rule.Target.LoadBalancerUids.Count > 0)
        {
            target["load_balancer_uids"] = new JsonArray([.. rule.Target.LoadBalancerUids.Select(a => (JsonNode)a)]);
        }
        if (rule.Target.KubernetesIds.Count > 0)
        {
            target["kubernetes_ids"] = new JsonArray([.. rule.Target.KubernetesIds.Select(a => (JsonNode)a)]);
        }
        if (rule.Target.Tags.Count > 0)
        {
            target["tags"] = new JsonArray([.. rule.Target.Tags.Select(a => (JsonNode)a)]);
        }
        return new JsonObject { ["protocol"] = rule.Protocol, ["ports"] = rule.Ports, [targetKey] = target };
    }

    private static JsonObject Render(DoDroplet d)
    {
        JsonNode V4(string ip, string type) => new JsonObject
        {
            ["ip_address"] = ip,
            ["netmask"] = type == "public" ? "255.255.240.0" : "255.255.0.0",
            ["gateway"] = type == "public" ? ip[..(ip.LastIndexOf('.') + 1)] + "1" : null,
            ["type"] = type,
        };
        return new JsonObject
        {
            ["id"] = d.Id,
            ["name"] = d.Name,
            ["status"] = d.Status,
            ["networks"] = new JsonObject
            {
                ["v4"] = new JsonArray([.. d.PrivateIPv4.Select(ip => V4(ip, "private")), .. d.PublicIPv4.Select(ip => V4(ip, "public"))]),
                ["v6"] = new JsonArray([.. d.PublicIPv6.Select(ip => (JsonNode)new JsonObject { ["ip_address"] = ip, ["netmask"] = 64, ["gateway"] = null, ["type"] = "public" })]),
            },
            ["tags"] = new JsonArray([.. d.Tags.Select(t => (JsonNode)t)]),
        };
    }

    private static JsonObject Render(DoAddressedResource lb) => new()
    {
        ["id"] = lb.Id,
        ["name"] = "lb-" + lb.Id[..8],
        ["ip"] = lb.Addresses.FirstOrDefault(a => !a.Contains(':', StringComparison.Ordinal)) ?? "",
        ["ipv6"] = lb.Addresses.FirstOrDefault(a => a.Contains(':', StringComparison.Ordinal)) ?? "",
        ["status"] = "active",
    };

    private Reply ListDroplets(HttpRequest request)
    {
        var name = request.Query["name"].ToString();
        var tag = request.Query["tag_name"].ToString();
        if (name.Length > 0 && tag.Length > 0)
        {
            throw new InvalidInputException("name and tag_name can not be combined");
        }
        var droplets = _droplets
            .Where(d => name.Length == 0 || string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
            .Where(d => tag.Length == 0 || d.Tags.Contains(tag))
            .ToList();
        return Page(request, "droplets", droplets, Render);
    }

    /// <summary>One page of <paramref name="items"/> with links.pages (only those that make sense) and meta.total.</summary>
    private Reply Page<T>(HttpRequest request, string key, List<T> items, Func<T, JsonObject> render)
    {
        var perPage = 20;
        var page = 1;
        if (request.Query.TryGetValue("per_page", out var pp) && (!int.TryParse(pp, NumberStyles.None, CultureInfo.InvariantCulture, out perPage) || perPage < 1))
        {
            throw new InvalidInputException("per_page must be a positive integer");
        }
        if (request.Query.TryGetValue("page", out var pg) && (!int.TryParse(pg, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            throw new InvalidInputException("page must be a positive integer");
        }
        perPage = Math.Min(perPage, Math.Min(200, MaxPageSize));
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var shown = items.Skip((page - 1) * perPage).Take(perPage).Select(i => (JsonNode)render(i)).ToArray();
        var pages = new JsonObject();
        string Link(int n)
        {
            var query = string.Join('&', request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={n}"));
            return new Uri(LinksBase ?? Url, request.Path.Value!.TrimStart('/') + "?" + query).ToString();
        }
        if (page > 1)
        {
            pages["first"] = Link(1);
            pages["prev"] = Link(Math.Min(page - 1, last));
        }
        if (page < last)
        {
            pages["last"] = Link(last);
            pages["next"] = Link(page + 1);
        }
        var links = new JsonObject();
        if (pages.Count > 0)
        {
            links["pages"] = pages;
        }
        return new Reply(200, new JsonObject
        {
            [key] = new JsonArray(shown),
            ["links"] = links,
            ["meta"] = new JsonObject { ["total"] = items.Count },
        });
    }

    private sealed class InvalidInputException(string message) : Exception(message);
}
