using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;
using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Tests.Audit;

/// <summary>The server layer renders its fixes: data (kind, layer, resource, port) with the commands for what runs on the server.</summary>
public sealed class ServerFixesTests
{
    private static ServerFacts Facts(DockerFirewall docker) => new()
    {
        Os = new OsInfo("debian", string.Empty, "Debian GNU/Linux 12 (bookworm)", "apt-get"),
        IsRoot = true,
        Sshd = SshdSettings.Parse("port 22\n"),
        Commands = new HashSet<string>(["iptables"], StringComparer.Ordinal),
        DockerFirewall = docker,
    };

    [Fact]
    public void Docker_OnIptables_ConfigureThenDockerUser()
    {
        var fix = Assert.Single(ServerFixes.Fixes(FixKind.ServerDocker, 5432, [], "--host web-1", Facts(new DockerFirewall("iptables", true, [], null))));

        Assert.Equal((FixKind.ServerDocker, "server", "docker", 5432), (fix.Kind, fix.Layer, fix.Resource, fix.Port));
        Assert.Equal("oec-cloudfw server configure --host web-1", fix.Commands[0]);
        Assert.StartsWith("iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 5432 -j DROP", fix.Commands[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_OnItsNftablesBackend_ATableAheadOfDockersForwardChain()
    {
        var fix = Assert.Single(ServerFixes.Fixes(FixKind.ServerDocker, 5432, [], "--local", Facts(new DockerFirewall("nftables", true, [], null))));

        Assert.StartsWith("nft add table inet oecfw-docker;", fix.Commands[1], StringComparison.Ordinal);
        Assert.Contains("ct original proto-dst 5432 ct state new drop", fix.Commands[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Restrict_CarriesTheManagementSources_NotTheInternet()
    {
        var fix = Assert.Single(ServerFixes.Fixes(FixKind.ServerRestrict, 22, [Cidr.Parse("198.51.100.9/32"), Cidr.AnyIPv4], "--host web-1", Facts(DockerFirewall.None)));

        Assert.Equal([Cidr.Parse("198.51.100.9/32")], fix.Sources);
        Assert.Equal(["oec-cloudfw server configure --host web-1 --ssh-source 198.51.100.9/32"], fix.Commands);
    }
}
