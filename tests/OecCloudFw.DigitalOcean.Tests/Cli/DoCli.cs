using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Cli;
using OecCloudFw.Core;
using OecCloudFw.DigitalOcean.Tests.Fake;
using OecCloudFw.DigitalOcean.Tests.Oracle;

namespace OecCloudFw.DigitalOcean.Tests.Cli;

/// <summary>
/// Runs the whole tool in memory (<c>CliApp.RunAsync</c> with its own writers and an environment given as a dictionary),
/// as tests/OecCloudFw.Cli.Tests/CliHarness.cs does: every JSON document printed is validated against the schema the
/// tool ships for it.
/// </summary>
internal static class DoCli
{
    private static readonly ConcurrentDictionary<string, Json.Schema.JsonSchema> Schemas = new(StringComparer.Ordinal);

    public static async Task<DoRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await CliApp.RunAsync(args, new CliContext(output, error, new DictionaryEnvironment(environment)), TestContext.Current.CancellationToken);
        var printed = output.ToString();
        ValidateAgainstSchema(printed, args);
        return new DoRun(exit, printed, error.ToString());
    }

    /// <summary>A document whose "schema" names one of the tool's must match the schema shipped under that name.</summary>
    private static void ValidateAgainstSchema(string printed, string[] args)
    {
        if (!printed.TrimStart().StartsWith('{'))
        {
            return;
        }

        if (JsonNode.Parse(printed)?["schema"]?.GetValue<string>() is not { } id || !id.StartsWith("oec-cloudfw/", StringComparison.Ordinal))
        {
            return;
        }

        var schema = Schemas.GetOrAdd(id, name => Json.Schema.JsonSchema.FromText(
            OecCloudFw.Reports.DocumentSchemas.Read(name["oec-cloudfw/".Length..]) ?? throw new Xunit.Sdk.XunitException($"no schema is shipped for {name}"),
            new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() }));
        using var parsed = JsonDocument.Parse(printed);
        var result = schema.Evaluate(parsed.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(10);
            throw new Xunit.Sdk.XunitException($"{id} does not match its published schema ({string.Join(" ", args)}):\n{string.Join("\n", errors)}");
        }
    }

    private sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironment
    {
        public string? Variable(string name) => values.GetValueOrDefault(name);
    }
}

internal sealed record DoRun(int ExitCode, string Output, string Error)
{
    public string All => $"exit {ExitCode}\n{Output}\n{Error}";

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }
}

/// <summary>The fake DigitalOcean API over real HTTP with two droplets, and the environment doctl would read.</summary>
internal sealed class DoAccount : IAsyncDisposable
{
    public const long WebId = 3164444;
    public const string TeamFirewallId = "bb4b2611-3d72-467b-8602-280330ecd65c";

    private DoAccount(DigitalOceanFake fake) => Fake = fake;

    public DigitalOceanFake Fake { get; }

    /// <summary>DIGITALOCEAN_ACCESS_TOKEN (read and write) and DIGITALOCEAN_API_URL pointing at the fake.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string Web => WebId.ToString(CultureInfo.InvariantCulture);

    /// <summary>web-1 (public IPv4 and IPv6, tag web) and db-1; no firewall. Changes settle at once (the CLI waits on the system clock).</summary>
    public static async Task<DoAccount> StartAsync(string webAddress = "198.51.100.10")
    {
        var fake = await DigitalOceanFake.StartAsync();
        fake.SettleAfterReads = 0;
        fake.AddDroplet(WebId, "web-1", webAddress, "2001:db8:10::10", "10.110.0.2", "web");
        fake.AddDroplet(3164445, "db-1", "198.51.100.20", null, "10.110.0.3", "db");
        var account = new DoAccount(fake);
        account.Environment[DigitalOceanProvider.TokenVariable] = DigitalOceanFake.ReadWriteToken;
        account.Environment[DigitalOceanProvider.EndpointVariable] = fake.Url.ToString();
        return account;
    }

    /// <summary>
    /// Someone else's firewall on web-1: SSH and 5432 from the internet, 443 from the db tag; outbound DNS only, or
    /// (<paramref name="openOutbound"/>) every TCP and UDP port as the control panel's default outbound rules.
    /// </summary>
    public DoFirewall AddTeamFirewall(bool openOutbound = false)
    {
        var team = new DoFirewall(TeamFirewallId, "team-fw",
            [new DoRule("tcp", "22", DoTarget.Of("0.0.0.0/0", "::/0")), new DoRule("tcp", "5432", DoTarget.Of("0.0.0.0/0")), new DoRule("tcp", "443", new DoTarget([], [], ["db"], [], []))],
            openOutbound
                ? [new DoRule("tcp", "all", DoTarget.Of("0.0.0.0/0", "::/0")), new DoRule("udp", "all", DoTarget.Of("0.0.0.0/0", "::/0"))]
                : [new DoRule("udp", "53", DoTarget.Of("0.0.0.0/0"))],
            [WebId], []);
        Fake.AddFirewall(team);
        return team;
    }

    public DoFirewall Firewall(string name) => Fake.Firewalls.Single(f => f.Name == name);

    /// <summary>The tool's own firewall of web-1.</summary>
    public DoFirewall? Own => Fake.Firewalls.SingleOrDefault(f => f.Name == $"oecfw-{WebId}");

    /// <summary>The ports a firewall's inbound rules admit from an internet address family ("0.0.0.0/0" or "::/0").</summary>
    public static List<string> World(DoFirewall? firewall, string family = "0.0.0.0/0") =>
        firewall is null ? [] : firewall.Inbound.Where(r => r.Target.Addresses.Contains(family)).Select(r => $"{r.Protocol}/{r.Ports}").Order(StringComparer.Ordinal).ToList();

    /// <summary>A firewall's whole content as text, to compare byte for byte.</summary>
    public static string Text(DoFirewall firewall) => JsonSerializer.Serialize(firewall);

    public (int Reads, int Writes) Counters => (Fake.Reads, Fake.Writes);

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}
