using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Microsoft.AspNetCore.Http;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Testing;
using OecCloudFw.Testing.Aws;

namespace OecCloudFw.Aws.Tests;

/// <summary>
/// <c>--inventory aws:tag:…</c>: the provider lists the running instances carrying the tags, over real HTTP to the fake
/// EC2 (which filters and pages as EC2's API reference documents), and the documented DescribeInstances example read
/// through the SDK gives the server it describes.
/// </summary>
public sealed class InstanceInventoryTests : IAsyncLifetime
{
    private static readonly AwsProvider Provider = new();
    private FakeEc2 _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeEc2.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Registration_SaysItListsInstancesByTag()
    {
        ICloudProvider provider = Provider;

        Assert.Equal("tag:KEY=VALUE", provider.ServerSelector);
    }

    [Fact]
    public async Task ListServers_TagMatches_TheInstanceWithItsAddressesLayerAndGroups()
    {
        var web = _fake.AddInstance(new FakeInstance
        {
            Tags = FakeInstance.Tagged(("Role", "web"), ("Env", "prod"), ("aws:autoscaling:groupName", "web asg")),
            Interfaces =
            [
                new FakeEni([_fake.CreateGroup()]) { PublicIp = "203.0.113.10", Ipv6 = "2001:db8:0:0::a", PrivateIp = "10.0.0.10", SecondaryPrivateIps = ["10.0.0.11"] },
                new FakeEni([_fake.CreateGroup()]) { PublicIp = "203.0.113.99", Ipv6 = "2001:db8::99", PrivateIp = "10.0.1.20" },
            ],
        });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "db")), Interfaces = [new FakeEni([])] });

        var servers = await ListAsync("tag:Role=web");

        var server = Assert.Single(servers);
        Assert.Equal(web, server.Name);
        // The instance's public IPv4, then the primary ENI's IPv6 (compressed); the second ENI's addresses are not its public ones.
        Assert.Equal(["203.0.113.10", "2001:db8::a"], server.PublicAddresses);
        Assert.Equal(["10.0.0.10", "10.0.0.11", "10.0.1.20"], server.PrivateAddresses);
        Assert.Equal([KeyValuePair.Create("instance", web)], server.Layer);
        Assert.Equal(["aws_ec2", "tag_Env_prod", "tag_Role_web", "tag_aws_autoscaling_groupName_web_asg"], server.Groups);
    }

    [Fact]
    public async Task ListServers_NoInstanceCarriesTheTag_IsEmpty_AndKeysAndValuesAreCaseSensitive()
    {
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "db")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("role", "web")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "Web")), Interfaces = [new FakeEni([])] });

        Assert.Empty(await ListAsync("tag:Role=web"));
        Assert.Equal(1, _fake.Calls("DescribeInstances"));
    }

    [Fact]
    public async Task ListServers_SeveralTags_AnInstanceMustCarryThemAll()
    {
        var both = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web"), ("Env", "prod")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web"), ("Env", "staging")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Env", "prod")), Interfaces = [new FakeEni([])] });
        var withTeam = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web"), ("Env", "prod"), ("Team", "")), Interfaces = [new FakeEni([])] });

        Assert.Equal(new[] { both, withTeam }.Order(StringComparer.Ordinal), (await ListAsync("tag:Role=web,Env=prod")).Select(s => s.Name));
        // A key alone among pairs: the tag is there, whatever its value (empty included).
        Assert.Equal([withTeam], (await ListAsync("tag:Role=web,Team")).Select(s => s.Name));
    }

    [Fact]
    public async Task ListServers_KeyAlone_MatchesAnyValue_EvenEmpty()
    {
        var web = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });
        var db = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "db")), Interfaces = [new FakeEni([])] });
        var empty = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Name", "Role")), Interfaces = [new FakeEni([])] });

        var servers = await ListAsync("tag:Role");

        Assert.Equal(new[] { web, db, empty }.Order(StringComparer.Ordinal), servers.Select(s => s.Name));
        // As Ansible's keyed groups name an empty value: the separator stays.
        Assert.Equal(["aws_ec2", "tag_Role_"], servers.Single(s => s.Name == empty).Groups);
    }

    [Fact]
    public async Task ListServers_InstancesNotRunning_AreLeftOut()
    {
        var running = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });
        foreach (var state in new[] { "pending", "stopping", "stopped", "shutting-down", "terminated" })
        {
            _fake.AddInstance(new FakeInstance { State = state, Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });
        }

        var stoppedLater = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });
        _fake.SetInstanceState(stoppedLater, "stopped");

        Assert.Equal([running], (await ListAsync("tag:Role=web")).Select(s => s.Name));
    }

    [Fact]
    public async Task ListServers_ManyPages_EveryInstanceOnce_OrderedById_TheSameOrderEachTime()
    {
        _fake.InstancePageSize = 2;
        var expected = new List<string>();
        for (var n = 0; n < 7; n++)
        {
            // Three share a reservation (one launch request), split by the page boundaries; others are not tagged.
            var reservation = n < 3 ? "r-0123456789abcdef0" : null;
            expected.Add(_fake.AddInstance(new FakeInstance { ReservationId = reservation, Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([]) { PublicIp = $"203.0.113.{n + 1}" }] }));
            _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "db")), Interfaces = [new FakeEni([])] });
        }

        var first = await ListAsync("tag:Role=web");
        var calls = _fake.Calls("DescribeInstances");
        var second = await ListAsync("tag:Role=web");

        Assert.Equal(expected.Order(StringComparer.Ordinal), first.Select(s => s.Name));
        Assert.Equal(4, calls);
        Assert.Equal(first.Select(s => s.Name), second.Select(s => s.Name));
        Assert.Equal(7, first.Select(s => s.PublicAddresses[0]).Distinct().Count());
    }

    [Fact]
    public async Task ListServers_ValuesWithWildcardCharacters_AreMatchedAsWritten()
    {
        var star = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web*")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "webserver")), Interfaces = [new FakeEni([])] });
        var question = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "w?b")), Interfaces = [new FakeEni([])] });
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "wab")), Interfaces = [new FakeEni([])] });
        var backslash = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Path", @"C:\*")), Interfaces = [new FakeEni([])] });

        Assert.Equal([star], (await ListAsync("tag:Role=web*")).Select(s => s.Name));
        Assert.Equal([question], (await ListAsync("tag:Role=w?b")).Select(s => s.Name));
        Assert.Equal([backslash], (await ListAsync(@"tag:Path=C:\*")).Select(s => s.Name));
        Assert.Equal(["aws_ec2", "tag_Path_C___"], (await ListAsync("tag:Path")).Single().Groups);
    }

    [Theory]
    [InlineData("", "AWS instances are selected by tag")]
    [InlineData("label:env=prod", "AWS instances are selected by tag")]
    [InlineData("Tag:Role=web", "AWS instances are selected by tag")]
    [InlineData("tag:", "a tag is empty")]
    [InlineData("tag:Role=web,,Env=prod", "a tag is empty")]
    [InlineData("tag:Role=web,", "a tag is empty")]
    [InlineData("tag:=web", "the tag '=web' has no key")]
    [InlineData("tag:Role=", "the tag Role has an empty value (give tag:Role for any value)")]
    [InlineData("tag:Role=web,Role=db", "the tag Role is given twice")]
    [InlineData("tag:Ro\nle=web", @"the tag key 'Ro\u000ale' has a control character")]
    [InlineData("tag:Role=we\tb", @"the tag value 'we\u0009b' has a control character")]
    [InlineData("tag:Role=web, Env=prod", "the tag key ' Env' starts or ends with a space")]
    public async Task ListServers_BadSelector_IsInvalidInput_BeforeAnyRequest(string selector, string why)
    {
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync(selector));

        Assert.StartsWith("--inventory aws:", error.Message, StringComparison.Ordinal);
        Assert.Contains(": " + why + ": use aws:tag:KEY=VALUE[,KEY=VALUE…] or tag:KEY", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Requests);
    }

    [Fact]
    public async Task ListServers_TagLongerThanEc2Allows_IsInvalidInput_BeforeAnyRequest()
    {
        var key = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync($"tag:{new string('k', 129)}=web"));
        var value = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync($"tag:Role={new string('v', 257)}"));
        await ListAsync($"tag:{new string('k', 128)}={new string('v', 256)}");

        Assert.Contains("longer than EC2's 128 characters", key.Message, StringComparison.Ordinal);
        Assert.Contains("longer than EC2's 256 characters", value.Message, StringComparison.Ordinal);
        Assert.Equal(1, _fake.Requests);
    }

    [Theory]
    [InlineData("region", "Mars", "is not an AWS region name")]
    [InlineData("max-attempts", "0", "--aws-max-attempts 0 is out of range")]
    [InlineData("retry-mode", "eager", "--aws-retry-mode 'eager' is not a retry mode")]
    [InlineData("endpoint-url", "ftp://127.0.0.1/", "is not an endpoint URL")]
    public async Task ListServers_BadConnectionSetting_IsInvalidInput_BeforeAnyRequest(string setting, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync("tag:Role=web", (setting, value)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Requests);
    }

    [Fact]
    public async Task ListServers_NotAuthorized_IsLayerFailure_WithEc2sCodeAndTheFix()
    {
        _fake.Inject("DescribeInstances", Ec2Fault.Unauthorized);

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web"));

        Assert.Equal("not authorized to call ec2:DescribeInstances on instances tagged Role=web (UnauthorizedOperation): grant the IAM action ec2:DescribeInstances to this identity", error.Message);
    }

    [Fact]
    public async Task ListServers_ThrottledThroughEveryRetry_IsLayerFailure()
    {
        _fake.Inject("DescribeInstances", Ec2Fault.Throttle, times: 2);

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web", ("max-attempts", "2")));

        Assert.StartsWith("EC2 throttled ec2:DescribeInstances (RequestLimitExceeded) through every retry", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _fake.Calls("DescribeInstances"));
    }

    [Fact]
    public async Task ListServers_APageFailsAfterTheFirst_IsLayerFailure_NotAPartialFleet()
    {
        FiveWebInstancesTheSecondPageFailingOnce();

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web", ("max-attempts", "1")));

        Assert.Contains("InternalError", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _fake.Calls("DescribeInstances"));
    }

    [Fact]
    public async Task ListServers_ARetriedPage_IsReadAgain_AndTheFleetIsWhole()
    {
        FiveWebInstancesTheSecondPageFailingOnce();

        Assert.Equal(5, (await ListAsync("tag:Role=web")).Count);
        Assert.Equal(4, _fake.Calls("DescribeInstances"));
    }

    /// <summary>Five web instances listed two per page; the second page's first request answers EC2's InternalError.</summary>
    private void FiveWebInstancesTheSecondPageFailingOnce()
    {
        _fake.InstancePageSize = 2;
        for (var n = 0; n < 5; n++)
        {
            _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")), Interfaces = [new FakeEni([])] });
        }

        var seen = 0;
        _fake.BeforeAction = action =>
        {
            if (action == "DescribeInstances" && ++seen == 2)
            {
                _fake.Inject("DescribeInstances", Ec2Fault.ServerError);
            }
        };
    }

    /// <summary>
    /// The API reference's sample response (Example 2, transcribed in Fixtures), served as EC2 would: the SDK reads it
    /// and the inventory makes of it the server it describes. The request the tool sent is EC2's documented query
    /// form (Filter.N.Name, Filter.N.Value.M, as in Examples 5 and 6; MaxResults as in Example 1).
    /// </summary>
    [Fact]
    public async Task DocumentedExampleResponse_ReadThroughTheSdk_IsTheServerItDescribes()
    {
        var example = DocumentedExample().ToString(SaveOptions.DisableFormatting);
        IFormCollection? sent = null;
        var (app, url) = await LoopbackServer.StartAsync(async context =>
        {
            sent = await context.Request.ReadFormAsync();
            context.Response.ContentType = "text/xml;charset=UTF-8";
            await context.Response.WriteAsync(example);
        });
        await using var _ = app;

        var servers = await Provider.ListServersAsync("tag:Name=Server_1", Values(url, ("region", "eu-west-1")), Context(), Ct);

        var server = Assert.Single(servers);
        Assert.Equal("i-1234567890abcdef0", server.Name);
        Assert.Equal(["54.194.252.215", "2001:db8:1234:1a2b::123"], server.PublicAddresses);
        Assert.Equal(["192.168.1.88"], server.PrivateAddresses);
        Assert.Equal([KeyValuePair.Create("instance", "i-1234567890abcdef0")], server.Layer);
        Assert.Equal(["aws_ec2", "tag_Name_Server_1"], server.Groups);
        Assert.NotNull(sent);
        Assert.Equal("DescribeInstances", sent["Action"].ToString());
        Assert.Equal(("instance-state-name", "running"), (sent["Filter.1.Name"].ToString(), sent["Filter.1.Value.1"].ToString()));
        Assert.Equal(("tag:Name", "Server_1"), (sent["Filter.2.Name"].ToString(), sent["Filter.2.Value.1"].ToString()));
        Assert.False(sent.ContainsKey("Filter.3.Name"));
        Assert.Equal("1000", sent["MaxResults"].ToString());
    }

    /// <summary>
    /// The fake's answer to the documented request (Example 2) for the documented instance: every element it writes is
    /// one the sample response has, where the documented instance says it, with the documented value (but for what
    /// the fake does not model: names, times, MACs, the request id); and the SDK reads it into the same server.
    /// </summary>
    [Fact]
    public async Task FakesAnswerToTheDocumentedRequest_HasTheDocumentedShapeAndValues()
    {
        _fake.AddInstance(DocumentedInstance());
        using var ec2 = SdkClient(_fake.Url);

        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-1234567890abcdef0"] }, Ct);

        string[] unmodelled = ["requestId", "imageId", "instanceType", "launchTime", "attachTime", "groupName", "macAddress", "attachmentId", "vpcId", "keyName"];
        var documented = Leaves(DocumentedExample()).ToHashSet();
        var documentedPaths = documented.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        var fake = Leaves(XElement.Parse(_fake.LastResponse!)).ToList();
        Assert.All(fake, leaf =>
        {
            Assert.Contains(leaf.Path, documentedPaths);
            if (!unmodelled.Contains(leaf.Path.Split('/')[^1]))
            {
                Assert.Contains(leaf, documented);
            }
        });
        // What the inventory reads is all there: the same server from either answer.
        Assert.Equivalent(Ec2Inventory.Server(Assert.Single(Assert.Single(response.Reservations).Instances)), (await Provider.ListServersAsync("tag:Name=Server_1", Values(_fake.Url), Context(), Ct)).Single());
        Assert.Equal("54.194.252.215", Ec2Inventory.Server(response.Reservations[0].Instances[0]).PublicAddresses[0]);
    }

    /// <summary>
    /// Examples 4, 5 and 6 of the API reference (filter vpc-id by <c>*</c>, tag-key <c>Owner</c>, tag:Owner <c>DbAdmin</c>)
    /// sent to the fake through the SDK: the filters select as documented, and values of one filter are ORed.
    /// </summary>
    [Fact]
    public async Task FakeAnswersTheDocumentedFilterExamples()
    {
        var dbAdmin = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Owner", "DbAdmin")), Interfaces = [new FakeEni([])] });
        var teamA = _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Owner", "TeamA")), Interfaces = [new FakeEni([])] });
        var untagged = _fake.AddInstance(new FakeInstance { Interfaces = [new FakeEni([])] });
        using var ec2 = SdkClient(_fake.Url);

        async Task<List<string>> Ids(params Filter[] filters)
        {
            var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. filters] }, Ct);
            return [.. (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(i => i.InstanceId)];
        }

        Assert.Equal([dbAdmin, teamA, untagged], await Ids(new Filter("vpc-id", ["*"])));
        Assert.Equal([dbAdmin, teamA], await Ids(new Filter("tag-key", ["Owner"])));
        Assert.Equal([dbAdmin], await Ids(new Filter("tag:Owner", ["DbAdmin"])));
        Assert.Equal([dbAdmin, teamA], await Ids(new Filter("tag:Owner", ["DbAdmin", "TeamA"])));
        Assert.Empty(await Ids(new Filter("tag:Owner", ["DbAdmin"]), new Filter("tag-key", ["Name"])));
        Assert.Equal([teamA], await Ids(new Filter("tag:Owner", ["T?am*"])));
        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => Ids(new Filter("tag-kee", ["Owner"])));
        Assert.Equal("InvalidParameterValue", unknown.ErrorCode);
    }

    [Fact]
    public async Task ListServers_OperatorCancels_ACancellation_NotCannotReachEc2()
    {
        _fake.AddInstance(new FakeInstance { Tags = FakeInstance.Tagged(("Role", "web")) });
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _fake.BeforeAction = action =>
        {
            if (action == "DescribeInstances")
            {
                ctrlC.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Provider.ListServersAsync("tag:Role=web", Values(_fake.Url), Context(), ctrlC.Token));
    }

    private async Task<IReadOnlyList<CloudServer>> ListAsync(string selector, params (string Name, string Value)[] settings) =>
        await Provider.ListServersAsync(selector, Values(_fake.Url, settings), Context(), Ct);

    /// <summary>The provider's settings as audit's flags give them: the endpoint and region, and what the test adds.</summary>
    private static ProviderSettings Values(Uri endpoint, params (string Name, string Value)[] settings)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["endpoint-url"] = [endpoint.ToString()],
            ["region"] = ["us-east-1"],
        };
        foreach (var (name, value) in settings)
        {
            values[name] = [value];
        }

        return new ProviderSettings(values, name => "--aws-" + name);
    }

    private static ProviderContext Context() => new(new Env(), TimeProvider.System, ILayerReadCache.None);

    private static AmazonEC2Client SdkClient(Uri endpoint) =>
        new(new BasicAWSCredentials("AKIDTEST", "secret"), new AmazonEC2Config { ServiceURL = endpoint.ToString(), AuthenticationRegion = "eu-west-1", MaxErrorRetry = 0 });

    private static XElement DocumentedExample() =>
        XDocument.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "describe-instances-example.xml")).Root!;

    /// <summary>The instance of the documented sample response, as the fake holds instances.</summary>
    private static FakeInstance DocumentedInstance() => new()
    {
        Id = "i-1234567890abcdef0",
        ReservationId = "r-1234567890abcdef0",
        AvailabilityZone = "eu-west-1c",
        SubnetId = "subnet-56f5f633",
        Tags = FakeInstance.Tagged(("Name", "Server_1")),
        Interfaces =
        [
            new FakeEni(["sg-e4076980"]) { Id = "eni-551ba033", PrivateIp = "192.168.1.88", PublicIp = "54.194.252.215", Ipv6 = "2001:db8:1234:1a2b::123" },
        ],
    };

    /// <summary>Every leaf element as (path of local names from the root, text).</summary>
    private static IEnumerable<(string Path, string Value)> Leaves(XElement root) =>
        root.Descendants().Where(e => !e.HasElements).Select(e =>
            (string.Join('/', e.AncestorsAndSelf().Reverse().Skip(1).Select(a => a.Name.LocalName)), e.Value));

    private sealed class Env : IEnvironment
    {
        public string? Variable(string name) => null;
    }
}
