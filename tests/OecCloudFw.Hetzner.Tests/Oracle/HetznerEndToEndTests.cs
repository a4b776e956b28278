// The lead's differential flow, with a stand-in for the product: generate a case → seed the fake → read it back over
// HTTP as a client would (GET /servers/{id}: public_net.firewalls; GET /firewalls paged: rules, applied_to with
// label selectors expanded) → answer from what was read → compare with the oracle on the generated case. It proves the
// fake serves a seeded case faithfully; the product replaces ReadOverHttp and the evaluation.
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OecCloudFw.Hetzner.Tests.Fake;

namespace OecCloudFw.Hetzner.Tests.Oracle;

public sealed class HetznerEndToEndTests
{
    private static async Task<JsonNode> GetAsync(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken))!;

    /// <summary>What a client learns over HTTP about one server: its addresses and the rules of every firewall that
    /// the API says applies to it (the smtp unblock is not in the API: taken from the case, as a product takes it from
    /// its settings).</summary>
    private static async Task<HetznerCase> ReadOverHttp(HttpClient client, HetznerCase generated)
    {
        var server = (await GetAsync(client, $"servers/{generated.Server.Id.ToString(CultureInfo.InvariantCulture)}"))["server"]!;
        var applied = server["public_net"]!["firewalls"]!.AsArray().Select(f => f!["id"]!.GetValue<long>()).ToHashSet();
        var firewalls = new List<HzFirewall>();
        for (int? page = 1; page is not null;)
        {
            var body = await GetAsync(client, $"firewalls?per_page=2&page={page.Value.ToString(CultureInfo.InvariantCulture)}");
            foreach (var f in body["firewalls"]!.AsArray())
            {
                var id = f!["id"]!.GetValue<long>();
                var rules = f["rules"]!.AsArray().Select(r => new HzRule(
                    r!["direction"]!.GetValue<string>(), r["protocol"]!.GetValue<string>(), r["port"]?.GetValue<string>(),
                    [.. r["source_ips"]!.AsArray().Select(x => x!.GetValue<string>())],
                    [.. r["destination_ips"]!.AsArray().Select(x => x!.GetValue<string>())])).ToList();
                var expanded = f["applied_to"]!.AsArray().SelectMany(a => a!["type"]!.GetValue<string>() == "server"
                    ? [a["server"]!["id"]!.GetValue<long>()]
                    : a["applied_to_resources"]!.AsArray().Select(x => x!["server"]!["id"]!.GetValue<long>())).ToList();
                Assert.Equal(applied.Contains(id), expanded.Contains(generated.Server.Id));
                firewalls.Add(new HzFirewall(id, f["name"]!.GetValue<string>(), rules, applied.Contains(id) ? [generated.Server.Id] : [], []));
            }
            page = body["meta"]!["pagination"]!["next_page"]?.GetValue<int>();
        }
        var net = server["public_net"]!;
        var read = new HzServer(generated.Server.Id, server["name"]!.GetValue<string>(), net["ipv4"]?["ip"]?.GetValue<string>(),
            net["ipv6"]?["ip"]?.GetValue<string>(), new Dictionary<string, string>(), generated.Server.SmtpUnblocked);
        return new HetznerCase(generated.Seed, read, firewalls, []);
    }

    [Fact]
    public async Task GeneratedCases_SeededIntoTheFake_ReadOverHttp_AgreeWithTheOracle()
    {
        await using var fake = await HetznerFake.StartAsync();
        using var client = fake.CreateClient();
        var totals = new List<DifferentialReport>();

        foreach (var caseSeed in HetznerDifferential.CaseSeeds(23, 60))
        {
            fake.Reset();
            var generated = HetznerCaseGenerator.Generate(caseSeed);
            fake.Seed(generated);
            var read = await ReadOverHttp(client, generated);
            var compiled = HetznerOracle.Compile(read);

            totals.Add(HetznerDifferential.Replay(caseSeed, (_, protocol, port, _, inbound) => address => compiled.Evaluate(protocol, port, address, inbound).ToDecision()));
            Assert.Equal(0, fake.Writes);
        }

        Assert.Equal(0, totals.Sum(r => r.Disagreements));
        Assert.True(totals.Sum(r => r.Definite) > 1000);
    }
}
