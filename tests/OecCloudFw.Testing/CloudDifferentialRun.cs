using System.Globalization;
using System.Net;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Core.Rules.Chains;

namespace OecCloudFw.Testing;

/// <summary>
/// What the cloud differential tests share on the product's side (each oracle keeps its own logic): the run's seed and
/// size (OECFW_CLOUD_DIFF_SEED, OECFW_CLOUD_DIFF_CASES), the packet a query means, and the product's answer for one
/// address looked up in its pieces.
/// </summary>
public static class CloudDifferentialRun
{
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("OECFW_CLOUD_DIFF_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : (int)(DateTime.UtcNow.Ticks % 1_000_000);

    public static int Cases(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("OECFW_CLOUD_DIFF_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) ? cases : byDefault;

    /// <summary>The packet of a query: TCP/UDP to the port, or an ICMP echo request (its type in the port).</summary>
    public static (Protocol Protocol, int Port) Packet(string protocol, int port, IpFamily family) => protocol switch
    {
        "tcp" => (Protocol.Tcp, port),
        "udp" => (Protocol.Udp, port),
        _ => (Protocol.Icmp, IcmpTypeMatch.EchoRequest(family)),
    };

    /// <summary>The decision of the piece that holds the address (pieces cover the family's whole space).</summary>
    public static Func<IPAddress, Decision> Lookup(IReadOnlyList<VerdictPiece> pieces) =>
        address => (pieces.FirstOrDefault(p => p.Region.Contains(address)) ?? throw new InvalidOperationException($"no piece holds {address}")).Decision;

    /// <summary>The figures line both tests print and leave for test.sh.</summary>
    public static string Summary(string name, int seed, string what, int cases, int queries, int addresses, int definite, int disagreements, int productIndeterminate, TimeSpan took) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{name}: seed {seed}, {cases} {what}, {queries} queries, {addresses} addresses compared: {definite} definite by the oracle, {disagreements} disagreements, {productIndeterminate} indeterminate by the product where the oracle is definite; {took.TotalSeconds:F1} s");
}
