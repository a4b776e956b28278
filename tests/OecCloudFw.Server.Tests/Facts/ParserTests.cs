using OecCloudFw.Core.Net;
using OecCloudFw.Core.Rules;
using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Tests.Facts;

public sealed class ParserTests
{
    private static readonly Cidr Internet = Cidr.AnyIPv4;

    [Fact]
    public void UfwFiles_RealFiles_RulesInOrderWithCommentsAndFamilies()
    {
        var ufw = UfwState.FromFiles(FixtureFile.Read("ufw-conf.txt"), FixtureFile.Read("etc-default-ufw.txt"), FixtureFile.Read("ufw-user-rules.txt"), chainsLoaded: true);

        Assert.True(ufw.Active);
        Assert.Equal(RuleAction.Deny, ufw.DefaultIncoming);
        Assert.Equal("SSH", ufw.Rules[0].Description);
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(443) && r.Description == "Web" && r.Family == IpFamily.IPv6);
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(5432) && r.Source == Cidr.Parse("10.0.0.5/32") && r.Description == "BI Server");
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Parse("8000-8100") && r.Protocol == Protocol.Tcp);
        Assert.Equal(RuleAction.Deny, ufw.Rules.First(r => r.Ports.From == 6432).Action);
        Assert.False(UfwState.FromFiles(FixtureFile.Read("ufw-conf.txt"), null, FixtureFile.Read("ufw-user-rules.txt"), chainsLoaded: false).Active);
        Assert.False(UfwState.FromFiles("ENABLED=no\nLOGLEVEL=low\n", null, null, chainsLoaded: true).Active);
        Assert.True(UfwState.ChainsIn(FixtureFile.Read("iptables-save-ufw.txt")));
        Assert.True(UfwState.ChainsIn(FixtureFile.Read("ip6tables-save-ufw.txt")));
        Assert.False(UfwState.ChainsIn("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"));
    }

    [Fact]
    public void UfwFiles_AgreeWithTheKernelRulesUfwLoadedFromThem()
    {
        // Captured together: ufw's files and the iptables-save / ip6tables-save of the same set-up (see Fixtures/README.md).
        var ufw = UfwState.FromFiles(FixtureFile.Read("ufw-conf.txt"), FixtureFile.Read("etc-default-ufw.txt"), FixtureFile.Read("ufw-user-rules.txt"), chainsLoaded: true);
        var files = new RuleSet(ufw.Rules, ufw.DefaultIncoming);
        var kernel4 = IptablesSaveParser.ParseFilterInput(FixtureFile.Read("iptables-save-ufw.txt"))!;
        var kernel6 = IptablesSaveParser.ParseFilterInput(FixtureFile.Read("ip6tables-save-ufw.txt"))!;

        foreach (var port in new[] { 22, 80, 443, 5432, 6432, 7999, 8000, 8050, 8100, 8101, 3306 })
        {
            foreach (var source in new[] { "0.0.0.0/0", "10.0.0.5/32", "203.0.113.9/32", "::/0", "2001:db8::1/128" })
            {
                var cidr = Cidr.Parse(source);
                var kernel = cidr.Family == IpFamily.IPv4 ? kernel4 : kernel6;
                Assert.True(kernel.Evaluate(Protocol.Tcp, port, cidr).Admitted == files.Evaluate(Protocol.Tcp, port, cidr).Admitted, $"{port} from {source}");
            }
        }
    }

    [Fact]
    public void UfwFiles_EveryKindOfRule()
    {
        var ufw = UfwState.FromFiles("ENABLED=yes\n", "DEFAULT_INPUT_POLICY=\"ACCEPT\"\n", FixtureFile.Read("ufw-user-rules-varied.txt"), chainsLoaded: true);
        var rules = new RuleSet(ufw.Rules, ufw.DefaultIncoming);

        Assert.Equal(RuleAction.Allow, ufw.DefaultIncoming);
        Assert.Equal(RuleAction.Deny, ufw.Rules[0].Action); // "ufw insert 1 deny from 198.51.100.7": first, every port
        Assert.False(rules.Evaluate(Protocol.Tcp, 22, Cidr.Parse("198.51.100.7/32")).Admitted);
        Assert.DoesNotContain(ufw.Rules, r => r.Ports == PortRange.Single(9000)); // a routed rule filters FORWARD, not INPUT
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(2222) && r.Action == RuleAction.Allow); // limit
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(22) && r.Description is null); // the OpenSSH app profile, resolved
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(8069)); // "in on eth0"
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(25) && r.Action == RuleAction.Deny); // reject
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(8072) && r.Action == RuleAction.Deny); // deny log
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(5432) && r.Protocol == Protocol.All && r.Action == RuleAction.Deny);
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(53) && r.Protocol == Protocol.Udp);
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.All && r.Source == Cidr.Parse("10.0.0.0/8"));
        Assert.Contains(ufw.Rules, r => r.Ports == PortRange.Single(19999) && r.Source == Cidr.Parse("2001:db8::/32"));
        Assert.Equal("pg bouncer", ufw.Rules.Single(r => r.Ports.From == 6432).Description);
    }

    [Theory]
    [InlineData(22, "0.0.0.0/0", true)]
    [InlineData(443, "0.0.0.0/0", true)]
    [InlineData(5432, "10.0.0.5/32", true)]
    [InlineData(5432, "0.0.0.0/0", false)]
    [InlineData(6432, "0.0.0.0/0", false)]
    [InlineData(8069, "0.0.0.0/0", true)]
    [InlineData(8101, "0.0.0.0/0", false)]
    [InlineData(3306, "0.0.0.0/0", false)]
    public void IptablesSave_UfwChainLayout_FollowsJumpsReturnsAndPolicy(int port, string source, bool admitted)
    {
        var chains = IptablesSaveParser.ParseFilterInput(FixtureFile.Read("iptables-save-ufw.txt"))!;

        var verdict = chains.Evaluate(Protocol.Tcp, port, Cidr.Parse(source));

        Assert.Equal(admitted, verdict.Admitted);
        Assert.NotEmpty(verdict.Evidence);
    }

    [Fact]
    public void Ip6tablesSave_UfwChainLayout_IPv6RulesDecide()
    {
        var chains = IptablesSaveParser.ParseFilterInput(FixtureFile.Read("ip6tables-save-ufw.txt"))!;

        Assert.True(chains.Evaluate(Protocol.Tcp, 22, Cidr.AnyIPv6).Admitted);
        Assert.False(chains.Evaluate(Protocol.Tcp, 5432, Cidr.AnyIPv6).Admitted);
        Assert.Contains("ufw6-user-input", chains.Evaluate(Protocol.Tcp, 80, Cidr.AnyIPv6).Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void IptablesSave_EstablishedOnlyRule_DoesNotAdmitNewPacket()
    {
        const string save = """
            *filter
            :INPUT DROP [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :custom - [0:0]
            -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A INPUT -i lo -j ACCEPT
            -A INPUT -j custom
            -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
            -A custom -s 203.0.113.0/24 -p tcp --dport 22 -m comment --comment "OEC.sh management" -j ACCEPT
            -A custom -p tcp --dport 22 -j DROP
            -A custom -j RETURN
            COMMIT
            """;

        var chains = IptablesSaveParser.ParseFilterInput(save)!;

        Assert.False(chains.Evaluate(Protocol.Tcp, 5432, Internet).Admitted);
        Assert.True(chains.Evaluate(Protocol.Tcp, 443, Internet).Admitted);
        Assert.True(chains.Evaluate(Protocol.Tcp, 22, Cidr.Parse("203.0.113.9/32")).Admitted);
        Assert.False(chains.Evaluate(Protocol.Tcp, 22, Internet).Admitted);
        Assert.Contains("--comment", IptablesSaveParser.Tokenize("-A x -m comment --comment \"a b\" -j ACCEPT")[4], StringComparison.Ordinal);
        Assert.Equal("a b", IptablesSaveParser.Tokenize("-A x -m comment --comment \"a b\" -j ACCEPT")[5]);
    }

    [Fact]
    public void IptablesSave_NoFilterTable_IsNull() => Assert.Null(IptablesSaveParser.ParseFilterInput("# nothing loaded\n"));

    [Theory]
    [InlineData(22, "0.0.0.0/0", true)]
    [InlineData(443, "::/0", true)]
    [InlineData(5432, "10.1.2.3/32", true)]
    [InlineData(5432, "0.0.0.0/0", false)]
    [InlineData(5432, "::/0", false)]
    [InlineData(8050, "0.0.0.0/0", true)]
    [InlineData(9000, "0.0.0.0/0", false)]
    public void NftJson_InetTable_SetsRangesPrefixesAndPolicy(int port, string source, bool admitted)
    {
        var cidr = Cidr.Parse(source);
        var chains = NftRulesetParser.ParseInput(FixtureFile.Read("nft-list-ruleset.json"), cidr.Family)!;

        Assert.Equal(admitted, chains.Evaluate(Protocol.Tcp, port, cidr).Admitted);
    }

    [Fact]
    public void FirewalldListAll_ZoneServicesPortsAndRichRules()
    {
        var zone = Assert.Single(FirewalldZone.Parse(FixtureFile.Read("firewall-cmd-list-all.txt")));
        var services = new Dictionary<string, IReadOnlyList<PortRange>>();

        Assert.Equal("public", zone.Name);
        Assert.Equal(["dhcpv6-client", "ssh"], zone.Services);
        Assert.True(zone.Admits(Protocol.Tcp, 22, Internet, services).Admitted);
        Assert.True(zone.Admits(Protocol.Tcp, 8069, Internet, services).Admitted);
        Assert.False(zone.Admits(Protocol.Tcp, 443, Internet, services).Admitted);
        Assert.True(zone.Admits(Protocol.Tcp, 5432, Cidr.Parse("10.0.0.5/32"), services).Admitted);
        Assert.False(zone.Admits(Protocol.Tcp, 5432, Internet, services).Admitted);
    }

    [Fact]
    public void NftJson_FirewalldTableSkipped_ItIsEvaluatedThroughZones()
    {
        var json = FixtureFile.Read("nft-list-ruleset-firewalld.json");

        Assert.Null(NftRulesetParser.ParseInput(json, IpFamily.IPv4, (_, table) => table == "firewalld"));
        Assert.NotNull(NftRulesetParser.ParseInput(json, IpFamily.IPv4));
    }

    [Fact]
    public void SshdT_RealOutput_PortsAndAuthSettings()
    {
        var sshd = SshdSettings.Parse(FixtureFile.Read("sshd-T.txt"));

        Assert.Equal([22], sshd.Ports);
        Assert.Equal("yes", sshd.PasswordAuthentication);
        Assert.Equal("without-password", sshd.PermitRootLogin);
        Assert.Equal([2222], SshdSettings.Parse("port 2222\nlistenaddress 0.0.0.0:2222\n").Ports);
        Assert.Equal([2222, 22], SshdSettings.ParseSocketPorts("Listen=[::]:2222 (Stream)\nListen=0.0.0.0:22 (Stream)"));
    }

    [Fact]
    public void Ss_RealOutput_ListeningSockets()
    {
        var sockets = ListeningSocket.Parse(FixtureFile.Read("ss-Htlnp.txt"));

        Assert.Contains(sockets, s => s.Port == 22 && s.Process == "sshd" && s.IsPublic);
        Assert.False(new ListeningSocket("127.0.0.1", 5432, "postgres").IsPublic);
    }

    [Fact]
    public void ProbeSections_SplitsByMarkerWithExitCodes()
    {
        var sections = ProbeSections.Parse("=====OECFW a rc=0=====\nhello\nworld\n=====OECFW b rc=3=====\noops\n=====OECFW end rc=0=====\n");

        Assert.True(sections.Complete);
        Assert.Equal("hello\nworld", sections.Ok("a"));
        Assert.Null(sections.Ok("b"));
        Assert.Equal("oops", sections.Text("b"));
        Assert.False(ProbeSections.Parse("=====OECFW a rc=0=====\nx").Complete);
    }

    [Fact]
    public void IptablesVariant_FromTheSaveHeader()
    {
        Assert.Equal("nf_tables", FactsCollector.IptablesVariant(FixtureFile.Read("iptables-save-ufw.txt")));
        Assert.Equal("legacy", FactsCollector.IptablesVariant("# Generated by iptables-save v1.8.9 on Wed Nov 25 20:08:32 2026\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"));
        Assert.Null(FactsCollector.IptablesVariant(string.Empty));
        Assert.Null(FactsCollector.IptablesVariant(null));
    }

    [Fact]
    public void OsRelease_FamiliesAndPackageManager()
    {
        var debian = OsInfo.Parse("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"", new HashSet<string> { "apt-get" });
        var rocky = OsInfo.Parse("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"", new HashSet<string> { "dnf" });

        Assert.True(debian.IsDebianLike);
        Assert.Equal("apt-get", debian.PackageManager);
        Assert.True(rocky.IsRhelLike);
        Assert.Equal("dnf", rocky.PackageManager);
    }
}
