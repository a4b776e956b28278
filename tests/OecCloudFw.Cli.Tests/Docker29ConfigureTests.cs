using System.Text.Json;
using OecCloudFw.Testing.Servers;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// <c>server configure</c> and <c>audit</c> from the command line on a server with Docker 29's nftables backend (the
/// exact tables Docker 29.0.0 writes, a real container network behind the bridge: Docker29InServer): the published port
/// follows the policy by the tool's own table before Docker's forward chain, the kernel refuses what the policy refuses
/// (SYNs from an internet address, a connection from the operator's address), and the audit, probe included, agrees.
/// </summary>
public sealed class Docker29ConfigureTests
{
    private const string Elsewhere = "198.18.10.5";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Configure_NftablesDocker_PublishedPortFollowsThePolicy_AuditAgrees_ASecondRunChangesNothing()
    {
        await using var server = await TestServer.StartAsync(Ct);
        await using var client = await TestClient.AttachAsync(server, [Elsewhere], Ct);
        await Docker29InServer.StartAsync(server, [Docker29InServer.ContainerPort], cancellationToken: Ct);
        Assert.Equal("open", (await client.SynAsync([Elsewhere], [Docker29InServer.Published], TimeSpan.FromSeconds(1.5), Ct))[(Elsewhere, Docker29InServer.Published)]);
        string[] policy = ["--extra-port", "8080", "--source", server.ClientAddress + "/32"];

        var configure = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--backend", "nftables"]);

        Assert.True(configure.ExitCode is 0 or 1, configure.Error + configure.Output);
        Assert.Contains("oecfw-docker", configure.Output, StringComparison.Ordinal);
        Assert.Equal("filtered", (await client.SynAsync([Elsewhere], [Docker29InServer.Published], TimeSpan.FromSeconds(1.5), Ct))[(Elsewhere, Docker29InServer.Published)]);
        Assert.True(await server.ConnectsFromHostAsync(Docker29InServer.Published, Ct), "8080 from the policy's source does not connect");

        var audit = await CliHarness.RunAsync(["audit", .. CliFlags.Server(server), .. policy, "--output", "json", "--probe-timeout", "1", "--fail-on", "never"]);
        using (var json = JsonDocument.Parse(audit.Output))
        {
            var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.DoesNotContain("OECFW-DOCKER-BYPASS", ids);
            Assert.DoesNotContain("OECFW-MODEL-PROBE-MISMATCH", ids);
        }

        var again = await CliHarness.RunAsync(["server", "configure", .. CliFlags.Server(server), .. policy, "--backend", "nftables", "--output", "json"]);
        using var plan = JsonDocument.Parse(again.Output);
        Assert.Empty(plan.RootElement.GetProperty("commands").EnumerateArray());
    }
}
