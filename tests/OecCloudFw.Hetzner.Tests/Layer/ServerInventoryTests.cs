using System.Globalization;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>
/// <c>--inventory hetzner:label:SELECTOR</c>: the provider lists the running servers a label selector names, every page,
/// through the same client and endpoint as its layer, against the fake (whose own label-selector evaluator decides).
/// </summary>
public sealed class ServerInventoryTests : IAsyncLifetime
{
    private static readonly HetznerProvider Provider = new();
    private HetznerFake _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await HetznerFake.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);

    private Task<IReadOnlyList<CloudServer>> ListAsync(string selector, string? token = null, Dictionary<string, string>? environment = null)
    {
        var context = new ProviderContext(new HetznerHarness.Env(environment ?? new Dictionary<string, string> { ["HCLOUD_TOKEN"] = token ?? _fake.Token }), new InstantClock(), ILayerReadCache.None);
        return Provider.ListServersAsync(selector, HetznerHarness.Settings(_fake), context, TestContext.Current.CancellationToken);
    }

    private static string[] Names(IReadOnlyList<CloudServer> servers) => [.. servers.Select(s => s.Name)];

    /// <summary>web-1 (prod), web-2 (staging, no IPv6), db-1 (prod), bare (no label): all running.</summary>
    private (long Web1, long Web2, long Db1) SeedFleet()
    {
        var web1 = _fake.AddServer("web-1", "198.51.100.11", "2001:db8:11::/64", Labels("role=web", "env=prod"), privateIps: ["10.0.0.11"]);
        var web2 = _fake.AddServer("web-2", "198.51.100.12", null, Labels("role=web", "env=staging"));
        var db1 = _fake.AddServer("db-1", null, "2001:db8:13::/64", Labels("role=db", "env=prod"), privateIps: ["10.0.0.13", "10.1.0.13"]);
        _fake.AddServer("bare", "198.51.100.14", null);
        return (web1, web2, db1);
    }

    [Fact]
    public void ServerSelector_IsLabel()
    {
        Assert.Equal("label:SELECTOR", Provider.ServerSelector);
    }

    [Fact]
    public async Task ListServers_SelectorMatches_EachRunningServerAsAFleetEntry()
    {
        var (web1, web2, _) = SeedFleet();

        var servers = await ListAsync("label:role=web");

        Assert.Equal(["web-1", "web-2"], Names(servers));
        var first = servers[0];
        // The public IPv4, then the address the server answers on in its /64: the network's ::1.
        Assert.Equal(["198.51.100.11", "2001:db8:11::1"], first.PublicAddresses);
        Assert.Equal(["10.0.0.11"], first.PrivateAddresses);
        Assert.Equal(new Dictionary<string, string> { ["server"] = web1.ToString(CultureInfo.InvariantCulture) }, first.Layer);
        Assert.Equal(["hcloud", "label_env_prod", "label_role_web"], first.Groups);
        Assert.Equal(["198.51.100.12"], servers[1].PublicAddresses);
        Assert.Empty(servers[1].PrivateAddresses);
        Assert.Equal(web2.ToString(CultureInfo.InvariantCulture), servers[1].Layer["server"]);
    }

    [Fact]
    public async Task ListServers_NoServerMatches_IsEmpty()
    {
        SeedFleet();

        var servers = await ListAsync("label:role=cache");

        Assert.Empty(servers);
    }

    [Theory]
    [InlineData("label:role=web,env=prod", "web-1")]
    [InlineData("label:env==prod,role!=web", "db-1")]
    [InlineData("label:role in (web,db)", "web-1,web-2,db-1")]
    [InlineData("label:role notin (web)", "db-1,bare")]
    [InlineData("label:!role", "bare")]
    [InlineData("label:env", "web-1,web-2,db-1")]
    [InlineData("label: env in (staging, prod) , role notin (db) ", "web-1,web-2")]
    public async Task ListServers_LabelSelectorLanguage_AndInNotinAndAbsence_SelectAsDocumented(string selector, string expected)
    {
        SeedFleet();

        var servers = await ListAsync(selector);

        Assert.Equal(expected.Split(',').Order(StringComparer.Ordinal), Names(servers));
    }

    [Fact]
    public async Task ListServers_ServersNotRunning_AreLeftOut()
    {
        SeedFleet();
        _fake.AddServer("web-off", "198.51.100.21", null, Labels("role=web"), status: "off");
        _fake.AddServer("web-starting", "198.51.100.22", null, Labels("role=web"), status: "starting");

        var servers = await ListAsync("label:role=web");

        Assert.Equal(["web-1", "web-2"], Names(servers));
    }

    [Fact]
    public async Task ListServers_MoreThanOnePage_EveryPageIsRead()
    {
        _fake.MaxPageSize = 2;
        for (var i = 7; i >= 1; i--)
        {
            _fake.AddServer($"web-{i}", $"198.51.100.{i}", null, Labels("role=web"));
        }

        _fake.AddServer("db-1", "198.51.100.50", null, Labels("role=db"));

        var servers = await ListAsync("label:role=web");

        Assert.Equal(["web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7"], Names(servers));
        Assert.Equal(4, _fake.Count("GET", "/servers"));
    }

    [Fact]
    public async Task ListServers_NextPageNotAfterThisOne_AFailure_NeverAnEndlessOrPartialListing()
    {
        _fake.MaxPageSize = 1;
        _fake.NextPageRepeats = true;
        _fake.AddServer("web-1", "198.51.100.1", null, Labels("role=web"));
        _fake.AddServer("web-2", "198.51.100.2", null, Labels("role=web"));

        var failure = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("label:role=web"));

        Assert.Contains("would not end", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, _fake.Count("GET", "/servers"));
    }

    [Fact]
    public async Task ListServers_PublishedExampleLabels_BecomeSafeGroupNames()
    {
        _fake.AddServer("my-resource", "1.2.3.4", "2001:db8::/64", Labels("environment=prod", "example.com/my=label", "just-a-key"), PublishedExamples.ServerId, privateIps: ["10.0.0.2"]);

        var server = Assert.Single(await ListAsync("label:environment=prod"));

        Assert.Equal(["hcloud", "label_environment_prod", "label_example_com_my_label", "label_just_a_key_"], server.Groups);
        Assert.Equal(["1.2.3.4", "2001:db8::1"], server.PublicAddresses);
    }

    [Theory]
    [InlineData("label:", "the label selector is empty")]
    [InlineData("label:   ", "the label selector is empty")]
    [InlineData("role=web", "Hetzner lists servers by label only")]
    [InlineData("tag:role=web", "Hetzner lists servers by label only")]
    [InlineData("label:role in (web,db", "a '(' is not closed")]
    [InlineData("label:role=web)", "a ')' closes no '('")]
    [InlineData("label:role in ((web))", "parentheses are nested")]
    [InlineData("label:role=web,,env=prod", "a term of the label selector is empty")]
    [InlineData("label:role=web,", "a term of the label selector is empty")]
    [InlineData("label:role=\tweb", "control character")]
    public async Task ListServers_BadSelector_IsBadInputNamingInventory_BeforeAnyRequest(string selector, string expected)
    {
        SeedFleet();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync(selector));

        Assert.StartsWith("--inventory hetzner:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("k in (v1,v2)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task ListServers_NoToken_IsBadInput_BeforeAnyRequest()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync("label:role=web", environment: new()));

        Assert.StartsWith("HCLOUD_TOKEN is not set", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task ListServers_TokenRefused_IsALayerFailure_WithTheApisError()
    {
        SeedFleet();

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("label:role=web", token: "not-a-token"));

        // The fake's 401 body: {"error":{"code":"unauthorized","message":"unable to authenticate"}}.
        Assert.Contains("HTTP 401 unauthorized: unable to authenticate", error.Message, StringComparison.Ordinal);
        Assert.Contains("HCLOUD_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_ServerError_IsALayerFailure()
    {
        SeedFleet();
        _fake.FailNext("GET", "/servers", 1, "server_error");

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("label:role=web"));

        Assert.Contains("HTTP 500 server_error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_Layer_IsWhatTheProvidersLayerReadsTheServerBy()
    {
        SeedFleet();
        var listed = (await ListAsync("label:role=db"))[0];
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["endpoint-url"] = [_fake.BaseUrl.AbsoluteUri] };
        foreach (var (name, value) in listed.Layer)
        {
            values[name] = [value];
        }

        var context = new ProviderContext(new HetznerHarness.Env(new Dictionary<string, string> { ["HCLOUD_TOKEN"] = _fake.Token }), new InstantClock(), ILayerReadCache.None);
        var layer = await Provider.CreateAsync(new ProviderSettings(values, n => "--hetzner-" + n), context, TestContext.Current.CancellationToken);
        using var disposable = (IDisposable)layer;
        var state = await layer.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Contains(state.Lines, l => l.StartsWith("server ", StringComparison.Ordinal) && l.Contains(" db-1 ", StringComparison.Ordinal));
    }
}
