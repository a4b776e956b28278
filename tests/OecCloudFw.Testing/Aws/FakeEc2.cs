using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OecCloudFw.Testing.Aws;

/// <summary>
/// An in-process EC2 endpoint on loopback that speaks the real EC2 Query protocol: form-encoded <c>Action=…</c>
/// requests signed with SigV4, XML responses in the EC2 namespace, EC2's error XML and codes, <c>NextToken</c>
/// pagination and security group rule ids. It keeps state the way EC2 does (a rejected call changes nothing) and
/// counts calls, so tests assert both the end state and the call budget.
/// </summary>
public sealed class FakeEc2 : IAsyncDisposable
{
    public const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public const string AccountId = "123456789012";

    /// <summary>The VPC of every group, subnet and instance.</summary>
    public const string VpcId = "vpc-0123456789abcdef0";

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<FakeSecurityGroupRule>> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Ec2Fault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _log = new();
    // Launch order: DescribeInstances lists (and pages) instances in it.
    private readonly List<FakeInstance> _instances = [];
    private readonly Dictionary<string, FakePrefixList> _prefixLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeNetworkAcl> _acls = new(StringComparer.Ordinal);

    private FakeEc2(WebApplication app) => _app = app;

    public required Uri Url { get; init; }

    /// <summary>Rules returned per DescribeSecurityGroupRules page when the caller does not ask for fewer.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Network ACLs returned per DescribeNetworkAcls page when the caller does not ask for fewer.</summary>
    public int NetworkAclPageSize { get; set; } = 1000;

    /// <summary>Instances returned per DescribeInstances page when the caller pages (MaxResults) and does not ask for fewer.</summary>
    public int InstancePageSize { get; set; } = 1000;

    /// <summary>Prefix lists returned per DescribeManagedPrefixLists page when the caller does not ask for fewer.</summary>
    public int PrefixListPageSize { get; set; } = 100;

    /// <summary>The inbound-rules-per-family quota, as EC2 enforces it.</summary>
    public int RulesQuota { get; set; } = 60;

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Runs before each call is handled, e.g. to simulate a concurrent change by someone else.</summary>
    public Action<string>? BeforeAction { get; set; }

    /// <summary>The body of the last successful answer (its shape is checked against EC2's published examples).</summary>
    public string? LastResponse { get; private set; }

    /// <summary>Every action called, in order.</summary>
    public IReadOnlyList<string> CallLog => _log.ToList();

    public static async Task<FakeEc2> StartAsync()
    {
        FakeEc2? fake = null;
        var (app, url) = await LoopbackServer.StartAsync(context => fake!.HandleAsync(context));
        fake = new FakeEc2(app) { Url = url };
        return fake;
    }

    public int Calls(string action) => _calls.GetValueOrDefault(action);

    /// <summary>Every request received, whatever its action (and whether or not it was answered).</summary>
    public int Requests => _calls.Values.Sum();

    public int Reads => _calls.Where(c => c.Key.StartsWith("Describe", StringComparison.Ordinal) || c.Key.StartsWith("Get", StringComparison.Ordinal)).Sum(c => c.Value);

    public int Mutations => _calls.Where(c => !c.Key.StartsWith("Describe", StringComparison.Ordinal) && !c.Key.StartsWith("Get", StringComparison.Ordinal)).Sum(c => c.Value);

