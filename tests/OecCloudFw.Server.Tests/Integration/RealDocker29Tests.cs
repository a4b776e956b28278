using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;
using OecCloudFw.Server.Preflight;
using OecCloudFw.Testing.Servers;
using static OecCloudFw.Server.Tests.Integration.ServerScenario;

namespace OecCloudFw.Server.Tests.Integration;

/// <summary>
/// A real Docker 29 or later with its nftables firewall backend inside a test server, where one is installed (Debian's
/// docker.io here is older: the test says so and is skipped). Docker writes its own docker-bridges tables; the audit
/// reads them and its verdict for the published port must be the kernel's.
/// </summary>
public sealed partial class RealDocker29Tests
{
    private const string Source4 = "198.18.10.5";

    [Fact]
    public async Task RealDockerNftablesBackend_PublishedPort_AuditAgreesWithTheKernel()
    {
        var (code, version, _) = await TestServer.Run("/usr/sbin/dockerd", ["--version"], Ct, check: false);
        var major = Major().Match(version);
        if (code != 0 || !major.Success || int.Parse(major.Groups[1].Value, CultureInfo.InvariantCulture) < 29)
        {
            Assert.Skip($"needs Docker 29 or later (its nftables firewall backend); dockerd here says: {(code == 0 ? version.Trim() : "not installed")}");
        }

        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Source4], Ct);
        // The default bridge on the test range; IPv4 only (the test client's IPv6 is not what this checks).
        await using var docker = await DockerInServer.StartAsync(server, "--firewall-backend=nftables --bip 198.18.201.1/24", Ct);
        await docker.PublishAsync(5432, Ct);
        var facts = FactsCollector.Parse(ProbeSections.Parse(await server.ExecAsync(FactsCollector.ProbeScript, Ct)));
        var kernel = await client.SynAsync([Source4], [5432], TimeSpan.FromSeconds(2), Ct);

        Assert.True(facts.DockerFirewall.Nftables, $"docker info says {facts.DockerFirewall.Driver}");
        Assert.Contains(facts.DockerFirewall.Published, p => p.Port == 5432);
        var tool = ServerLayerEvaluator.Evaluate(facts, Protocol.Tcp, 5432, Cidr.Parse(Source4));
        Assert.NotEqual(Decision.Indeterminate, tool.Decision);
        Assert.True(tool.Admitted == (kernel[(Source4, 5432)] == "open"), $"the kernel said {kernel[(Source4, 5432)]}, the tool {tool.Decision}: {tool.Evidence}");
    }

    [GeneratedRegex(@"Docker version (\d+)\.")]
    private static partial Regex Major();
}
