using System.Text.Json.Nodes;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Providers;
using OecCloudFw.Testing.Azure;
using static OecCloudFw.Testing.Azure.FakeArm;

namespace OecCloudFw.Azure.Tests;

/// <summary>
/// <c>--inventory azure:tag:…</c>: the provider lists the running VMs whose tags the selector names, from the fake ARM
/// (its own paging, instance views, NICs and public IPs), through the real ARM pipeline.
/// </summary>
public sealed class VmInventoryTests : IAsyncLifetime
{
    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AzureProvider CreateSut() => new(_arm.Connection());

    private ProviderSettings Values(string? resourceGroup = null, string? subscription = Subscription, string? endpoint = null)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["endpoint"] = [endpoint ?? _arm.Url.ToString()] };
        if (resourceGroup is not null)
        {
            values["resource-group"] = [resourceGroup];
        }

        if (subscription is not null)
        {
            values["subscription"] = [subscription];
        }

        return new ProviderSettings(values, name => name == "resource-group" ? "--resource-group" : "--azure-" + name);
    }

    private static ProviderContext Context(params (string Name, string Value)[] environment) =>
        new(new Env(environment.ToDictionary(e => e.Name, e => e.Value)), TimeProvider.System, ILayerReadCache.None);

    private Task<IReadOnlyList<CloudServer>> ListAsync(string selector, string? resourceGroup = null) =>
        CreateSut().ListServersAsync(selector, Values(resourceGroup), Context(), Ct);

    private static Dictionary<string, string> Tags(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static List<string> Names(IEnumerable<CloudServer> servers) => [.. servers.Select(s => s.Name)];

    [Fact]
    public void ServerSelector_IsTheTagGrammar()
    {
        Assert.Equal("tag:KEY=VALUE[,KEY=VALUE…] or tag:KEY", CreateSut().ServerSelector);
    }

    [Fact]
    public async Task ListServers_TagNames_CompareCaseInsensitively_ValuesCaseSensitively()
    {
        _arm.AddVm("rg1", "a", null, null, tags: Tags("Role=web"));
        _arm.AddVm("rg1", "b", null, null, tags: Tags("role=web"));
        _arm.AddVm("rg1", "c", null, null, tags: Tags("Role=Web"));
        _arm.AddVm("rg1", "d", null, null, tags: Tags("ROLE=web", "Env=prod"));
        _arm.AddVm("rg1", "e", null, null, tags: Tags("Team=web"));

        Assert.Equal(["a", "b", "d"], Names(await ListAsync("tag:role=web")));
        Assert.Equal(["a", "b", "d"], Names(await ListAsync("tag:ROLE=web")));
        Assert.Equal(["c"], Names(await ListAsync("tag:Role=Web")));
        Assert.Empty(await ListAsync("tag:Role=WEB"));
    }

    [Fact]
    public async Task ListServers_EveryTagOfTheSelectorMustMatch_ANameAloneMatchesAnyValue()
    {
        _arm.AddVm("rg1", "a", null, null, tags: Tags("Role=web", "Env=prod"));
        _arm.AddVm("rg1", "b", null, null, tags: Tags("Role=web", "Env=test"));
        _arm.AddVm("rg1", "c", null, null, tags: Tags("Role=db", "Env=prod"));
        _arm.AddVm("rg1", "d", null, null, tags: Tags("Env="));

        Assert.Equal(["a"], Names(await ListAsync("tag:Role=web,Env=prod")));
        Assert.Equal(["a", "b"], Names(await ListAsync("tag:Role=web,env")));
        Assert.Equal(["a", "b", "c", "d"], Names(await ListAsync("tag:Env")));
        Assert.Equal(["d"], Names(await ListAsync("tag:Env=")));
        Assert.Empty(await ListAsync("tag:Role=web,Owner"));
    }

    [Fact]
    public async Task ListServers_OnlyRunningVms_DeallocatedStoppedAndStartingAreLeftOut()
    {
        foreach (var state in new[] { "running", "deallocated", "stopped", "starting" })
        {
            _arm.AddVm("rg1", state, null, null, tags: Tags("Role=web"), powerState: state);
        }

        Assert.Equal(["running"], Names(await ListAsync("tag:Role=web")));

        _arm.SetPowerState("rg1", "deallocated", "running");
        Assert.Equal(["deallocated", "running"], Names(await ListAsync("tag:Role=web")));
    }

    [Fact]
    public async Task ListServers_ManyPages_EveryPageRead_EachNicAndPublicIpOnce_OrderedByName()
    {
        _arm.PageSize = 2;
        // The fake pages in the order of the VMs' ids (rg-a before rg-b): not the order of their names.
        _arm.AddVm("rg-a", "zeta", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.1");
        _arm.AddVm("rg-a", "yankee", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.2");
        _arm.AddVm("rg-a", "other", null, null, tags: Tags("Role=db"), privateIp: "10.0.0.3");
        _arm.AddVm("rg-b", "charlie", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.4");
        _arm.AddVm("rg-b", "alpha", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.5");
        _arm.AddVm("rg-b", "bravo", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.6");
        _arm.ResetCounts();

        var servers = await ListAsync("tag:Role=web");

        Assert.Equal(["alpha", "bravo", "charlie", "yankee", "zeta"], Names(servers));
        Assert.Equal(["10.0.0.5", "10.0.0.6", "10.0.0.4", "10.0.0.2", "10.0.0.1"], servers.Select(s => s.PrivateAddresses.Single()));
        // Six VMs two a page: three pages; then the five chosen VMs' NICs and public IPs, each once (not the db VM's).
        Assert.Equal(3 + 5 + 5, _arm.Reads);
    }

    [Fact]
    public async Task ListServers_ResourceGroupGiven_ListsOnlyItsVms_AMissingOneIsALayerFailure()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.AddVm("rg2", "web2", null, null, tags: Tags("Role=web"));

        Assert.Equal(["web1", "web2"], Names(await ListAsync("tag:Role=web")));
        var only = Assert.Single(await ListAsync("tag:Role=web", resourceGroup: "rg2"));
        Assert.Equal("web2", only.Name);
        Assert.Equal("rg2", only.Layer["resource-group"]);

        var missing = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web", resourceGroup: "rg3"));
        Assert.Contains("ResourceGroupNotFound", missing.Message, StringComparison.Ordinal);
        Assert.Contains("Resource group 'rg3' could not be found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_VmWithoutPublicIp_NoPublicAddress_ItsPrivateOneListed()
    {
        _arm.AddVm("rg1", "internal", null, null, publicIpSku: null, tags: Tags("Role=web"), privateIp: "10.0.0.7");

        var server = Assert.Single(await ListAsync("tag:Role=web"));

        Assert.Empty(server.PublicAddresses);
        Assert.Equal(["10.0.0.7"], server.PrivateAddresses);
    }

    [Fact]
    public async Task ListServers_PrimaryNicFirst_PublicIPv4BeforeIPv6_IPv6Compressed()
    {
        _arm.AddVm("rg1", "multi", null, null, tags: Tags("Role=web"), privateIp: "10.0.0.4", publicIp: "198.51.100.7");
        var second = _arm.AddNic("rg1", "multi", "multi-nic2", null, "backend", null, "10.0.1.4", [("Standard", "IPv6"), ("Standard", "IPv4")],
            publicAddresses: ["2001:0db8:0000:0000:0000:0000:0000:00a1", "198.51.100.8"]);
        // ARM lists the VM's NICs in any order: the one marked primary comes first.
        var vmId = _arm.Id("rg1", "Microsoft.Compute/virtualMachines", "multi");
        _arm.PutResource(new JsonObject
        {
            ["name"] = "multi",
            ["id"] = vmId,
            ["type"] = "Microsoft.Compute/virtualMachines",
            ["location"] = "westeurope",
            ["tags"] = new JsonObject { ["Role"] = "web" },
            ["properties"] = new JsonObject
            {
                ["networkProfile"] = new JsonObject
                {
                    ["networkInterfaces"] = new JsonArray(
                        new JsonObject { ["id"] = second, ["properties"] = new JsonObject { ["primary"] = false } },
                        new JsonObject { ["id"] = _arm.Id("rg1", "Microsoft.Network/networkInterfaces", "multi-nic"), ["properties"] = new JsonObject { ["primary"] = true } }),
                },
            },
        });

        var server = Assert.Single(await ListAsync("tag:Role=web"));

        Assert.Equal(["10.0.0.4", "10.0.1.4"], server.PrivateAddresses);
        Assert.Equal(["198.51.100.7", "198.51.100.8", "2001:db8::a1"], server.PublicAddresses);
    }

    [Fact]
    public async Task ListServers_Layer_IsWhatTheProvidersLayerReads_GroupsAsAnsibleNamesThem()
    {
        var nsg = _arm.AddNsg("rg1", "web-nsg", RuleSpec("http", 100, "Allow", "Tcp", "*", "80"));
        _arm.AddVm("rg1", "web1", nsg, null, tags: Tags("Role=web", "env=prod-eu", "cost center=R&D"), location: "westeurope");

        var server = Assert.Single(await ListAsync("tag:Role=web"));

        Assert.Equal(new Dictionary<string, string> { ["vm"] = "web1", ["resource-group"] = "rg1" }, server.Layer);
        Assert.Equal(["tag_Role_web", "tag_cost_center_R_D", "tag_env_prod_eu", "westeurope"], server.Groups);
        // The layer the listing names is the one audit reads: the VM's NIC NSG, which admits HTTP.
        var values = Values().With("vm", server.Layer["vm"]).With("resource-group", server.Layer["resource-group"]);
        var layer = await CreateSut().CreateAsync(values, Context(), Ct);
        try
        {
            var state = await layer.ReadAsync(Ct);
            Assert.True(state.View.Evaluate(Protocol.Tcp, 80, Cidr.AnyIPv4).Admitted);
            Assert.False(state.View.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv4).Admitted);
        }
        finally
        {
            (layer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task ListServers_SameNameInTwoResourceGroups_NamedByResourceGroup()
    {
        _arm.AddVm("rg1", "web", null, null, tags: Tags("Role=web"));
        _arm.AddVm("rg2", "WEB", null, null, tags: Tags("Role=web"));
        _arm.AddVm("rg1", "api", null, null, tags: Tags("Role=web"));

        var servers = await ListAsync("tag:Role=web");

        Assert.Equal(["api", "rg1/web", "rg2/WEB"], Names(servers));
        Assert.Equal(new Dictionary<string, string> { ["vm"] = "WEB", ["resource-group"] = "rg2" }, servers[2].Layer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("label:role=web")]
    [InlineData("Tag:Role=web")]
    [InlineData("Role=web")]
    [InlineData("tag:")]
    [InlineData("tag:=web")]
    [InlineData("tag:Role=web,,Env=prod")]
    [InlineData("tag:Role=web,")]
    [InlineData("tag:a/b=c")]
    [InlineData("tag:50%=x")]
    public async Task ListServers_BadSelector_InvalidInputNamingTheGrammar_BeforeAnyRequest(string selector)
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.ResetCounts();

        var bad = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync(selector));

        Assert.StartsWith($"--inventory azure:{selector}: ", bad.Message, StringComparison.Ordinal);
        Assert.Contains("tag:KEY=VALUE[,KEY=VALUE…] or tag:KEY", bad.Message, StringComparison.Ordinal);
        Assert.Equal(0, _arm.Reads);
    }

    [Fact]
    public async Task ListServers_TagNameOrValueTooLong_InvalidInput_BeforeAnyRequest()
    {
        var longName = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync($"tag:{new string('k', 513)}=v"));
        var longValue = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync($"tag:k={new string('v', 257)}"));

        Assert.Contains("512", longName.Message, StringComparison.Ordinal);
        Assert.Contains("256", longValue.Message, StringComparison.Ordinal);
        Assert.Equal(0, _arm.Reads);
        // At the limits, the selector is good.
        Assert.Empty(await ListAsync($"tag:{new string('k', 512)}={new string('v', 256)}"));
    }

    [Fact]
    public async Task ListServers_BadConnectionSettings_InvalidInputNamingTheFlag_BeforeAnyRequest()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.ResetCounts();
        var sut = CreateSut();

        var none = await Assert.ThrowsAsync<InvalidInputException>(() => sut.ListServersAsync("tag:Role=web", Values(subscription: null), Context(), Ct));
        var notGuid = await Assert.ThrowsAsync<InvalidInputException>(() => sut.ListServersAsync("tag:Role=web", Values(subscription: "my-sub"), Context(), Ct));
        var http = await Assert.ThrowsAsync<InvalidInputException>(() => sut.ListServersAsync("tag:Role=web", Values(endpoint: "http://management.example"), Context(), Ct));
        var group = await Assert.ThrowsAsync<InvalidInputException>(() => sut.ListServersAsync("tag:Role=web", Values(resourceGroup: "rg/1"), Context(), Ct));

        Assert.Contains("--azure-subscription", none.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_SUBSCRIPTION_ID", none.Message, StringComparison.Ordinal);
        Assert.Contains("'my-sub' is not a subscription id", notGuid.Message, StringComparison.Ordinal);
        Assert.Contains("not an https URL", http.Message, StringComparison.Ordinal);
        Assert.Contains("--resource-group 'rg/1'", group.Message, StringComparison.Ordinal);
        Assert.Equal(0, _arm.Reads);
        // The subscription from the environment, as the layer takes it.
        Assert.Single(await sut.ListServersAsync("tag:Role=web", Values(subscription: null), Context(("AZURE_SUBSCRIPTION_ID", Subscription)), Ct));
    }

    [Fact]
    public async Task ListServers_ArmRefusesTheListing_LayerFailureWithArmsMessage()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.DeniedActions.Add("Microsoft.Compute/virtualMachines/read");

        var refused = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web"));

        Assert.Contains("AuthorizationFailed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the Reader role", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_ArmRefusesANic_LayerFailureNamingItsVm()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.DeniedActions.Add("Microsoft.Network/networkInterfaces/read");

        var refused = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web"));

        Assert.Contains("network interface web1-nic of virtual machine web1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_UnknownSubscription_LayerFailureWithArmsMessage()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));

        var unknown = await Assert.ThrowsAsync<LayerFailureException>(() =>
            CreateSut().ListServersAsync("tag:Role=web", Values(subscription: "00000000-0000-0000-0000-0000000000ff"), Context(), Ct));

        Assert.Contains("SubscriptionNotFound", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("--subscription", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://elsewhere.example")]
    [InlineData("http://127.0.0.1")]
    public async Task ListServers_NextLinkOffTheEndpoint_NotFollowed_LayerFailure(string authority)
    {
        _arm.PageSize = 1;
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.AddVm("rg1", "web2", null, null, tags: Tags("Role=web"));
        _arm.NextLinkAuthority = authority;
        _arm.ResetCounts();

        var refused = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web"));

        Assert.Contains($"outside {_arm.Url.GetLeftPart(UriPartial.Authority)}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(authority, refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, _arm.Reads);
    }

    [Fact]
    public async Task ListServers_APageThatIsNotJson_LayerFailure_NotABug()
    {
        _arm.AddVm("rg1", "web1", null, null, tags: Tags("Role=web"));
        _arm.ListingBodyBroken = true;

        var failure = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:Role=web"));

        Assert.Contains("not a listing", failure.Message, StringComparison.Ordinal);
    }

    private sealed class Env(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
