using System.Text.Json;
using OecCloudFw.Application.Fleet;
using OecCloudFw.Application.Providers;
using OecCloudFw.Application.Targets;
using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>audit --inventory PROVIDER:SELECTOR</c>: the fleet is what a provider lists (here a provider of the test's own,
/// registered beside the real ones, listing real test servers; each real provider's listing is tested against its fake
/// in its own project): each server reached by the address <c>--address</c> chooses, over the connection the flags and
/// the operator's ssh config give, named by the provider's name for it, grouped for <c>--limit</c>; a server without
/// that address is its own error.
/// </summary>
public sealed class CloudInventoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CloudInventory_ListedServersAudited_ByTheChosenAddress_UnreachableIsThatServersError()
    {
        await using var fleet = await ServerFleet.StartAsync(2, cancellationToken: Ct);
        var (one, two) = (fleet.Servers[0], fleet.Servers[1]);
        var home = Directory.CreateTempSubdirectory("oecfw-cloudinv-home-").FullName;
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));
        // As an operator's ssh config reaches a cloud's servers: a key and a known_hosts per address.
        await File.WriteAllTextAsync(Path.Combine(home, ".ssh", "config"), string.Concat(fleet.Servers.Select(s =>
            $"Host {s.Address}\n  IdentityFile {s.ClientKey}\n  UserKnownHostsFile {s.KnownHosts}\n")), Ct);
        var provider = new ListingProvider(
        [
            new CloudServer("web-1", [one.Address, "2001:2::1"], [two.Address], new Dictionary<string, string>(), ["tag_role_web"]),
            new CloudServer("db-1", [], [two.Address], new Dictionary<string, string>(), ["tag_role_db"]),
        ]);
        var environment = new Environment(new Dictionary<string, string> { ["HOME"] = home, ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" });

        // Public (the default): web-1 by its public IPv4; db-1 has no public address: its error, web-1 still audited (exit 3).
        var (exit, json, error) = await RunAsync(provider, environment, "audit", "--inventory", "testcloud:tag:fleet", "--tc-endpoint-url", "https://cloud.example", "--no-probe", "--output", "json", "--fail-on", "never");
        Assert.True(exit == ExitCodes.LayerFailure, $"exit {exit}: {error}\n{json}");
        Assert.Equal("tag:fleet", provider.Selector);
        Assert.Equal("https://cloud.example", provider.Values?.Single("endpoint-url"));
        using (var document = JsonDocument.Parse(json))
        {
            // Named by the provider's name for it (stable when its address changes), not by the address reached.
            Assert.Equal(["web-1"], document.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("server").GetString()!));
            Assert.All(document.RootElement.GetProperty("servers")[0].GetProperty("findings").EnumerateArray(), f => Assert.Equal("web-1", f.GetProperty("server").GetString()));
            var errors = document.RootElement.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("server").GetString()!, e => e.GetProperty("error").GetString()!);
            Assert.Equal(["db-1"], errors.Keys);
            Assert.Contains("no public address", errors["db-1"], StringComparison.Ordinal);
            Assert.Contains("--address private", errors["db-1"], StringComparison.Ordinal);
            Assert.Equal(["db-1", "web-1"], document.RootElement.GetProperty("inventory").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!).Order(StringComparer.Ordinal));
        }

        // Private: both by their private address; --limit by the provider's groups keeps db-1 only.
        (exit, json, error) = await RunAsync(provider, environment, "audit", "--inventory", "testcloud:tag:fleet", "--address", "private", "--limit", "tag_role_db", "--no-probe", "--output", "json", "--fail-on", "never");
        Assert.True(exit == 0, $"exit {exit}: {error}\n{json}");
        using (var document = JsonDocument.Parse(json))
        {
            Assert.Equal(["db-1"], document.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("server").GetString()!));
            Assert.Empty(document.RootElement.GetProperty("errors").EnumerateArray());
        }

        // The provider's own prefix names it too; the flags' user reaches every server (a user the servers refuse: each its error).
        (exit, json, _) = await RunAsync(provider, environment, "audit", "--inventory", "tc:tag:fleet", "--user", "nobody-here", "--limit", "web-1", "--no-probe", "--output", "json", "--fail-on", "never");
        Assert.Equal(ExitCodes.LayerFailure, exit);
        using (var document = JsonDocument.Parse(json))
        {
            var failed = Assert.Single(document.RootElement.GetProperty("errors").EnumerateArray());
            Assert.Equal("web-1", failed.GetProperty("server").GetString());
        }
    }

    [Fact]
    public async Task CloudInventory_EachServersLayer_FromItsListing_TheConnectionSettingsShared()
    {
        var provider = new ListingProvider(
        [
            new CloudServer("b", ["198.51.100.2"], [], new Dictionary<string, string> { ["machine"] = "m-2" }, []),
            new CloudServer("a", ["198.51.100.1"], [], new Dictionary<string, string> { ["machine"] = "m-1" }, ["tag_x"]),
        ]);
        var providers = Providers(provider);
        var given = new CloudFlags([(provider, new ProviderSettings(new Dictionary<string, IReadOnlyList<string>> { ["endpoint-url"] = ["https://cloud.example"] }, n => $"--tc-{n}"))]);
        var source = CloudInventorySource.Parse("testcloud:tag:x", providers)!;

        var inventory = await Inventory.FromCloudAsync(source, CloudAddress.Public, new SshTarget(User: "ops", Jump: "bastion.example"), given, new Environment(new Dictionary<string, string>()), providers, TimeProvider.System, Ct);

        var a = inventory.Servers.Single(s => s.Name == "a");
        var cloud = inventory.Cloud(a).Of(provider);
        Assert.Equal(("m-1", "https://cloud.example"), (cloud.Single("machine"), cloud.Single("endpoint-url")));
        Assert.Equal(new SshTarget("198.51.100.1", User: "ops", Jump: "bastion.example"), inventory.Target(a));
        Assert.Equal(["all", "tag_x", "testcloud"], a.Groups.Order(StringComparer.Ordinal));
        Assert.Equal("inventory 'testcloud:tag:x', host a", inventory.Where(a));
    }

    [Theory]
    [InlineData(new[] { "--address", "private" }, "--address chooses a cloud server's address", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:x", "--address", "both" }, "--address 'both'", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:x", "--host", "198.51.100.9" }, "do not give --host or --local", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:x", "--tc-machine", "m-1" }, "do not give --tc-machine", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:x", "--tc-zone", "z1" }, "--tc-zone cannot be given for all of them", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:x", "--hetzner-smtp-unblocked", "true" }, "--hetzner-smtp-unblocked is a hetzner setting", false)]
    [InlineData(new[] { "--inventory", "testcloud:" }, "give testcloud:tag:NAME", false)]
    [InlineData(new[] { "--inventory", "testcloud:tag:none" }, "lists no servers", true)]
    public async Task CloudInventory_BadInput_ExitTwoBeforeAnyServer(string[] flags, string message, bool listed)
    {
        var provider = new ListingProvider([new CloudServer("a", ["198.51.100.1"], [], new Dictionary<string, string>(), [])]);
        var (exit, _, error) = await RunAsync(provider, new Environment(new Dictionary<string, string>()), ["audit", "--no-probe", .. flags]);
        Assert.True(exit == 2, $"exit {exit}: {error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        // Refused before the cloud is even listed, unless the listing is what found nothing.
        Assert.Equal(listed, provider.Selector is not null);
    }

    [Fact]
    public async Task CloudInventory_AProvidersListingItCannotUse_IsItsFailure_NeverAGuess()
    {
        var environment = new Environment(new Dictionary<string, string>());
        var twice = new ListingProvider(
        [
            new CloudServer("web", ["198.51.100.1"], [], new Dictionary<string, string>(), []),
            new CloudServer("web", ["198.51.100.2"], [], new Dictionary<string, string>(), []),
        ]);
        var (exit, _, error) = await RunAsync(twice, environment, "audit", "--inventory", "testcloud:tag:x", "--no-probe");
        Assert.True(exit == ExitCodes.LayerFailure, $"exit {exit}: {error}");
        Assert.Contains("two servers named 'web'", error, StringComparison.Ordinal);

        // A layer setting the provider does not declare is a bug in it (exit 70), never a server audited without its layer.
        var undeclared = new ListingProvider([new CloudServer("web", ["198.51.100.1"], [], new Dictionary<string, string> { ["vm"] = "web" }, [])]);
        var providers = Providers(undeclared);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Inventory.FromCloudAsync(CloudInventorySource.Parse("testcloud:tag:x", providers)!, CloudAddress.Public, new SshTarget(), CloudFlags.None, environment, providers, TimeProvider.System, Ct));
    }

    [Fact]
    public async Task CloudInventory_PlanTakesAFile_ExitTwoSayingSo()
    {
        var provider = new ListingProvider([]);
        var (exit, _, error) = await RunAsync(provider, new Environment(new Dictionary<string, string>()), "plan", "--inventory", "testcloud:tag:x", "--server", "a");
        Assert.True(exit == 2, $"exit {exit}: {error}");
        Assert.Contains("listed by audit --inventory", error, StringComparison.Ordinal);
        Assert.Contains("--tc-", error, StringComparison.Ordinal);
    }

    private static IReadOnlyList<ICloudProvider> Providers(ICloudProvider provider) =>
        [.. CloudProviders.For(new OecCloudFw.Azure.AzureConnection()), provider];

    private static async Task<(int Exit, string Output, string Error)> RunAsync(ICloudProvider provider, IEnvironment environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, environment) { Providers = Providers(provider) };
        var exit = await CliApp.RunAsync(args, context, Ct);
        CliHarness.ValidateAgainstSchema(output.ToString(), args);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A provider listing the servers it is given (what a cloud's API would answer), with a layer the tests never read.</summary>
    private sealed class ListingProvider(IReadOnlyList<CloudServer> servers) : ICloudProvider
    {
        public string? Selector { get; private set; }

        public ProviderSettings? Values { get; private set; }

        public string Name => "testcloud";

        public string Description => "A test's cloud";

        public string Prefix => "tc";

        public IReadOnlyList<ProviderSetting> Settings { get; } =
        [
            new("machine", "A machine") { NamesLayer = true },
            new("endpoint-url", "The API endpoint"),
            new("zone", "A zone the machine is in") { NeedsLayer = true },
        ];

        public string? ServerSelector => "tag:NAME";

        public bool IsNamed(ProviderSettings values) => values.Single("machine") is not null;

        public void Validate(ProviderSettings values, IEnvironment environment)
        {
        }

        public Task<ICloudLayer> CreateAsync(ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the tests' servers have no cloud layer");

        public Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
        {
            (Selector, Values) = (selector, values);
            return Task.FromResult<IReadOnlyList<CloudServer>>(selector == "tag:none" ? [] : servers);
        }
    }

    private sealed class Environment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}