    public void ResetCounts()
    {
        _calls.Clear();
        _log.Clear();
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="action"/> fail (or lag) as <paramref name="fault"/>.</summary>
    public void Inject(string action, Ec2Fault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(action, _ => new ConcurrentQueue<Ec2Fault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Creates a group with EC2's default egress rule, as CreateSecurityGroup does.</summary>
    public string CreateGroup()
    {
        var id = "sg-" + Hex(17);
        lock (_gate)
        {
            _groups[id] = [new FakeSecurityGroupRule("sgr-" + Hex(17), id, true, "-1", -1, -1, "0.0.0.0/0", null, null, new Dictionary<string, string>())];
        }

        return id;
    }

    /// <summary>An instance whose ENIs carry these security groups (one list per ENI), each with an auto-assigned public IPv4 and an IPv6 address.</summary>
    public string CreateInstance(params string[][] groupsPerEni) => CreateInstanceInSubnet(null, groupsPerEni);

    /// <summary>An instance in a subnet (its ENIs too), whose ENIs carry these security groups (each with a public IPv4 and an IPv6 address).</summary>
    public string CreateInstanceInSubnet(string? subnetId, params string[][] groupsPerEni) =>
        CreateInstanceWith(subnetId, [.. groupsPerEni.Select((g, n) => new FakeEni(g) { PublicIp = $"203.0.113.{_instances.Count % 200 + 10 + n}", Ipv6 = $"2001:db8::{_instances.Count + 1:x}:{n + 1}" })]);

    /// <summary>The ENIs of an instance as created (their ids and addresses), primary first.</summary>
    public IReadOnlyList<FakeEni> Interfaces(string instanceId)
    {
        lock (_gate)
        {
            return [.. Instance(instanceId).Interfaces];
        }
    }

    /// <summary>An instance with exactly these ENIs (their subnets, groups, public addresses), primary first.</summary>
    public string CreateInstanceWith(string? subnetId, params FakeEni[] enis) =>
        AddInstance(new FakeInstance { SubnetId = subnetId, Interfaces = enis });

    /// <summary>Launches an instance as described (ids, private addresses and a reservation made where not given); returns its id.</summary>
    public string AddInstance(FakeInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_gate)
        {
            var id = instance.Id ?? "i-" + Hex(17);
            if (_instances.Any(i => i.Id == id))
            {
                throw new ArgumentException($"instance {id} exists", nameof(instance));
            }

            var ordinal = _instances.Count;
            _instances.Add(instance with
            {
                Id = id,
                ReservationId = instance.ReservationId ?? "r-" + Hex(17),
                Interfaces = [.. instance.Interfaces.Select((e, n) => e with
                {
                    Id = e.Id ?? "eni-" + Hex(17),
                    PrivateIp = e.PrivateIp ?? $"10.{ordinal / 200 % 250}.{n}.{ordinal % 200 + 10}",
                })],
            });
            return id;
        }
    }

    /// <summary>Moves an instance to another state (StopInstances, StartInstances, TerminateInstances as far as DescribeInstances shows).</summary>
    public void SetInstanceState(string instanceId, string state)
    {
        lock (_gate)
        {
            var index = _instances.FindIndex(i => i.Id == instanceId);
            _instances[index] = _instances[index] with { State = state };
        }
    }

    private FakeInstance Instance(string instanceId) =>
        _instances.Find(i => i.Id == instanceId) ?? throw new KeyNotFoundException($"no instance {instanceId}");

    /// <summary>
    /// A custom network ACL associated with a new subnet, as CreateNetworkAcl makes it: only the closing "*" entries
    /// (rule 32767, deny everything, both directions, IPv4 and IPv6). Returns (acl id, subnet id).
    /// </summary>
    public (string AclId, string SubnetId) CreateNetworkAcl()
    {
        var acl = "acl-" + Hex(17);
        var subnet = "subnet-" + Hex(17);
        lock (_gate)
        {
            _acls[acl] = new FakeNetworkAcl(acl, subnet, []);
        }

        return (acl, subnet);
    }

    /// <summary>Adds an entry (CreateNetworkAclEntry): protocol "6", "17" or "-1"; ports ignored for -1.</summary>
    public void AddNetworkAclEntry(string aclId, int ruleNumber, bool egress, string protocol, int from, int to, string cidr, bool allow)
    {
        var ipv6 = cidr.Contains(':', StringComparison.Ordinal);
        if (!FakeCidr.TryCanonical(cidr, ipv6, out var canonical) || ruleNumber is < 1 or > 32766)
        {
            throw new ArgumentException($"invalid entry {ruleNumber} {cidr}", nameof(cidr));
        }

        lock (_gate)
        {
            if (_acls[aclId].Entries.Any(e => e.RuleNumber == ruleNumber && e.Egress == egress))
            {
                throw new ArgumentException($"NetworkAclEntryAlreadyExists: {ruleNumber}", nameof(ruleNumber));
            }

            _acls[aclId].Entries.Add(new FakeAclEntry(ruleNumber, egress, protocol, from, to, canonical, allow));
        }
    }

    /// <summary>Adds an egress rule as someone else would.</summary>
    public string AddEgress(string groupId, string protocol, int from, int to, string cidr)
    {
        var ipv6 = cidr.Contains(':', StringComparison.Ordinal);
        if (!FakeCidr.TryCanonical(cidr, ipv6, out var canonical))
        {
            throw new ArgumentException($"CIDR block {cidr} is malformed", nameof(cidr));
        }

        var rule = new FakeSecurityGroupRule("sgr-" + Hex(17), groupId, true, protocol, from, to, ipv6 ? null : canonical, ipv6 ? canonical : null, null, new Dictionary<string, string>());
        lock (_gate)
        {
            _groups[groupId].Add(rule);
        }

        return rule.RuleId;
    }

    /// <summary>Removes every egress rule of a group (the default "all traffic to 0.0.0.0/0" included), as people do.</summary>
    public void RemoveAllEgress(string groupId)
    {
        lock (_gate)
        {
            _groups[groupId].RemoveAll(r => r.IsEgress);
        }
    }

    public IReadOnlyList<FakeSecurityGroupRule> EgressRules(string groupId)
    {
        lock (_gate)
        {
            return _groups[groupId].Where(r => r.IsEgress).ToList();
        }
    }

    /// <summary>Adds an ingress rule as someone else would (console, Terraform): no ownership tag unless given.</summary>
    public string AddIngress(string groupId, string protocol, int from, int to, string cidr, string? description = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        var ipv6 = cidr.Contains(':', StringComparison.Ordinal);
        if (!FakeCidr.TryCanonical(cidr, ipv6, out var canonical))
        {
            throw new ArgumentException($"CIDR block {cidr} is malformed", nameof(cidr));
        }

        var rule = new FakeSecurityGroupRule("sgr-" + Hex(17), groupId, false, protocol, from, to,
            ipv6 ? null : canonical, ipv6 ? canonical : null, description, tags ?? new Dictionary<string, string>());
        lock (_gate)
        {
            _groups[groupId].Add(rule);
        }

        return rule.RuleId;
    }

    /// <summary>Adds an ingress rule whose source is a managed prefix list.</summary>
    public string AddIngressFromPrefixList(string groupId, string protocol, int from, int to, string prefixListId, string? description = null)
    {
        var rule = new FakeSecurityGroupRule("sgr-" + Hex(17), groupId, false, protocol, from, to, null, null, description,
            new Dictionary<string, string>(), PrefixListId: prefixListId);
        lock (_gate)
        {
            if (!_prefixLists.ContainsKey(prefixListId))
            {
                throw new ArgumentException($"The prefix list ID '{prefixListId}' does not exist", nameof(prefixListId));
            }

            _groups[groupId].Add(rule);
        }

        return rule.RuleId;
    }

    /// <summary>Adds an ingress rule whose source is another security group (its members).</summary>
    public string AddIngressFromGroup(string groupId, string protocol, int from, int to, string referencedGroupId, string? description = null)
    {
        var rule = new FakeSecurityGroupRule("sgr-" + Hex(17), groupId, false, protocol, from, to, null, null, description,
            new Dictionary<string, string>(), ReferencedGroupId: referencedGroupId);
        lock (_gate)
        {
            _groups[groupId].Add(rule);
        }

        return rule.RuleId;
    }

    /// <summary>Creates a customer-managed prefix list (CreateManagedPrefixList) holding these CIDRs.</summary>
    public string CreatePrefixList(string name, int maxEntries, params string[] cidrs)
    {
        var id = "pl-" + Hex(17);
        var ipv6 = cidrs.Length > 0 && cidrs[0].Contains(':', StringComparison.Ordinal);
        var entries = cidrs.Select(c => FakeCidr.TryCanonical(c, ipv6, out var canonical) ? canonical : throw new ArgumentException($"invalid CIDR {c}", nameof(cidrs))).ToList();
        if (entries.Count > maxEntries)
        {
            throw new ArgumentException("more entries than maxEntries", nameof(cidrs));
        }

        lock (_gate)
        {
            _prefixLists[id] = new FakePrefixList(id, name, ipv6 ? "IPv6" : "IPv4", maxEntries, entries);
        }

        return id;
    }

    /// <summary>Removes an ingress rule by id, as someone else would.</summary>
    public void RemoveRule(string groupId, string ruleId)
    {
        lock (_gate)
        {
            _groups[groupId].RemoveAll(r => r.RuleId == ruleId);
        }
    }

    /// <summary>Removes a group's ingress rules for a port, as someone else would.</summary>
    public void RemoveIngress(string groupId, int port)
    {
        lock (_gate)
        {
            _groups[groupId].RemoveAll(r => !r.IsEgress && r.FromPort == port);
        }
    }

    public IReadOnlyList<FakeSecurityGroupRule> Ingress(string groupId)
    {
        lock (_gate)
        {
            return _groups[groupId].Where(r => !r.IsEgress).ToList();
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        // The body is read once for the signature and once as the form.
        context.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        context.Request.Body.Position = 0;
        var form = await context.Request.ReadFormAsync();
        var action = form["Action"].ToString();
        _calls.AddOrUpdate(action, 1, (_, n) => n + 1);
        _log.Enqueue(action);
        var requestId = Guid.NewGuid().ToString();

        if (SigV4Verifier.Verify(context.Request, buffer.ToArray()) is { } failure)
        {
            await Error(context, failure.Code == "AuthFailure" ? 401 : 403, failure.Code, failure.Message, requestId);
            return;
        }

        BeforeAction?.Invoke(action);
        var slow = false;
        if (_faults.TryGetValue(action, out var queue) && queue.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case Ec2Fault.Throttle:
                    await Error(context, 503, "RequestLimitExceeded", "Request limit exceeded.", requestId);
                    return;
                case Ec2Fault.ServerError:
                    await Error(context, 500, "InternalError", "An internal error has occurred", requestId);
                    return;
                case Ec2Fault.Unauthorized:
                    await Error(context, 403, "UnauthorizedOperation",
                        $"You are not authorized to perform this operation. User: arn:aws:iam::{AccountId}:user/test is not authorized to perform: ec2:{action} because no identity-based policy allows the ec2:{action} action",
                        requestId);
                    return;
                case Ec2Fault.SlowResponse:
                    slow = true;
                    break;
            }
        }

        Ec2Error? error;
        XElement? body;
        lock (_gate)
        {
            (body, error) = action switch
            {
                "DescribeSecurityGroupRules" => DescribeSecurityGroupRules(form),
                "DescribeSecurityGroups" => DescribeSecurityGroups(form),
                "DescribeInstances" => DescribeInstances(form),
                "DescribeManagedPrefixLists" => DescribeManagedPrefixLists(form),
                "DescribeNetworkAcls" => DescribeNetworkAcls(form),
                "AuthorizeSecurityGroupEgress" => AuthorizeEgress(form),
                "CreateNetworkAclEntry" => CreateNetworkAclEntry(form),
                "GetManagedPrefixListEntries" => GetManagedPrefixListEntries(form),
                "AuthorizeSecurityGroupIngress" => AuthorizeIngress(form),
                "RevokeSecurityGroupIngress" => RevokeIngress(form),
                _ => (null, new Ec2Error(400, "InvalidAction", $"The action {action} is not valid for this web service.")),
            };
        }

        if (slow)
        {
            await Task.Delay(SlowDelay);
        }

        if (error is not null)
        {
            await Error(context, error.Status, error.Code, error.Message, requestId);
            return;
        }

        body!.Name = XName.Get(action + "Response", Namespace);
        body.AddFirst(new XElement(X("requestId"), requestId));
        LastResponse = body.ToString();
        await Write(context, 200, new XDocument(new XDeclaration("1.0", "UTF-8", null), body));
    }

    private (XElement?, Ec2Error?) DescribeSecurityGroupRules(IFormCollection form)
    {
        var groupIds = Filter(form, "group-id");
        var ruleIds = List(form, "SecurityGroupRuleId");
        var all = _groups.Values.SelectMany(g => g)
            .Where(r => groupIds.Count == 0 || groupIds.Contains(r.GroupId))
            .Where(r => ruleIds.Count == 0 || ruleIds.Contains(r.RuleId))
            .ToList();
        var max = int.TryParse(form["MaxResults"], CultureInfo.InvariantCulture, out var m) ? Math.Min(m, PageSize) : PageSize;
        var start = int.TryParse(form["NextToken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = all.Skip(start).Take(max).ToList();
        var body = new XElement(X("x"), new XElement(X("securityGroupRuleSet"), page.Select(RuleXml)));
        if (start + page.Count < all.Count)
        {
            body.Add(new XElement(X("nextToken"), (start + page.Count).ToString(CultureInfo.InvariantCulture)));
        }

        return (body, null);
    }

    private (XElement?, Ec2Error?) DescribeSecurityGroups(IFormCollection form)
    {
        var ids = List(form, "GroupId");
        var missing = ids.FirstOrDefault(id => !_groups.ContainsKey(id));
        if (missing is not null)
        {
            return (null, NotFound(missing));
        }

        var items = (ids.Count > 0 ? ids : _groups.Keys.ToList()).Select(id => new XElement(X("item"),
            new XElement(X("ownerId"), AccountId),
            new XElement(X("groupId"), id),
            new XElement(X("groupName"), "group-" + id[3..]),
            new XElement(X("groupDescription"), "test group"),
            new XElement(X("vpcId"), VpcId),
            new XElement(X("ipPermissions")),
            new XElement(X("ipPermissionsEgress"))));
        return (new XElement(X("x"), new XElement(X("securityGroupInfo"), items)), null);
    }

    /// <summary>
    /// DescribeInstances as the EC2 API reference documents it
    /// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html): the instances named
    /// (InstanceId.N; an unknown or malformed id is an error) or all of them, narrowed by Filter.N (the filters ANDed,
    /// the values of one filter ORed, each value a pattern), listed in launch order. With MaxResults (5 to 1000, never
    /// with instance ids) one page of instances and a nextToken while more are left; without it, everything. The page's
    /// instances are listed under their reservations.
    /// </summary>
    private (XElement?, Ec2Error?) DescribeInstances(IFormCollection form)
    {
        var ids = List(form, "InstanceId");
        var malformed = ids.FirstOrDefault(id => !System.Text.RegularExpressions.Regex.IsMatch(id, "^i-([0-9a-f]{8}|[0-9a-f]{17})$"));
        if (malformed is not null)
        {
            return (null, new Ec2Error(400, "InvalidInstanceID.Malformed", $"Invalid id: \"{malformed}\""));
        }

        var missing = ids.FirstOrDefault(id => !_instances.Any(i => i.Id == id));
        if (missing is not null)
        {
            return (null, new Ec2Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{missing}' does not exist"));
        }

        var filters = new List<(string Name, List<string> Patterns)>();
        for (var f = 1; form.ContainsKey($"Filter.{f}.Name"); f++)
        {
            var name = form[$"Filter.{f}.Name"].ToString();
            if (FilterValues(new FakeInstance(), name) is null)
            {
                return (null, new Ec2Error(400, "InvalidParameterValue", $"The filter '{name}' is invalid"));
            }

            filters.Add((name, List(form, $"Filter.{f}.Value")));
        }

        var size = int.MaxValue;
        if (form.ContainsKey("MaxResults"))
        {
            // API reference: MaxResults "You cannot specify this parameter and the instance IDs parameter in the same request."
            if (ids.Count > 0)
            {
                return (null, new Ec2Error(400, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"));
            }

            var text = form["MaxResults"].ToString();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max is < 5 or > 1000)
            {
                return (null, new Ec2Error(400, "InvalidParameterValue", $"Value ( {text} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."));
            }

            size = Math.Min(max, InstancePageSize);
        }

        var start = 0;
        if (form.ContainsKey("NextToken") && (!int.TryParse(form["NextToken"], NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > _instances.Count))
        {
            return (null, new Ec2Error(400, "InvalidParameterValue", $"Invalid value '{form["NextToken"]}' for nextToken"));
        }

        var matching = (ids.Count > 0 ? ids.Select(Instance) : _instances)
            .Where(i => filters.All(f => FilterValues(i, f.Name)!.Any(value => f.Patterns.Any(pattern => FilterPatternMatches(pattern, value)))))
            .ToList();
        var page = matching.Skip(start).Take(size).ToList();
        var next = start + page.Count < matching.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        var reservations = page.GroupBy(i => i.ReservationId).Select(r => new XElement(X("item"),
            new XElement(X("reservationId"), r.Key),
            new XElement(X("ownerId"), AccountId),
            new XElement(X("groupSet")),
            new XElement(X("instancesSet"), r.Select(InstanceXml))));
        return (WithNextToken(new XElement(X("x"), new XElement(X("reservationSet"), reservations)), next), null);
    }

    /// <summary>
    /// What an instance holds for a DescribeInstances filter (the names the API reference lists for it; those the fake
    /// models), or null for a name it does not know.
    /// </summary>
    private static IReadOnlyList<string>? FilterValues(FakeInstance instance, string name) => name switch
    {
        "instance-id" => [instance.Id ?? string.Empty],
        "instance-state-name" => [instance.State],
        "instance-state-code" => [StateCode(instance.State).ToString(CultureInfo.InvariantCulture)],
        "availability-zone" => [instance.AvailabilityZone],
        "reservation-id" => [instance.ReservationId ?? string.Empty],
        "subnet-id" => instance.SubnetId is { } subnet ? [subnet] : [],
        "vpc-id" => [VpcId],
        "ip-address" => instance.Interfaces is [{ PublicIp: { } ip }, ..] ? [ip] : [],
        "private-ip-address" => instance.Interfaces is [{ PrivateIp: { } privateIp }, ..] ? [privateIp] : [],
        // "tag:<key> - The key/value combination of a tag assigned to the resource. Use the tag key in the filter name
        // and the tag value as the filter value." "tag-key - ... regardless of the tag value."
        "tag-key" => [.. instance.Tags.Select(t => t.Key)],
        "tag-value" => [.. instance.Tags.Select(t => t.Value)],
        _ when name.StartsWith("tag:", StringComparison.Ordinal) && name.Length > 4 => [.. instance.Tags.Where(t => t.Key == name[4..]).Select(t => t.Value)],
        _ => null,
    };

    /// <summary>
    /// A filter value against what the instance holds, case-sensitively, as the AWS SDK for .NET's reference of
    /// Amazon.EC2.Model.Filter documents EC2's patterns: "* specifies that zero or more characters must match, and ?
    /// specifies that exactly one character must match. Use a backslash to escape special characters. For example, a
    /// filter value of \*amazon\?\\ specifies the literal string *amazon?\."
    /// (https://docs.aws.amazon.com/sdkfornet1/latest/apidocs/html/T_Amazon_EC2_Model_Filter.htm).
    /// </summary>
    internal static bool FilterPatternMatches(string pattern, string value)
    {
        var tokens = new List<(char Char, bool Special)>();
        for (var p = 0; p < pattern.Length; p++)
        {
            tokens.Add(pattern[p] == '\\' && p + 1 < pattern.Length ? (pattern[++p], false) : (pattern[p], pattern[p] is '*' or '?'));
        }

        // matched[j]: the tokens so far match the first j characters of the value.
        var matched = new bool[value.Length + 1];
        matched[0] = true;
        foreach (var (c, special) in tokens)
        {
            var next = new bool[value.Length + 1];
            for (var j = 0; j <= value.Length; j++)
            {
                next[j] = special && c == '*'
                    ? matched[j] || (j > 0 && next[j - 1])
                    : j > 0 && matched[j - 1] && (special || value[j - 1] == c);
            }

            matched = next;
        }

        return matched[value.Length];
    }

    /// <summary>instanceState/code: "0 (pending), 16 (running), 32 (shutting-down), 48 (terminated), 64 (stopping), and 80 (stopped)".</summary>
    private static int StateCode(string state) => state switch
    {
        "pending" => 0,
        "running" => 16,
        "shutting-down" => 32,
        "terminated" => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => throw new ArgumentException($"not an instance state: {state}", nameof(state)),
    };

    /// <summary>One instancesSet item, its elements named and ordered as in the API reference's sample response (Example 2).</summary>
    private XElement InstanceXml(FakeInstance instance)
    {
        var primary = instance.Interfaces.Count > 0 ? instance.Interfaces[0] : null;
        var region = instance.AvailabilityZone[..^1];
        XElement Groups(IEnumerable<string> groups) =>
            new(X("groupSet"), groups.Select(g => new XElement(X("item"), new XElement(X("groupId"), g), new XElement(X("groupName"), "group-" + g[3..]))));
        XElement? Association(FakeEni eni) => eni.PublicIp is { } ip
            ? new XElement(X("association"), new XElement(X("publicIp"), ip), new XElement(X("publicDnsName"), PublicDns(ip, region)),
                new XElement(X("ipOwnerId"), eni.ElasticIp ? AccountId : "amazon"))
            : null;
        var enis = instance.Interfaces.Select((eni, n) => new XElement(X("item"),
            new XElement(X("networkInterfaceId"), eni.Id),
            (eni.SubnetId ?? instance.SubnetId) is { } eniSubnet ? new XElement(X("subnetId"), eniSubnet) : null,
            new XElement(X("vpcId"), VpcId),
            new XElement(X("description"), n == 0 ? "Primary network interface" : string.Empty),
            new XElement(X("ownerId"), AccountId),
            new XElement(X("status"), "in-use"),
            new XElement(X("macAddress"), $"02:00:00:00:{instance.Interfaces.Count:x2}:{n:x2}"),
            new XElement(X("privateIpAddress"), eni.PrivateIp),
            new XElement(X("privateDnsName"), PrivateDns(eni.PrivateIp!, region)),
            new XElement(X("sourceDestCheck"), "true"),
            Groups(eni.Groups),
            new XElement(X("attachment"),
                new XElement(X("attachmentId"), "eni-attach-" + eni.Id?[4..]),
                new XElement(X("deviceIndex"), n),
                new XElement(X("status"), "attached"),
                new XElement(X("attachTime"), "2026-01-01T00:00:00.000Z"),
                new XElement(X("deleteOnTermination"), n == 0 ? "true" : "false")),
            Association(eni),
            new XElement(X("privateIpAddressesSet"),
                new XElement(X("item"),
                    new XElement(X("privateIpAddress"), eni.PrivateIp),
                    new XElement(X("privateDnsName"), PrivateDns(eni.PrivateIp!, region)),
                    new XElement(X("primary"), "true"),
                    Association(eni)),
                eni.SecondaryPrivateIps.Select(ip => new XElement(X("item"),
                    new XElement(X("privateIpAddress"), ip),
                    new XElement(X("privateDnsName"), PrivateDns(ip, region)),
                    new XElement(X("primary"), "false")))),
            eni.Ipv6 is { } v6 ? new XElement(X("ipv6AddressesSet"), new XElement(X("item"), new XElement(X("ipv6Address"), v6))) : null));
        return new XElement(X("item"),
            new XElement(X("instanceId"), instance.Id),
            new XElement(X("imageId"), "ami-0abcdef1234567890"),
            new XElement(X("instanceState"), new XElement(X("code"), StateCode(instance.State)), new XElement(X("name"), instance.State)),
            new XElement(X("privateDnsName"), primary?.PrivateIp is { } dnsIp ? PrivateDns(dnsIp, region) : string.Empty),
            new XElement(X("dnsName"), primary?.PublicIp is { } dnsPublic ? PublicDns(dnsPublic, region) : string.Empty),
            new XElement(X("reason")),
            new XElement(X("amiLaunchIndex"), 0),
            new XElement(X("productCodes")),
            new XElement(X("instanceType"), "t3.micro"),
            new XElement(X("launchTime"), "2026-01-01T00:00:00.000Z"),
            new XElement(X("placement"), new XElement(X("availabilityZone"), instance.AvailabilityZone), new XElement(X("groupName")), new XElement(X("tenancy"), "default")),
            new XElement(X("monitoring"), new XElement(X("state"), "disabled")),
            instance.SubnetId is { } subnet ? new XElement(X("subnetId"), subnet) : null,
            new XElement(X("vpcId"), VpcId),
            primary?.PrivateIp is { } privateIp ? new XElement(X("privateIpAddress"), privateIp) : null,
            primary?.PublicIp is { } publicIp ? new XElement(X("ipAddress"), publicIp) : null,
            new XElement(X("sourceDestCheck"), "true"),
            Groups(instance.Interfaces.SelectMany(e => e.Groups).Distinct()),
            new XElement(X("architecture"), "x86_64"),
            new XElement(X("rootDeviceType"), "ebs"),
            new XElement(X("rootDeviceName"), "/dev/xvda"),
            new XElement(X("virtualizationType"), "hvm"),
            instance.Tags.Count > 0 ? new XElement(X("tagSet"), instance.Tags.Select(t => new XElement(X("item"), new XElement(X("key"), t.Key), new XElement(X("value"), t.Value)))) : null,
            new XElement(X("hypervisor"), "xen"),
            new XElement(X("networkInterfaceSet"), enis),
            new XElement(X("ebsOptimized"), "false"));
    }

    /// <summary>EC2's private DNS name of an address: ip-192-168-1-88.eu-west-1.compute.internal.</summary>
    private static string PrivateDns(string ip, string region) => $"ip-{ip.Replace('.', '-')}.{region}.compute.internal";

    /// <summary>EC2's public DNS name of an address: ec2-54-194-252-215.eu-west-1.compute.amazonaws.com.</summary>
    private static string PublicDns(string ip, string region) => $"ec2-{ip.Replace('.', '-')}.{region}.compute.amazonaws.com";

    private (XElement?, Ec2Error?) AuthorizeIngress(IFormCollection form)
    {
        var groupId = form["GroupId"].ToString();
        if (!_groups.TryGetValue(groupId, out var rules))
        {
            return (null, NotFound(groupId));
        }

        var tags = new Dictionary<string, string>();
        for (var t = 1; form.ContainsKey($"TagSpecification.{t}.ResourceType"); t++)
        {
            if (form[$"TagSpecification.{t}.ResourceType"] != "security-group-rule")
            {
                return (null, new Ec2Error(400, "InvalidParameterValue", $"'{form[$"TagSpecification.{t}.ResourceType"]}' is not a valid taggable resource type for this operation."));
            }

            for (var k = 1; form.ContainsKey($"TagSpecification.{t}.Tag.{k}.Key"); k++)
            {
                tags[form[$"TagSpecification.{t}.Tag.{k}.Key"].ToString()] = form[$"TagSpecification.{t}.Tag.{k}.Value"].ToString();
            }
        }

        var (added, error) = ParsePermissions(form, groupId, tags);
        if (error is not null)
        {
            return (null, error);
        }

        if (added.Count == 0)
        {
            return (null, new Ec2Error(400, "MissingParameter", "No permissions were specified."));
        }

        foreach (var rule in added)
        {
            if (rules.Any(r => r.SamePermission(rule)) || added.Count(a => a.SamePermission(rule)) > 1)
            {
                var proto = rule.IpProtocol == "-1" ? "ALL" : rule.IpProtocol.ToUpperInvariant();
                return (null, new Ec2Error(400, "InvalidPermission.Duplicate",
                    $"the specified rule \"peer: {rule.Cidr}, {proto}, from port: {rule.FromPort}, to port: {rule.ToPort}, ALLOW\" already exists"));
            }
        }

        foreach (var family in new[] { "IPv4", "IPv6" })
        {
            // As EC2 counts: a CIDR rule counts for its family, a prefix-list rule as the list's maximum entries, a
            // group reference as one rule in each family.
            var count = rules.Where(r => !r.IsEgress).Concat(added).Sum(r => QuotaWeight(r, family));
            if (count > RulesQuota)
            {
                return (null, new Ec2Error(400, "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached."));
            }
        }

        rules.AddRange(added);
        return (new XElement(X("x"), new XElement(X("return"), "true"), new XElement(X("securityGroupRuleSet"), added.Select(RuleXml))), null);
    }

    private int QuotaWeight(FakeSecurityGroupRule rule, string family) =>
        rule.CidrIpv4 is not null ? (family == "IPv4" ? 1 : 0)
        : rule.CidrIpv6 is not null ? (family == "IPv6" ? 1 : 0)
        : rule.PrefixListId is { } pl ? (_prefixLists.TryGetValue(pl, out var list) && list.AddressFamily == family ? list.MaxEntries : 0)
        : 1;

    private (XElement?, Ec2Error?) DescribeManagedPrefixLists(IFormCollection form)
    {
        var ids = List(form, "PrefixListId");
        var missing = ids.FirstOrDefault(id => !_prefixLists.ContainsKey(id));
        if (missing is not null)
        {
            return (null, new Ec2Error(400, "InvalidPrefixListID.NotFound", $"The prefix list ID '{missing}' does not exist"));
        }

        // EC2 API reference, DescribeManagedPrefixLists: MaxResults "Valid Range: Minimum value of 1. Maximum value of
        // 100", and nextToken "null when there are no more results to return"
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html).
        var all = (ids.Count > 0 ? ids : _prefixLists.Keys.ToList()).Select(id => _prefixLists[id]).ToList();
        var (page, next) = Page(form, all, Math.Min(PrefixListPageSize, 100), 1, 100);
        var items = page.Select(l => new XElement(X("item"),
            new XElement(X("prefixListId"), l.Id),
            new XElement(X("addressFamily"), l.AddressFamily),
            new XElement(X("state"), "create-complete"),
            new XElement(X("prefixListArn"), $"arn:aws:ec2:us-east-1:{AccountId}:prefix-list/{l.Id}"),
            new XElement(X("prefixListName"), l.Name),
            new XElement(X("maxEntries"), l.MaxEntries),
            new XElement(X("version"), 1),
            new XElement(X("tagSet")),
            new XElement(X("ownerId"), AccountId)));
        return (WithNextToken(new XElement(X("x"), new XElement(X("prefixListSet"), items)), next), null);
    }

    private (XElement?, Ec2Error?) DescribeNetworkAcls(IFormCollection form)
    {
        var subnets = Filter(form, "association.subnet-id");
        var ids = List(form, "NetworkAclId");
        // EC2 API reference, DescribeNetworkAcls: MaxResults "Valid Range: Minimum value of 5. Maximum value of 1000",
        // nextToken "null when there are no more items to return"
        // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkAcls.html).
        var matching = _acls.Values.Where(a => (subnets.Count == 0 || subnets.Contains(a.SubnetId)) && (ids.Count == 0 || ids.Contains(a.Id))).ToList();
        var (acls, next) = Page(form, matching, NetworkAclPageSize, 5, 1000);
        XElement Entry(int number, bool egress, string protocol, int from, int to, string cidr, bool allow)
        {
            var item = new XElement(X("item"),
                new XElement(X("ruleNumber"), number),
                new XElement(X("protocol"), protocol),
                new XElement(X("ruleAction"), allow ? "allow" : "deny"),
                new XElement(X("egress"), egress ? "true" : "false"),
                new XElement(cidr.Contains(':', StringComparison.Ordinal) ? X("ipv6CidrBlock") : X("cidrBlock"), cidr));
            if (protocol is "6" or "17")
            {
                item.Add(new XElement(X("portRange"), new XElement(X("from"), from), new XElement(X("to"), to)));
            }

            return item;
        }

        var items = acls.Select(a => new XElement(X("item"),
            new XElement(X("networkAclId"), a.Id),
            new XElement(X("vpcId"), VpcId),
            new XElement(X("default"), "false"),
            new XElement(X("entrySet"),
                a.Entries.Select(e => Entry(e.RuleNumber, e.Egress, e.Protocol, e.From, e.To, e.Cidr, e.Allow))
                    // EC2 lists the closing "*" entries too: rule 32767, deny all, each direction and family.
                    .Concat(new[] { true, false }.SelectMany(egress => new[] { "0.0.0.0/0", "::/0" }.Select(c => Entry(32767, egress, "-1", 0, 0, c, false))))),
            new XElement(X("associationSet"), new XElement(X("item"),
                new XElement(X("networkAclAssociationId"), "aclassoc-" + Hex(17)),
                new XElement(X("networkAclId"), a.Id),
                new XElement(X("subnetId"), a.SubnetId))),
            new XElement(X("tagSet")),
            new XElement(X("ownerId"), AccountId)));
        return (WithNextToken(new XElement(X("x"), new XElement(X("networkAclSet"), items)), next), null);
    }

    private (XElement?, Ec2Error?) CreateNetworkAclEntry(IFormCollection form)
    {
        var id = form["NetworkAclId"].ToString();
        if (!_acls.TryGetValue(id, out var acl))
        {
            return (null, new Ec2Error(400, "InvalidNetworkAclID.NotFound", $"The network ACL ID '{id}' does not exist"));
        }

        var egress = string.Equals(form["Egress"], "true", StringComparison.OrdinalIgnoreCase);
        var number = int.TryParse(form["RuleNumber"], CultureInfo.InvariantCulture, out var n) ? n : 0;
        var protocol = form["Protocol"].ToString();
        var ipv6 = form.ContainsKey("Ipv6CidrBlock");
        var cidrText = ipv6 ? form["Ipv6CidrBlock"].ToString() : form["CidrBlock"].ToString();
        if (number is < 1 or > 32766 || !FakeCidr.TryCanonical(cidrText, ipv6, out var cidr) || protocol is not ("6" or "17" or "-1" or "1"))
        {
            return (null, new Ec2Error(400, "InvalidParameterValue", "Invalid network ACL entry"));
        }

        if (acl.Entries.Any(e => e.RuleNumber == number && e.Egress == egress))
        {
            return (null, new Ec2Error(400, "NetworkAclEntryAlreadyExists", $"The network acl entry identified by {number} already exists."));
        }

        var from = int.TryParse(form["PortRange.From"], CultureInfo.InvariantCulture, out var f) ? f : 0;
        var to = int.TryParse(form["PortRange.To"], CultureInfo.InvariantCulture, out var t) ? t : 0;
        var allow = string.Equals(form["RuleAction"], "allow", StringComparison.OrdinalIgnoreCase);
        acl.Entries.Add(new FakeAclEntry(number, egress, protocol, from, to, cidr, allow));
        return (new XElement(X("x"), new XElement(X("return"), "true")), null);
    }

    private (XElement?, Ec2Error?) AuthorizeEgress(IFormCollection form)
    {
        var groupId = form["GroupId"].ToString();
        if (!_groups.TryGetValue(groupId, out var rules))
        {
            return (null, NotFound(groupId));
        }

        var (added, error) = ParsePermissions(form, groupId, new Dictionary<string, string>());
        if (error is not null)
        {
            return (null, error);
        }

        added = added.Select(r => r with { IsEgress = true }).ToList();
        if (added.Any(a => rules.Any(r => r.SamePermission(a))))
        {
            return (null, new Ec2Error(400, "InvalidPermission.Duplicate", "the specified rule already exists"));
        }

        rules.AddRange(added);
        return (new XElement(X("x"), new XElement(X("return"), "true"), new XElement(X("securityGroupRuleSet"), added.Select(RuleXml))), null);
    }

    private (XElement?, Ec2Error?) GetManagedPrefixListEntries(IFormCollection form)
    {
        var id = form["PrefixListId"].ToString();
        if (!_prefixLists.TryGetValue(id, out var list))
        {
            return (null, new Ec2Error(400, "InvalidPrefixListID.NotFound", $"The prefix list ID '{id}' does not exist"));
        }

        // EC2 pages at most 100 entries.
        var max = int.TryParse(form["MaxResults"], CultureInfo.InvariantCulture, out var m) ? Math.Clamp(m, 1, 100) : 100;
        var start = int.TryParse(form["NextToken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = list.Entries.Skip(start).Take(max).ToList();
        var body = new XElement(X("x"), new XElement(X("entrySet"), page.Select(c => new XElement(X("item"), new XElement(X("cidr"), c)))));
        if (start + page.Count < list.Entries.Count)
        {
            body.Add(new XElement(X("nextToken"), (start + page.Count).ToString(CultureInfo.InvariantCulture)));
        }

        return (body, null);
    }

    private (XElement?, Ec2Error?) RevokeIngress(IFormCollection form)
    {
        var groupId = form["GroupId"].ToString();
        if (!_groups.TryGetValue(groupId, out var rules))
        {
            return (null, NotFound(groupId));
        }

        var ids = List(form, "SecurityGroupRuleId");
        if (ids.Count > 0)
        {
            var unknown = ids.Where(id => !rules.Any(r => r.RuleId == id && !r.IsEgress)).ToList();
            if (unknown.Count > 0)
            {
                return (null, new Ec2Error(400, "InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{unknown[0]}' does not exist"));
            }

            rules.RemoveAll(r => ids.Contains(r.RuleId));
            return (new XElement(X("x"), new XElement(X("return"), "true")), null);
        }

        var (wanted, error) = ParsePermissions(form, groupId, new Dictionary<string, string>());
        if (error is not null)
        {
            return (null, error);
        }

        var matched = rules.Where(r => wanted.Any(w => w.SamePermission(r))).ToList();
        if (matched.Count == 0)
        {
            return (null, new Ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group."));
        }

        rules.RemoveAll(matched.Contains);
        return (new XElement(X("x"), new XElement(X("return"), "true")), null);
    }

    private static (List<FakeSecurityGroupRule>, Ec2Error?) ParsePermissions(IFormCollection form, string groupId, Dictionary<string, string> tags)
    {
        var result = new List<FakeSecurityGroupRule>();
        for (var p = 1; form.ContainsKey($"IpPermissions.{p}.IpProtocol"); p++)
        {
            var protocol = form[$"IpPermissions.{p}.IpProtocol"].ToString().ToLowerInvariant();
            if (protocol is not ("tcp" or "udp" or "icmp" or "-1"))
            {
                return (result, new Ec2Error(400, "InvalidParameterValue", $"Invalid value '{protocol}' for IP protocol. Unknown protocol."));
            }

            var from = int.TryParse(form[$"IpPermissions.{p}.FromPort"], CultureInfo.InvariantCulture, out var f) ? f : -1;
            var to = int.TryParse(form[$"IpPermissions.{p}.ToPort"], CultureInfo.InvariantCulture, out var t) ? t : -1;
            if (protocol is "tcp" or "udp" && (from < 0 || to > 65535 || from > to))
            {
                return (result, new Ec2Error(400, "InvalidParameterValue", $"Invalid TCP/UDP port range {from}-{to}"));
            }

            foreach (var (prefix, field, v6) in new[] { ("IpRanges", "CidrIp", false), ("Ipv6Ranges", "CidrIpv6", true) })
            {
                for (var r = 1; form.ContainsKey($"IpPermissions.{p}.{prefix}.{r}.{field}"); r++)
                {
                    var text = form[$"IpPermissions.{p}.{prefix}.{r}.{field}"].ToString();
                    if (!FakeCidr.TryCanonical(text, v6, out var cidr))
                    {
                        return (result, new Ec2Error(400, "InvalidParameterValue", $"CIDR block {text} is malformed"));
                    }

                    var description = form[$"IpPermissions.{p}.{prefix}.{r}.Description"].ToString();
                    result.Add(new FakeSecurityGroupRule("sgr-" + Hex(17), groupId, false, protocol, from, to,
                        v6 ? null : cidr, v6 ? cidr : null, description.Length > 0 ? description : null, new Dictionary<string, string>(tags)));
                }
            }
        }

        return (result, null);
    }

    private static XElement RuleXml(FakeSecurityGroupRule rule)
    {
        var item = new XElement(X("item"),
            new XElement(X("securityGroupRuleId"), rule.RuleId),
            new XElement(X("groupId"), rule.GroupId),
            new XElement(X("groupOwnerId"), AccountId),
            new XElement(X("isEgress"), rule.IsEgress ? "true" : "false"),
            new XElement(X("ipProtocol"), rule.IpProtocol),
            new XElement(X("fromPort"), rule.FromPort),
            new XElement(X("toPort"), rule.ToPort));
        if (rule.CidrIpv4 is not null)
        {
            item.Add(new XElement(X("cidrIpv4"), rule.CidrIpv4));
        }

        if (rule.CidrIpv6 is not null)
        {
            item.Add(new XElement(X("cidrIpv6"), rule.CidrIpv6));
        }

        if (rule.PrefixListId is not null)
        {
            item.Add(new XElement(X("prefixListId"), rule.PrefixListId));
        }

        if (rule.ReferencedGroupId is not null)
        {
            item.Add(new XElement(X("referencedGroupInfo"), new XElement(X("groupId"), rule.ReferencedGroupId), new XElement(X("userId"), AccountId)));
        }

        if (rule.Description is not null)
        {
            item.Add(new XElement(X("description"), rule.Description));
        }

        item.Add(new XElement(X("tagSet"), rule.Tags.Select(t => new XElement(X("item"), new XElement(X("key"), t.Key), new XElement(X("value"), t.Value)))));
        item.Add(new XElement(X("securityGroupRuleArn"), $"arn:aws:ec2:us-east-1:{AccountId}:security-group-rule/{rule.RuleId}"));
        return item;
    }

    private static List<string> List(IFormCollection form, string name)
    {
        var values = new List<string>();
        for (var i = 1; form.ContainsKey($"{name}.{i}"); i++)
        {
            values.Add(form[$"{name}.{i}"].ToString());
        }

        return values;
    }

    private static List<string> Filter(IFormCollection form, string filterName)
    {
        for (var i = 1; form.ContainsKey($"Filter.{i}.Name"); i++)
        {
            if (form[$"Filter.{i}.Name"] == filterName)
            {
                return List(form, $"Filter.{i}.Value");
            }
        }

        return [];
    }

    private static Ec2Error NotFound(string groupId) =>
        new(400, "InvalidGroup.NotFound", $"The security group '{groupId}' does not exist");

    /// <summary>
    /// One page of <paramref name="all"/>: at most MaxResults (clamped to EC2's documented range) or, when the caller
    /// does not ask, <paramref name="serverPage"/>, from the offset in NextToken; the next token when more are left.
    /// </summary>
    private static (List<T> Page, string? Next) Page<T>(IFormCollection form, IReadOnlyList<T> all, int serverPage, int min, int max)
    {
        var size = int.TryParse(form["MaxResults"], CultureInfo.InvariantCulture, out var m) ? Math.Min(Math.Clamp(m, min, max), serverPage) : serverPage;
        var start = int.TryParse(form["NextToken"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = all.Skip(start).Take(size).ToList();
        return (page, start + page.Count < all.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static XElement WithNextToken(XElement body, string? next)
    {
        if (next is not null)
        {
            body.Add(new XElement(X("nextToken"), next));
        }

        return body;
    }

    private static XName X(string name) => XName.Get(name, Namespace);

    private static string Hex(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((length + 1) / 2))[..length];

    private static Task Error(HttpContext context, int status, string code, string message, string requestId) =>
        Write(context, status, new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement("Response",
                new XElement("Errors", new XElement("Error", new XElement("Code", code), new XElement("Message", message))),
                new XElement("RequestID", requestId))));

    private static async Task Write(HttpContext context, int status, XDocument document)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        await context.Response.WriteAsync(document.Declaration + document.ToString(SaveOptions.DisableFormatting), Encoding.UTF8);
    }

    private sealed record Ec2Error(int Status, string Code, string Message);

    private sealed record FakeNetworkAcl(string Id, string SubnetId, List<FakeAclEntry> Entries);

    private sealed record FakeAclEntry(int RuleNumber, bool Egress, string Protocol, int From, int To, string Cidr, bool Allow);

    private sealed record FakePrefixList(string Id, string Name, string AddressFamily, int MaxEntries, List<string> Entries);
}
