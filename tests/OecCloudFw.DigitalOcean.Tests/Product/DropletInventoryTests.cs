using Microsoft.Extensions.Time.Testing;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Product;

/// <summary>
/// <c>--inventory digitalocean:tag:NAME</c>: the provider lists the active droplets of a tag, every page, through the
/// same client and endpoint as its layer, against the fake (which filters by tag and pages with its own logic).
/// </summary>
public sealed class DropletInventoryTests : IAsyncLifetime
{
    private static readonly DigitalOceanProvider Provider = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private DigitalOceanFake _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await DigitalOceanFake.StartAsync(_time);

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private ProviderContext Context(string? token) =>
        new(new Env(token is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [DigitalOceanProvider.TokenVariable] = token }), _time, ILayerReadCache.None);

    private ProviderSettings Settings() =>
        new(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["endpoint-url"] = [_fake.Url.ToString()] }, n => "--do-" + n);

    private Task<IReadOnlyList<CloudServer>> ListAsync(string selector, string? token = DigitalOceanFake.ReadWriteToken) =>
        Provider.ListServersAsync(selector, Settings(), Context(token), TestContext.Current.CancellationToken);

    private static string[] Names(IReadOnlyList<CloudServer> servers) => [.. servers.Select(s => s.Name)];

    /// <summary>web-2 and web-1 (tag web; web-1 with IPv6), db-1 (tags db and env:prod), lone (no tag): all active.</summary>
    private void SeedDroplets()
    {
        _fake.AddDroplet(102, "web-2", "198.51.100.12", null, "10.110.0.12", "web");
        _fake.AddDroplet(101, "web-1", "198.51.100.11", "2001:db8:0:11:0:0:0:1", "10.110.0.11", "web", "env:prod");
        _fake.AddDroplet(103, "db-1", "198.51.100.13", null, "10.110.0.13", "db", "env:prod");
        _fake.AddDroplet(104, "lone", "198.51.100.14");
    }

    [Fact]
    public void ServerSelector_IsTag()
    {
        Assert.Equal("tag:NAME", Provider.ServerSelector);
    }

    [Fact]
    public async Task ListServers_TagMatches_EachActiveDropletAsAFleetEntry()
    {
        SeedDroplets();

        var servers = await ListAsync("tag:web");

        Assert.Equal(["web-1", "web-2"], Names(servers));
        var web1 = servers[0];
        Assert.Equal(["198.51.100.11", "2001:db8:0:11::1"], web1.PublicAddresses);
        Assert.Equal(["10.110.0.11"], web1.PrivateAddresses);
        Assert.Equal(new Dictionary<string, string> { ["droplet"] = "101" }, web1.Layer);
        Assert.Equal(["digitalocean", "tag_web", "tag_env_prod"], web1.Groups);
        Assert.Equal(["198.51.100.12"], servers[1].PublicAddresses);
        Assert.Equal("102", servers[1].Layer["droplet"]);
    }

    [Fact]
    public async Task ListServers_TagWithAColon_IsSentEscaped_AndMatches()
    {
        SeedDroplets();

        var servers = await ListAsync("tag:env:prod");

        Assert.Equal(["db-1", "web-1"], Names(servers));
    }

    [Fact]
    public async Task ListServers_NoDropletHasTheTag_IsEmpty()
    {
        SeedDroplets();

        Assert.Empty(await ListAsync("tag:cache"));
    }

    [Theory]
    [InlineData("new")]
    [InlineData("off")]
    [InlineData("archive")]
    public async Task ListServers_DropletsNotActive_AreLeftOut(string status)
    {
        SeedDroplets();
        _fake.AddDroplet(new DoDroplet(105, "web-3", ["198.51.100.15"], [], [], ["web"], status));

        var servers = await ListAsync("tag:web");

        Assert.Equal(["web-1", "web-2"], Names(servers));
    }

    [Fact]
    public async Task ListServers_MoreThanOnePage_EveryPageIsRead()
    {
        _fake.MaxPageSize = 2;
        for (var i = 1; i <= 5; i++)
        {
            _fake.AddDroplet(200 + i, $"web-{i}", $"198.51.100.{i}", null, null, "web");
        }

        _fake.AddDroplet(300, "db-1", "198.51.100.50", null, null, "db");

        var servers = await ListAsync("tag:web");

        Assert.Equal(["web-1", "web-2", "web-3", "web-4", "web-5"], Names(servers));
        Assert.Equal(3, _fake.Calls("droplets_list"));
    }

    [Fact]
    public async Task ListServers_NextPageOnAnotherHost_NotFollowed_TheTokenStaysWithTheApi()
    {
        _fake.MaxPageSize = 1;
        _fake.LinksBase = new Uri("http://198.51.100.99:8080/");
        _fake.AddDroplet(201, "web-1", "198.51.100.1", null, null, "web");
        _fake.AddDroplet(202, "web-2", "198.51.100.2", null, null, "web");

        var failure = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:web"));

        Assert.Contains("http://198.51.100.99:8080", failure.Message, StringComparison.Ordinal);
        Assert.Contains("not followed", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, _fake.Calls("droplets_list"));
    }

    [Fact]
    public async Task ListServers_DropletsSharingAName_AreEachNamedWithTheirId()
    {
        _fake.AddDroplet(401, "web", "198.51.100.41", null, null, "web");
        _fake.AddDroplet(402, "web", "198.51.100.42", null, null, "web");
        _fake.AddDroplet(403, "web-b", "198.51.100.43", null, null, "web");

        var servers = await ListAsync("tag:web");

        Assert.Equal(["web-401", "web-402", "web-b"], Names(servers));
        Assert.Equal(["401", "402", "403"], servers.Select(s => s.Layer["droplet"]));
    }

    [Theory]
    [InlineData("tag:", "the tag is empty")]
    [InlineData("web", "DigitalOcean lists droplets by tag only")]
    [InlineData("label:role=web", "DigitalOcean lists droplets by tag only")]
    [InlineData("tag:web prod", "' ' cannot be in a tag")]
    [InlineData("tag:role=web", "'=' cannot be in a tag")]
    [InlineData("tag:web/prod", "'/' cannot be in a tag")]
    [InlineData("tag:wéb", "'é' cannot be in a tag")]
    [InlineData("tag:web\n", "'?' cannot be in a tag")]
    public async Task ListServers_BadTag_IsBadInputNamingInventory_BeforeAnyRequest(string selector, string expected)
    {
        SeedDroplets();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync(selector));

        Assert.StartsWith("--inventory digitalocean:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("letters, digits, ':', '-' and '_', at most 255 characters", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task ListServers_TagOf255Characters_IsAsked_And256IsBadInput()
    {
        _fake.AddDroplet(501, "long", "198.51.100.51", null, null, new string('t', 255));

        var listed = await ListAsync("tag:" + new string('t', 255));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync("tag:" + new string('t', 256)));

        Assert.Equal(["long"], Names(listed));
        Assert.Contains("the tag is 256 characters long; a tag has at most 255", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_NoToken_IsBadInput_BeforeAnyRequest()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => ListAsync("tag:web", token: null));

        Assert.StartsWith("DIGITALOCEAN_ACCESS_TOKEN is not set", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Reads);
    }

    [Fact]
    public async Task ListServers_TokenRefused_IsALayerFailure_WithTheApisError()
    {
        SeedDroplets();

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:web", token: "dop_v1_wrong"));

        // shared/responses/unauthorized.yml: {"id":"unauthorized","message":"Unable to authenticate you."}
        Assert.Contains("401 unauthorized: Unable to authenticate you.", error.Message, StringComparison.Ordinal);
        Assert.Contains("DIGITALOCEAN_ACCESS_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_ServerError_IsALayerFailure()
    {
        SeedDroplets();
        _fake.FailNext("droplets_list", 1, 500);

        var error = await Assert.ThrowsAsync<LayerFailureException>(() => ListAsync("tag:web"));

        Assert.Contains("injected failure of droplets_list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListServers_Layer_IsWhatTheProvidersLayerReadsTheDropletBy()
    {
        SeedDroplets();
        var listed = (await ListAsync("tag:db"))[0];
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["endpoint-url"] = [_fake.Url.ToString()] };
        foreach (var (name, value) in listed.Layer)
        {
            values[name] = [value];
        }

        var layer = await Provider.CreateAsync(new ProviderSettings(values, n => "--do-" + n), Context(DigitalOceanFake.ReadWriteToken), TestContext.Current.CancellationToken);
        using var disposable = (IDisposable)layer;
        var state = await layer.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("digitalocean droplet 103", layer.Target);
        Assert.Contains(state.Lines, l => l.StartsWith("droplet db-1 (103) public 198.51.100.13/32", StringComparison.Ordinal));
    }

    private sealed class Env(Dictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
