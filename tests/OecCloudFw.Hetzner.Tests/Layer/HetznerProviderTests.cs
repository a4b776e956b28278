using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Layer;

/// <summary>The registration: its settings (flags and inventory keys), and bad input refused before anything is read, naming the flag or variable.</summary>
public sealed class HetznerProviderTests
{
    private static readonly HetznerProvider Provider = new();

    private static ProviderSettings Values(params (string Name, string Value)[] given) =>
        new(given.GroupBy(g => g.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(x => x.Value)]), name => "--hetzner-" + name);

    private static HetznerHarness.Env Env(params (string Name, string Value)[] variables) => new(variables.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Registration_NamesItsSettings_AsTheCliAndInventorySpellThem()
    {
        Assert.Equal(("hetzner", "hetzner"), (Provider.Name, Provider.Prefix));
        var byName = Provider.Settings.ToDictionary(s => s.Name);
        Assert.True(byName["server"].NamesLayer);
        Assert.True(byName["firewall"].NamesLayer);
        Assert.Equal("hetzner-endpoint", byName["endpoint-url"].LayerFlagFor("hetzner"));
        Assert.Equal("hetzner_endpoint", byName["endpoint-url"].InventoryKeyFor("hetzner"));
        Assert.Equal("hetzner_smtp_unblocked", byName["smtp-unblocked"].InventoryKeyFor("hetzner"));
        Assert.True(Provider.IsNamed(Values(("firewall", "fw-web"))));
        Assert.False(Provider.IsNamed(Values(("endpoint-url", "https://api.hetzner.cloud/v1"))));
    }

    [Theory]
    [InlineData(null, "HCLOUD_TOKEN is not set")]
    [InlineData("", "HCLOUD_TOKEN is not set")]
    public void NoToken_IsBadInput_NamingTheVariable(string? token, string expected)
    {
        var env = token is null ? Env() : Env(("HCLOUD_TOKEN", token));
        var error = Assert.Throws<InvalidInputException>(() => Provider.Validate(Values(("server", "web-1")), env));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp-unblocked", "yes", "--hetzner-smtp-unblocked 'yes': give true or false")]
    [InlineData("endpoint-url", "ftp://api.example", "--hetzner-endpoint-url 'ftp://api.example': not an http(s) URL")]
    [InlineData("server", "web\t1", "--hetzner-server 'web\t1': not a Hetzner server name or id")]
    public void BadValues_AreBadInput_NamingTheFlag(string name, string value, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => Provider.Validate(Values(("firewall", "fw"), (name, value)), Env(("HCLOUD_TOKEN", "t"))));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTarget_IsBadInput_NamingBothFlags()
    {
        var error = Assert.Throws<InvalidInputException>(() => Provider.Validate(Values(), Env(("HCLOUD_TOKEN", "t"))));
        Assert.Contains("--hetzner-server NAME|ID", error.Message, StringComparison.Ordinal);
        Assert.Contains("--hetzner-firewall NAME|ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HcloudEndpoint_IsRead_AsTheHcloudCliReadsIt()
    {
        var error = Assert.Throws<InvalidInputException>(() => Provider.Validate(Values(("server", "web-1")), Env(("HCLOUD_TOKEN", "t"), ("HCLOUD_ENDPOINT", "not a url"))));
        Assert.StartsWith("HCLOUD_ENDPOINT 'not a url'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HcloudEndpoint_ReachesTheFake_WhenNoFlagIsGiven()
    {
        await using var fake = await HetznerFake.StartAsync();
        fake.AddServer("web-1", "203.0.113.10", null);
        var context = new ProviderContext(Env(("HCLOUD_TOKEN", fake.Token), ("HCLOUD_ENDPOINT", fake.BaseUrl.AbsoluteUri.TrimEnd('/'))), new InstantClock(), ILayerReadCache.None);
        var layer = Provider.Create(Values(("server", "web-1")), context);
        using var disposable = (IDisposable)layer;
        var state = await layer.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Contains(state.Lines, l => l.StartsWith("server ", StringComparison.Ordinal) && l.Contains("web-1", StringComparison.Ordinal));
        Assert.Equal("hetzner server web-1", layer.Target);
    }
}
