using OecCloudFw.Server.Audit;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Tests.Audit;

/// <summary>
/// DOCKER-USER filters only when FORWARD reaches it before Docker's accept. A firewalld reload makes Docker write its
/// FORWARD rules again with the jump last (seen with real firewalld and Docker in DockerConfigureTests): the audit then
/// says the published port is exposed, as the kernel does.
/// </summary>
public sealed class DockerForwardOrderTests
{
    private const string Nat = "*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n" +
                               "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 172.17.0.2:5432\nCOMMIT\n";

    private static string Filter(string forward) =>
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n" + forward +
        "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 5432 -j ACCEPT\n" +
        "-A DOCKER-USER -m conntrack --ctstate NEW -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n";

    private static (int Port, bool Exposed, string Evidence) Published(string save)
    {
        var nat = IptablesSaveParser.ParseTable(save, "nat", "PREROUTING");
        var user = IptablesSaveParser.ParseTable(save, "filter", "DOCKER-USER");
        return Assert.Single(HostFactsReader.DockerPublished(nat, user, null, HostFactsReader.DockerUserFirst(save)));
    }

    [Fact]
    public void JumpFirst_DockerUserDecides()
    {
        var published = Published(Filter("-A FORWARD -j DOCKER-USER\n-A FORWARD -o docker0 -j DOCKER\n") + Nat);

        Assert.False(published.Exposed);
    }

    [Fact]
    public void JumpAfterDockersAccept_Exposed_WithTheRuleThatAcceptsFirst()
    {
        var published = Published(Filter("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o docker0 -j DOCKER\n-A FORWARD -j DOCKER-USER\n") + Nat);

        Assert.True(published.Exposed);
        Assert.Contains("-A FORWARD -o docker0 -j DOCKER", published.Evidence, StringComparison.Ordinal);
    }
}
