using System.Net;
using OecCloudFw.Aws.Tests.Oracle;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;

namespace OecCloudFw.Aws.Tests;

/// <summary>
/// The product's AWS evaluation (the real parsing of what EC2 returns, the paths, the one engine) against the
/// independent brute-force oracle written from AWS's documentation (<c>Oracle/</c>): thousands of generated accounts,
/// zero definite disagreements. The seed is printed (OECFW_CLOUD_DIFF_SEED replays a run; a failure names its case's
/// own seed for <see cref="AwsDifferential.Replay"/>), and the figures go to artifacts/differential/aws-cloud.txt.
/// </summary>
public sealed class AwsCloudDifferentialTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;

    [Fact]
    public void Product_AgreesWithTheOracle_OnTenThousandGeneratedAccounts()
    {
        var seed = Testing.CloudDifferentialRun.Seed();
        var cases = Testing.CloudDifferentialRun.Cases(Cases);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = AwsDifferential.Run(seed, cases, Product);
        var summary = Testing.CloudDifferentialRun.Summary("aws cloud", seed, "generated accounts", report.Cases, report.Queries, report.Addresses, report.Definite, report.Disagreements, report.ProductIndeterminate, started.Elapsed);
        output.WriteLine(summary);
        Testing.DifferentialFigures.Write("aws-cloud", summary);
        Assert.True(report.Cases >= Math.Min(cases, Cases));
        Assert.True(report.Disagreements == 0, summary + "\n" + string.Join("\n\n", report.FirstDisagreements));
    }

    /// <summary>What the product says, through the same code the tool runs on what EC2 returns.</summary>
    internal static Func<IPAddress, OracleDecision> Product(AwsWireInput input, string protocol, int port, bool ipv6)
    {
        if (protocol is "tcp" or "udp" && port == 0)
        {
            // Port 0 is no destination a connection can have (Core's ports are 1-65535): the product does not judge it.
            return _ => OracleDecision.Indeterminate;
        }

        var network = Ec2InstanceNetwork.From(input.Instance);
        var lists = input.PrefixLists.ToDictionary(
            l => l.Key,
            l => new SecurityGroupLayer.PrefixListContents(l.Key, null, Math.Max(1, l.Value?.Count ?? 1), l.Value?.Select(Cidr.Parse).ToList(), l.Value is null ? "UnauthorizedOperation" : null),
            StringComparer.Ordinal);
        var groups = network.Groups.Select(g => SecurityGroupLayer.Snapshot(g, "eu-west-1", [.. input.Rules.Where(r => r.GroupId == g.Value)], lists)).ToList();
        var acls = SecurityGroupLayer.AclSnapshots(input.Acls, network.Subnets).ToList();
        var view = new SecurityGroupsView(groups, acls, network);
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
}
