using System.Net;
using System.Text.Json.Nodes;
using OecCloudFw.Azure.Tests.Oracle;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Paths;

namespace OecCloudFw.Azure.Tests;

/// <summary>
/// The product's Azure evaluation (the real read path over ARM JSON: VM, NICs, public IPs, subnets, NSGs; the paths; the
/// one engine) against the independent brute-force oracle written from Microsoft's documentation (<c>Oracle/</c>):
/// thousands of generated VMs and NSGs, zero definite disagreements. OECFW_CLOUD_DIFF_SEED replays a run; a failure
/// names its case's own seed for <see cref="AzureDifferential.Replay"/>; the figures go to artifacts/differential/azure-cloud.txt.
/// </summary>
public sealed class AzureCloudDifferentialTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;

    [Fact]
    public void Product_AgreesWithTheOracle_OnTenThousandGeneratedVmsAndNsgs()
    {
        var seed = Testing.CloudDifferentialRun.Seed();
        var cases = Testing.CloudDifferentialRun.Cases(Cases);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = AzureDifferential.Run(seed, cases, Product);
        var summary = Testing.CloudDifferentialRun.Summary("azure cloud", seed, "generated VMs and NSGs", report.Cases, report.Queries, report.Addresses, report.Definite, report.Disagreements, report.ProductIndeterminate, started.Elapsed);
        output.WriteLine(summary);
        Testing.DifferentialFigures.Write("azure-cloud", summary);
        Assert.True(report.Cases >= Math.Min(cases, Cases));
        Assert.True(report.Disagreements == 0, summary + "\n" + string.Join("\n\n", report.FirstDisagreements));
    }

    /// <summary>What the product says, through the same read path the tool runs against ARM.</summary>
    internal static Func<IPAddress, OracleDecision> Product(AzureWireInput input, string protocol, int port, bool ipv6)
    {
        if (protocol is "tcp" or "udp" && port == 0)
        {
            // Port 0 is no destination a connection can have (Core's ports are 1-65535): the product does not judge it.
            return _ => OracleDecision.Indeterminate;
        }

        var api = new WireApi(input);
        var id = input.VmJson is { } vm ? JsonNode.Parse(vm)!["id"]!.GetValue<string>() : input.NsgId!;
        var parts = id.Split('/');
        var subscription = parts[2];
        var group = parts[4];
        var target = input.VmJson is null ? new NsgTarget(subscription, group, parts[^1], null) : new NsgTarget(subscription, group, null, parts[^1]);
        var view = NsgCloudLayer.ReadViewAsync(api, target, CancellationToken.None).GetAwaiter().GetResult();
        var family = ipv6 ? IpFamily.IPv6 : IpFamily.IPv4;
        var (packetProtocol, packetPort) = Testing.CloudDifferentialRun.Packet(protocol, port, family);
        var decide = Testing.CloudDifferentialRun.Lookup(view.Pieces(packetProtocol, packetPort, AddressSet.All(family)));
        return address => decide(address) switch
        {
            Decision.Admitted => OracleDecision.Admitted,
            Decision.Refused => OracleDecision.Refused,
            _ => OracleDecision.Indeterminate,
        };
    }

    /// <summary>ARM as the generated case's payloads: GET only (the differential never writes).</summary>
    private sealed class WireApi(AzureWireInput input) : INetworkApi
    {
        public Task<JsonNode> GetAsync(string resourceId, CancellationToken cancellationToken = default)
        {
            if (input.VmJson is { } vm && string.Equals(JsonNode.Parse(vm)!["id"]!.GetValue<string>(), resourceId, StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(JsonNode.Parse(vm)!);
            }

            return input.Resources.TryGetValue(resourceId, out var json)
                ? Task.FromResult(JsonNode.Parse(json)!)
                : throw new ArmFailureException(404, "ResourceNotFound", $"The Resource '{resourceId}' was not found.");
        }

        public Task<IReadOnlyList<JsonNode>> ListAsync(string collectionId, string query, CancellationToken cancellationToken = default) => throw new NotSupportedException("the differential reads one VM");

        public Task PutSecurityRuleAsync(string ruleId, JsonObject properties, CancellationToken cancellationToken = default) => throw new NotSupportedException("the differential never writes");

        public Task DeleteSecurityRuleAsync(string ruleId, CancellationToken cancellationToken = default) => throw new NotSupportedException("the differential never writes");
    }
}
