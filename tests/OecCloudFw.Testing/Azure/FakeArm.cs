using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OecCloudFw.Azure;

namespace OecCloudFw.Testing.Azure;

/// <summary>
/// An in-process Azure Resource Manager endpoint over TLS on loopback that speaks ARM JSON: the real shapes of
/// networkSecurityGroups (defaultSecurityRules, provisioningState, networkInterfaces, subnets) and securityRules,
/// virtualMachines, networkInterfaces (with application security groups on their IP configurations), subnets and
/// publicIPAddresses (SKU, version); long-running PUT/DELETE (201/202 with Azure-AsyncOperation or
/// Location, then Succeeded); ARM error bodies (SecurityRuleConflict, AuthorizationFailed, ResourceNotFound,
/// ResourceGroupNotFound); throttling with Retry-After. It keeps state and counts calls.
/// It also lists virtual machines (a subscription's with <c>statusOnly=true</c>, a resource group's with
/// <c>$expand=instanceView</c>: each VM's power state in its instance view), <see cref="PageSize"/> at a time with a
/// <c>nextLink</c> to the rest, as Compute's VirtualMachines_ListAll and VirtualMachines_List do.
/// </summary>
public sealed class FakeArm : IAsyncDisposable
{
    public const string Subscription = "00000000-0000-0000-0000-000000000001";
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, JsonObject> _resources = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Method, int Status)> _faults = new();
    private readonly Dictionary<string, string> _powerStates = new(StringComparer.OrdinalIgnoreCase);
    private int _reads;
    private int _writes;
    private int _polls;
    private int _throttled;

    private FakeArm(WebApplication app) => _app = app;

    public required Uri Url { get; init; }

    public int Reads => _reads;

    public int Writes => _writes;

    public int Polls => _polls;

    /// <summary>Requests answered with an injected fault (429 or 5xx).</summary>
    public int Throttled => _throttled;

    /// <summary>The bearer token of the last request (which credential the caller used).</summary>
    public string? LastBearerToken { get; private set; }

    /// <summary>How many times an operation reports InProgress before Succeeded.</summary>
    public int PollsBeforeDone { get; set; } = 1;

    /// <summary>Actions the caller's identity lacks (e.g. Microsoft.Network/networkSecurityGroups/securityRules/write).</summary>
    public HashSet<string> DeniedActions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many VMs a page of a listing holds (ARM's pages are larger; a small one makes every listing page).</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>Where a listing's nextLink points (scheme and authority), when not at this fake: an ARM that misbehaves.</summary>
    public string? NextLinkAuthority { get; set; }

    /// <summary>A listing's page answered 200 with a body that is not JSON (a proxy's error page): an ARM path that misbehaves.</summary>
    public bool ListingBodyBroken { get; set; }

    /// <summary>Runs before each request is handled (method, path), e.g. to simulate a concurrent change.</summary>
    public Action<string, string>? BeforeRequest { get; set; }

    public static async Task<FakeArm> StartAsync()
    {
        FakeArm? fake = null;
        var (app, url) = await LoopbackServer.StartAsync(context => fake!.HandleAsync(context), TestCertificate.Certificate);
        fake = new FakeArm(app) { Url = url };
        return fake;
    }

    /// <summary>The connection the tool uses against this fake: a test credential and a transport that trusts only the test certificate.</summary>
    public AzureConnection Connection()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == TestCertificate.Certificate.Thumbprint,
        };
        return new AzureConnection(new TestCredential(), new HttpClientTransport(handler));
    }

    /// <summary>The test credential over the default transport, which does not trust the test certificate (as on a machine without it).</summary>
    public static AzureConnection UntrustingConnection() => new(new TestCredential());

    public void ResetCounts()
    {
        _reads = 0;
        _writes = 0;
        _polls = 0;
    }

    /// <summary>Serves <paramref name="body"/> as the resource at its own "id" (a published example payload, say).</summary>
    public void PutResource(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var id = body["id"]!.GetValue<string>();
        lock (_gate)
        {
            _groups.Add(id.Split('/')[4]);
            _resources[id] = (JsonObject)body.DeepClone();
        }
    }

    /// <summary>The default security rules this fake gives every NSG.</summary>
    public JsonArray DefaultRules(string nsgId)
    {
        lock (_gate)
        {
            return (JsonArray)_resources[nsgId]["properties"]!["defaultSecurityRules"]!.DeepClone();
        }
    }

    /// <summary>The next request of this method fails with this status (429 carries Retry-After: 1).</summary>
    public void Inject(string method, int status) => _faults.Enqueue((method, status));

    public string Id(string group, string type, string name) =>
        $"/subscriptions/{Subscription}/resourceGroups/{group}/providers/{type}/{name}";

    /// <summary>An NSG with Azure's six default rules and the given custom rules (name, priority, access, protocol, sources, ports).</summary>
    public string AddNsg(string group, string name, params JsonObject[] rules)
    {
        var id = Id(group, "Microsoft.Network/networkSecurityGroups", name);
        lock (_gate)
        {
            _groups.Add(group);
            _resources[id] = new JsonObject
            {
                ["name"] = name,
                ["id"] = id,
                ["etag"] = $"W/\"{Guid.NewGuid()}\"",
                ["type"] = "Microsoft.Network/networkSecurityGroups",
                ["location"] = "westeurope",
                ["properties"] = new JsonObject
                {
                    ["provisioningState"] = "Succeeded",
                    ["resourceGuid"] = Guid.NewGuid().ToString(),
                    ["securityRules"] = new JsonArray([.. rules.Select(r => Rule(id, r))]),
                    ["defaultSecurityRules"] = new JsonArray(
                        // As ARM returns them (Microsoft's published NetworkSecurityGroupGet example).
                        Default(id, "AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
                        Default(id, "AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
                        Default(id, "DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
                        Default(id, "AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
                        Default(id, "AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
                        Default(id, "DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*")),
                },
            };
        }

        return id;
    }

    /// <summary>
    /// A VM with one NIC in a subnet; either may have an NSG. The NIC has a public IPv4 address of this SKU ("Standard",
    /// "Basic"), or none when <paramref name="publicIpSku"/> is null.
    /// </summary>
    /// <param name="group">Its resource group.</param>
    /// <param name="vm">Its name.</param>
    /// <param name="nicNsgId">The NSG on its NIC.</param>
    /// <param name="subnetNsgId">The NSG on its subnet.</param>
    /// <param name="publicIpSku">The SKU of its NIC's public IP address; null: none.</param>
    /// <param name="tags">Its tags (name → value).</param>
    /// <param name="powerState">What its instance view says (PowerState/…): "running", "deallocated", "stopped", "starting".</param>
    /// <param name="privateIp">Its NIC's private address.</param>
    /// <param name="publicIp">Its public IP address's address (default: one from 203.0.113.0/24).</param>
    /// <param name="location">Its region.</param>
    public void AddVm(string group, string vm, string? nicNsgId, string? subnetNsgId, string? publicIpSku = "Standard",
        IReadOnlyDictionary<string, string>? tags = null, string powerState = "running", string privateIp = "10.0.0.4", string? publicIp = null, string location = "westeurope")
    {
        var id = Id(group, "Microsoft.Compute/virtualMachines", vm);
        lock (_gate)
        {
            _groups.Add(group);
            _resources[id] = new JsonObject
            {
                ["name"] = vm,
                ["id"] = id,
                ["type"] = "Microsoft.Compute/virtualMachines",
                ["location"] = location,
                ["tags"] = new JsonObject([.. (tags ?? new Dictionary<string, string>()).Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]),
                ["properties"] = new JsonObject
                {
                    ["provisioningState"] = "Succeeded",
                    ["networkProfile"] = new JsonObject { ["networkInterfaces"] = new JsonArray() },
                },
            };
            _powerStates[id] = powerState;
        }

        AddNic(group, vm, vm + "-nic", nicNsgId, "default", subnetNsgId, privateIp, publicIpSku is null ? [] : [(publicIpSku, "IPv4")],
            publicAddresses: publicIp is null ? null : [publicIp]);
    }

    /// <summary>What a VM's instance view says from now on (PowerState/…): "running", "deallocated", "stopped".</summary>
    public void SetPowerState(string group, string vm, string powerState)
    {
        lock (_gate)
        {
            _powerStates[Id(group, "Microsoft.Compute/virtualMachines", vm)] = powerState;
        }
    }

    /// <summary>
    /// Another NIC on a VM: in its subnet (of the one virtual network "vnet"; the subnet's NSG is set as given), with its
    /// private address, its public IP addresses (SKU, version "IPv4"/"IPv6") and the application security groups its IP
    /// configuration joins (by name). The VM's first NIC is its primary one, and a NIC's first IP configuration its
    /// primary one (as ARM marks them: properties.primary). The public IPs' addresses are as given in
    /// <paramref name="publicAddresses"/>, else made up (203.0.113.10…, 2001:db8::1…).
    /// </summary>
    public string AddNic(string group, string vm, string nic, string? nicNsgId, string subnet, string? subnetNsgId, string privateIp,
        IReadOnlyList<(string Sku, string Version)> publicIps, IReadOnlyList<string>? asgs = null, IReadOnlyList<string>? publicAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(publicIps);
        var nicId = Id(group, "Microsoft.Network/networkInterfaces", nic);
        var subnetId = Id(group, "Microsoft.Network/virtualNetworks", "vnet/subnets/" + subnet);
        lock (_gate)
        {
            _groups.Add(group);
            var vmNics = (JsonArray)_resources[Id(group, "Microsoft.Compute/virtualMachines", vm)]["properties"]!["networkProfile"]!["networkInterfaces"]!;
            var primary = vmNics.Count == 0;
            vmNics.Add(new JsonObject { ["id"] = nicId, ["properties"] = new JsonObject { ["primary"] = primary } });
            var configurations = new JsonArray();
            for (var i = 0; i < Math.Max(1, publicIps.Count); i++)
            {
                var properties = new JsonObject { ["privateIPAddress"] = privateIp, ["subnet"] = new JsonObject { ["id"] = subnetId }, ["primary"] = i == 0 };
                if (i < publicIps.Count)
                {
                    var (sku, version) = publicIps[i];
                    var ipName = $"{nic}-ip{i + 1}";
                    var ipId = Id(group, "Microsoft.Network/publicIPAddresses", ipName);
                    _resources[ipId] = new JsonObject
                    {
                        ["name"] = ipName,
                        ["id"] = ipId,
                        ["type"] = "Microsoft.Network/publicIPAddresses",
                        ["location"] = "westeurope",
                        ["sku"] = new JsonObject { ["name"] = sku, ["tier"] = "Regional" },
                        ["properties"] = new JsonObject
                        {
                            ["provisioningState"] = "Succeeded",
                            ["publicIPAddressVersion"] = version,
                            ["publicIPAllocationMethod"] = "Static",
                            ["ipAddress"] = publicAddresses is not null && i < publicAddresses.Count ? publicAddresses[i] : version == "IPv6" ? $"2001:db8::{i + 1}" : $"203.0.113.{10 + i}",
                        },
                    };
                    properties["publicIPAddress"] = new JsonObject { ["id"] = ipId };
                }

                if (asgs is { Count: > 0 })
                {
                    properties["applicationSecurityGroups"] = new JsonArray([.. asgs.Select(a => (JsonNode)new JsonObject { ["id"] = Id(group, "Microsoft.Network/applicationSecurityGroups", a) })]);
                }

                configurations.Add(new JsonObject { ["name"] = $"ipconfig{i + 1}", ["properties"] = properties });
            }

            _resources[nicId] = new JsonObject
            {
                ["name"] = nic,
                ["id"] = nicId,
                ["type"] = "Microsoft.Network/networkInterfaces",
                ["location"] = "westeurope",
                ["properties"] = new JsonObject
                {
                    ["provisioningState"] = "Succeeded",
                    ["networkSecurityGroup"] = nicNsgId is null ? null : new JsonObject { ["id"] = nicNsgId },
                    ["ipConfigurations"] = configurations,
                    ["primary"] = primary,
                    ["virtualMachine"] = new JsonObject { ["id"] = Id(group, "Microsoft.Compute/virtualMachines", vm) },
                },
            };
            _resources[subnetId] = new JsonObject
            {
                ["name"] = subnet,
                ["id"] = subnetId,
                ["type"] = "Microsoft.Network/virtualNetworks/subnets",
                ["properties"] = new JsonObject
                {
                    ["provisioningState"] = "Succeeded",
                    ["addressPrefix"] = "10.0.0.0/24",
                    ["networkSecurityGroup"] = subnetNsgId is null ? null : new JsonObject { ["id"] = subnetNsgId },
                },
            };
        }

        return nicId;
    }

    /// <summary>Adds a rule as someone else would (portal, Terraform).</summary>
    public void AddRule(string nsgId, JsonObject rule)
    {
        lock (_gate)
        {
            ((JsonArray)_resources[nsgId]["properties"]!["securityRules"]!).Add(Rule(nsgId, rule));
        }
    }

    /// <summary>The custom rules of an NSG as stored.</summary>
    public IReadOnlyList<JsonObject> Rules(string nsgId)
    {
        lock (_gate)
        {
            return ((JsonArray)_resources[nsgId]["properties"]!["securityRules"]!).Select(r => (JsonObject)r!.DeepClone()).ToList();
        }
    }

    /// <summary>A custom rule body: the short way tests describe one.</summary>
    public static JsonObject RuleSpec(string name, int priority, string access, string protocol, string source, string port, string direction = "Inbound") => new()
    {
        ["name"] = name,
        ["properties"] = new JsonObject
        {
            ["priority"] = priority,
            ["access"] = access,
            ["protocol"] = protocol,
            ["sourceAddressPrefix"] = source,
            ["sourcePortRange"] = "*",
            ["destinationAddressPrefix"] = "*",
            ["destinationPortRange"] = port,
            ["direction"] = direction,
        },
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static JsonObject Rule(string nsgId, JsonObject spec)
    {
        var name = spec["name"]!.GetValue<string>();
        var properties = (JsonObject)spec["properties"]!.DeepClone();
        properties["provisioningState"] = "Succeeded";
        properties["sourceAddressPrefixes"] ??= new JsonArray();
        properties["destinationPortRanges"] ??= new JsonArray();
        return new JsonObject
        {
            ["name"] = name,
            ["id"] = $"{nsgId}/securityRules/{name}",
            ["etag"] = $"W/\"{Guid.NewGuid()}\"",
            ["type"] = "Microsoft.Network/networkSecurityGroups/securityRules",
            ["properties"] = properties,
        };
    }

    /// <summary>
    /// ARM's own checks of a security rule body, with the fake's own parsing: the protocol one of ARM's values; for
    /// each side exactly one of the singular prefix, the plural prefixes or application security groups; tags ("*",
    /// Internet, VirtualNetwork, AzureLoadBalancer) only in the singular field; CIDRs and ports well-formed.
    /// </summary>
    private static (string Code, string Message)? ValidateRule(string nsgId, string name, JsonObject properties)
    {
        var id = $"{nsgId}/securityRules/{name}";
        var protocol = properties["protocol"]?.GetValue<string>();
        if (protocol is not ("Tcp" or "Udp" or "Icmp" or "Esp" or "Ah" or "*"))
        {
            return ("InvalidRequestFormat", $"Cannot parse the request: the value '{protocol}' of protocol is not one of Tcp, Udp, Icmp, Esp, Ah, *.");
        }

        string[] tags = ["*", "Internet", "VirtualNetwork", "AzureLoadBalancer", "Any"];
        foreach (var side in new[] { "source", "destination" })
        {
            var single = properties[$"{side}AddressPrefix"]?.GetValue<string>();
            var plural = (properties[$"{side}AddressPrefixes"] as JsonArray)?.Select(x => x!.GetValue<string>()).ToList() ?? [];
            var asgs = (properties[$"{side}ApplicationSecurityGroups"] as JsonArray)?.Count ?? 0;
            var given = (string.IsNullOrEmpty(single) ? 0 : 1) + (plural.Count > 0 ? 1 : 0) + (asgs > 0 ? 1 : 0);
            if (given != 1)
            {
                return ("SecurityRuleInvalidAddressPrefix", $"Security rule {id} must have exactly one of {side}AddressPrefix, {side}AddressPrefixes or {side}ApplicationSecurityGroups.");
            }

            if (plural.FirstOrDefault(p => tags.Contains(p, StringComparer.OrdinalIgnoreCase)) is { } tag)
            {
                return ("SecurityRuleParameterContainsUnsupportedValue",
                    $"Security rule parameter {char.ToUpperInvariant(side[0])}{side[1..]}AddressPrefixes for rule with Id {id} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: {tag}.");
            }

            foreach (var prefix in plural.Concat(string.IsNullOrEmpty(single) || tags.Contains(single, StringComparer.OrdinalIgnoreCase) ? [] : new[] { single }))
            {
                var v6 = prefix.Contains(':', StringComparison.Ordinal);
                var text = prefix.Contains('/', StringComparison.Ordinal) ? prefix : $"{prefix}/{(v6 ? 128 : 32)}";
                if (!OecCloudFw.Testing.Aws.FakeCidr.TryCanonical(text, v6, out _))
                {
                    return ("SecurityRuleInvalidAddressPrefix", $"Security rule {id} has invalid Address prefix. Value provided: {prefix}.");
                }
            }
        }

        var singlePort = properties["destinationPortRange"]?.GetValue<string>();
        var ports = (properties["destinationPortRanges"] as JsonArray)?.Select(x => x!.GetValue<string>()).ToList() ?? [];
        if ((string.IsNullOrEmpty(singlePort) ? 0 : 1) + (ports.Count > 0 ? 1 : 0) != 1 || ports.Contains("*"))
        {
            return ("SecurityRuleInvalidPortRange", $"Security rule {id} must have exactly one of destinationPortRange or destinationPortRanges, and '*' only in the singular field.");
        }

        foreach (var range in ports.Append(singlePort).OfType<string>().Where(r => r != "*"))
        {
            var bounds = range.Split('-');
            if (bounds.Length > 2 || !bounds.All(b => int.TryParse(b, out var n) && n is >= 0 and <= 65535))
            {
                return ("SecurityRuleInvalidPortRange", $"Security rule {id} has invalid Port range. Value provided: {range}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.");
            }
        }

        return null;
    }

    private static JsonObject Default(string nsgId, string name, int priority, string direction, string access, string source, string destination) => new()
    {
        ["name"] = name,
        ["id"] = $"{nsgId}/defaultSecurityRules/{name}",
        ["type"] = "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["description"] = $"Default rule {name}",
            ["protocol"] = "*",
            ["sourcePortRange"] = "*",
            ["destinationPortRange"] = "*",
            ["sourceAddressPrefix"] = source,
            ["destinationAddressPrefix"] = destination,
            ["access"] = access,
            ["priority"] = priority,
            ["direction"] = direction,
            ["sourceAddressPrefixes"] = new JsonArray(),
            ["destinationPortRanges"] = new JsonArray(),
        },
    };

    private async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? string.Empty;
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await Error(context, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
            return;
        }

        LastBearerToken = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];

        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await Error(context, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
            return;
        }

        BeforeRequest?.Invoke(method, path);
        if (_faults.TryPeek(out var fault) && fault.Method == method && _faults.TryDequeue(out fault))
        {
            Interlocked.Increment(ref _throttled);
            if (fault.Status == 429)
            {
                context.Response.Headers["Retry-After"] = "1";
                await Error(context, 429, "TooManyRequests", "The request is being throttled.");
            }
            else
            {
                await Error(context, fault.Status, "InternalServerError", "An internal server error occurred.");
            }

            return;
        }

        if (path.Contains("/operations/", StringComparison.Ordinal) || path.Contains("/operationResults/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _polls);
            var left = _operations.AddOrUpdate(path, PollsBeforeDone, (_, n) => n - 1);
            if (path.Contains("/operationResults/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = left > 0 ? 202 : 204;
                context.Response.Headers["Retry-After"] = "0";
                return;
            }

            await Json(context, 200, new JsonObject { ["status"] = left > 0 ? "InProgress" : "Succeeded" });
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var group = segments.Length > 3 && segments[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) ? segments[3] : string.Empty;
        if (IsVmListing(segments))
        {
            await HandleVmListingAsync(context, method, path, segments.Length == 5 ? null : group);
            return;
        }

        lock (_gate)
        {
            if (!_groups.Contains(group))
            {
                _ = Error(context, 404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
                return;
            }
        }

        var ruleIndex = Array.FindIndex(segments, s => s.Equals("securityRules", StringComparison.OrdinalIgnoreCase));
        if (ruleIndex > 0)
        {
            await HandleRuleAsync(context, method, string.Join('/', segments[..ruleIndex]).Insert(0, "/"), segments[ruleIndex + 1]);
            return;
        }

        if (method != "GET")
        {
            await Error(context, 405, "MethodNotAllowed", $"{method} is not supported here.");
            return;
        }

        Interlocked.Increment(ref _reads);
        if (Denied(context, path, "read", out var action))
        {
            await Error(context, 403, "AuthorizationFailed", Unauthorized(action, path));
            return;
        }

        JsonObject? resource;
        lock (_gate)
        {
            resource = _resources.TryGetValue(path, out var r) ? (JsonObject)r.DeepClone() : null;
        }

        if (resource is null)
        {
            await Error(context, 404, "ResourceNotFound", $"The Resource '{segments[5]}/{string.Join('/', segments[6..])}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
            return;
        }

        await Json(context, 200, resource);
    }

    /// <summary>/subscriptions/S/providers/Microsoft.Compute/virtualMachines or /subscriptions/S/resourceGroups/G/providers/Microsoft.Compute/virtualMachines.</summary>
    private static bool IsVmListing(string[] segments) =>
        segments.Length is 5 or 7 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) &&
        (segments.Length == 5 || segments[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)) &&
        segments[^3].Equals("providers", StringComparison.OrdinalIgnoreCase) && segments[^2].Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase) &&
        segments[^1].Equals("virtualMachines", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One page of a listing of VMs (the fake's own paging: <c>$skiptoken</c> is the offset of the page, in the order of
    /// the VMs' ids). The instance view (the VM's statuses: provisioning, then power, as in Microsoft's published
    /// VirtualMachine_Get_InstanceView example) is included when the listing asks for it: a subscription's with
    /// statusOnly=true, a resource group's with $expand=instanceView; a subscription's $expand=instanceView needs a
    /// $filter, as Compute's API reference says.
    /// </summary>
    private async Task HandleVmListingAsync(HttpContext context, string method, string path, string? group)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (method != "GET")
        {
            await Error(context, 405, "MethodNotAllowed", $"{method} is not supported here.");
            return;
        }

        Interlocked.Increment(ref _reads);
        if (!segments[1].Equals(Subscription, StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, 404, "SubscriptionNotFound", $"The subscription '{segments[1]}' could not be found.");
            return;
        }

        if (Denied(context, path, "read", out var action))
        {
            await Error(context, 403, "AuthorizationFailed", Unauthorized(action, path));
            return;
        }

        var query = context.Request.Query;
        var expand = query["$expand"].ToString();
        if (group is null && expand.Length > 0 && string.IsNullOrEmpty(query["$filter"]))
        {
            await Error(context, 400, "InvalidParameter", "The $expand=instanceView option of this listing can only be given with a valid $filter.");
            return;
        }

        if (expand.Length > 0 && !expand.Equals("instanceView", StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, 400, "InvalidParameter", $"The value '{expand}' of $expand is not valid: the only value is instanceView.");
            return;
        }

        var withInstanceView = group is null ? string.Equals(query["statusOnly"], "true", StringComparison.OrdinalIgnoreCase) : expand.Length > 0;
        var skip = 0;
        if (query.ContainsKey("$skiptoken") && !int.TryParse(query["$skiptoken"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip))
        {
            await Error(context, 400, "InvalidParameter", "The $skiptoken is not valid.");
            return;
        }

        var prefix = group is null ? $"/subscriptions/{Subscription}/resourceGroups/" : $"/subscriptions/{Subscription}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/";
        List<JsonObject> vms;
        bool known;
        lock (_gate)
        {
            known = group is null || _groups.Contains(group);
            vms = _resources.Where(r => r.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Value["type"]?.GetValue<string>(), "Microsoft.Compute/virtualMachines", StringComparison.OrdinalIgnoreCase))
                .OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase)
                .Select(r => (JsonObject)r.Value.DeepClone())
                .ToList();
            foreach (var vm in withInstanceView ? vms : [])
            {
                var state = _powerStates.GetValueOrDefault(vm["id"]!.GetValue<string>(), "running");
                var properties = vm["properties"] as JsonObject ?? [];
                vm["properties"] = properties;
                properties["instanceView"] = new JsonObject
                {
                    ["statuses"] = new JsonArray(
                        new JsonObject { ["code"] = "ProvisioningState/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded" },
                        new JsonObject { ["code"] = $"PowerState/{state}", ["level"] = "Info", ["displayStatus"] = $"VM {state}" }),
                };
            }
        }

        if (!known)
        {
            await Error(context, 404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
            return;
        }

        var page = new JsonObject { ["value"] = new JsonArray([.. vms.Skip(skip).Take(PageSize)]) };
        if (skip + PageSize < vms.Count)
        {
            var rest = string.Join('&', query.Where(q => q.Key != "$skiptoken").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}"));
            page["nextLink"] = $"{NextLinkAuthority ?? Url.GetLeftPart(UriPartial.Authority)}{path}?{rest}&%24skiptoken={skip + PageSize}";
        }

        if (ListingBodyBroken)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>");
            return;
        }

        await Json(context, 200, page);
    }

    private async Task HandleRuleAsync(HttpContext context, string method, string nsgId, string name)
    {
        Interlocked.Increment(ref _writes);
        if (method == "GET")
        {
            Interlocked.Decrement(ref _writes);
            Interlocked.Increment(ref _reads);
        }

        if (Denied(context, nsgId + "/securityRules", method == "DELETE" ? "delete" : method == "GET" ? "read" : "write", out var action))
        {
            await Error(context, 403, "AuthorizationFailed", Unauthorized(action, nsgId + "/securityRules/" + name));
            return;
        }

        JsonObject? nsg;
        lock (_gate)
        {
            nsg = _resources.GetValueOrDefault(nsgId);
        }

        if (nsg is null)
        {
            await Error(context, 404, "ResourceNotFound", $"The Resource 'Microsoft.Network/networkSecurityGroups/{nsgId[(nsgId.LastIndexOf('/') + 1)..]}' was not found.");
            return;
        }

        var rules = (JsonArray)nsg["properties"]!["securityRules"]!;
        var operationBase = $"{Url.GetLeftPart(UriPartial.Authority)}/subscriptions/{Subscription}/providers/Microsoft.Network/locations/westeurope";
        if (method == "DELETE")
        {
            lock (_gate)
            {
                var existing = rules.FirstOrDefault(r => r!["name"]!.GetValue<string>().Equals(name, StringComparison.OrdinalIgnoreCase));
                if (existing is null)
                {
                    context.Response.StatusCode = 204;
                    return;
                }

                rules.Remove(existing);
            }

            context.Response.Headers.Location = $"{operationBase}/operationResults/{Guid.NewGuid()}?api-version=2024-05-01";
            context.Response.Headers["Retry-After"] = "0";
            context.Response.StatusCode = 202;
            return;
        }

        if (method != "PUT")
        {
            await Error(context, 405, "MethodNotAllowed", $"{method} is not supported here.");
            return;
        }

        var body = await JsonNode.ParseAsync(context.Request.Body);
        var properties = body?["properties"] as JsonObject;
        var priority = properties?["priority"]?.GetValue<int>() ?? 0;
        var direction = properties?["direction"]?.GetValue<string>() ?? string.Empty;
        if (properties is null || priority is < 100 or > 4096 || direction is not ("Inbound" or "Outbound") ||
            properties["access"]?.GetValue<string>() is not ("Allow" or "Deny") || name.Length > 80)
        {
            await Error(context, 400, "InvalidRequestFormat", "Cannot parse the request: priority must be 100-4096, direction Inbound or Outbound, access Allow or Deny.");
            return;
        }

        if (ValidateRule(nsgId, name, properties) is { } invalid)
        {
            await Error(context, 400, invalid.Code, invalid.Message);
            return;
        }

        bool created;
        lock (_gate)
        {
            var conflict = rules.FirstOrDefault(r => !r!["name"]!.GetValue<string>().Equals(name, StringComparison.OrdinalIgnoreCase) &&
                                                    r["properties"]!["priority"]!.GetValue<int>() == priority &&
                                                    r["properties"]!["direction"]!.GetValue<string>() == direction);
            if (conflict is not null)
            {
                _ = Error(context, 400, "SecurityRuleConflict",
                    $"Security rule {name} conflicts with rule {conflict["name"]}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.");
                return;
            }

            var existing = rules.FirstOrDefault(r => r!["name"]!.GetValue<string>().Equals(name, StringComparison.OrdinalIgnoreCase));
            created = existing is null;
            if (existing is not null)
            {
                rules.Remove(existing);
            }

            rules.Add(Rule(nsgId, new JsonObject { ["name"] = name, ["properties"] = properties.DeepClone() }));
        }

        context.Response.Headers["Azure-AsyncOperation"] = $"{operationBase}/operations/{Guid.NewGuid()}?api-version=2024-05-01";
        context.Response.Headers["Retry-After"] = "0";
        var echo = Rule(nsgId, new JsonObject { ["name"] = name, ["properties"] = properties.DeepClone() });
        echo["properties"]!["provisioningState"] = "Updating";
        await Json(context, created ? 201 : 200, echo);
    }

    private bool Denied(HttpContext context, string path, string verb, out string action)
    {
        var type = path.Contains("/securityRules", StringComparison.OrdinalIgnoreCase) ? "Microsoft.Network/networkSecurityGroups/securityRules"
            : path.Contains("virtualMachines", StringComparison.OrdinalIgnoreCase) ? "Microsoft.Compute/virtualMachines"
            : path.Contains("networkInterfaces", StringComparison.OrdinalIgnoreCase) ? "Microsoft.Network/networkInterfaces"
            : path.Contains("subnets", StringComparison.OrdinalIgnoreCase) ? "Microsoft.Network/virtualNetworks/subnets"
            : path.Contains("publicIPAddresses", StringComparison.OrdinalIgnoreCase) ? "Microsoft.Network/publicIPAddresses"
            : "Microsoft.Network/networkSecurityGroups";
        action = $"{type}/{verb}";
        return DeniedActions.Contains(action);
    }

    private static string Unauthorized(string action, string scope) =>
        $"The client 'test@example.com' with object id '11111111-1111-1111-1111-111111111111' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.";

    private static Task Error(HttpContext context, int status, string code, string message) =>
        Json(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private sealed class TestCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("test-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
