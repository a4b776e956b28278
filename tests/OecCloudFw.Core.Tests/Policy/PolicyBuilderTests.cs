using OecCloudFw.Core.Net;
using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Tests.Policy;

public sealed class PolicyBuilderTests
{
    private static string Describe(FirewallPolicy policy) =>
        string.Join("; ", policy.DesiredRules().Select(r => $"{r.Ports} {r.Source} {r.Description}"));

    [Fact]
    public void Build_Defaults_RequiredPortsFromAnywhereInTheGuidesWords()
    {
        var policy = PolicyBuilder.Build(new PolicyOptions());

        Assert.Equal(
            "22 0.0.0.0/0 OEC.sh management; 22 ::/0 OEC.sh management; 80 0.0.0.0/0 Web traffic; 80 ::/0 Web traffic; 443 0.0.0.0/0 Secure web traffic; 443 ::/0 Secure web traffic",
            Describe(policy));
        Assert.Equal(22, Assert.Single(policy.Ssh).Ports.From);
    }

    [Fact]
    public void Build_SshSourcesAndIpv6_SshOnlyFromManagementWebFromBothFamilies()
    {
        var policy = PolicyBuilder.Build(new PolicyOptions { SshSources = ["203.0.113.7/32", "2001:db8::/48"], Ipv6 = true });
        var rules = policy.DesiredRules();

        Assert.Equal(["203.0.113.7/32", "2001:db8::/48"], rules.Where(r => r.Ports.From == 22).Select(r => r.Source.ToString()));
        Assert.Equal(["0.0.0.0/0", "::/0"], rules.Where(r => r.Ports.From == 443).Select(r => r.Source.ToString()));
    }

    [Fact]
    public void Build_OptionalWithSource_OnlyFromThatSource()
    {
        var policy = PolicyBuilder.Build(new PolicyOptions { Optional = ["5432"], Sources = ["10.0.0.5/32"] });

        var db = Assert.Single(policy.DesiredRules(), r => r.Ports.From == 5432);
        Assert.Equal("10.0.0.5/32", db.Source.ToString());
        Assert.Equal("PostgreSQL", db.Description);
    }

    [Fact]
    public void Build_PortFilter_KeepsOnlyThosePortsAndAddsUnknownOnes()
    {
        var policy = PolicyBuilder.Build(new PolicyOptions { Ports = ["443", "9100"], Sources = ["192.0.2.0/24"] });

        Assert.Equal("443 0.0.0.0/0 Secure web traffic; 443 ::/0 Secure web traffic; 9100 192.0.2.0/24 oec-cloudfw tcp/9100", Describe(policy));
    }

    [Fact]
    public void Build_FileThenFlags_FlagsWin()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """
            version: 1
            ipv6: false
            ssh:
              ports: ["2222"]
              sources: [198.51.100.0/24]
            optional:
              - port: "8072"
            extra:
              - port: 9000-9010
                protocol: udp
                sources: [192.0.2.0/24]
                description: game servers
            """);
        try
        {
            var policy = PolicyBuilder.Build(new PolicyOptions { PolicyFile = path, SshSources = ["203.0.113.7/32"] });
            var rules = policy.DesiredRules();

            Assert.Equal("203.0.113.7/32", Assert.Single(rules, r => r.Ports.From == 2222).Source.ToString());
            Assert.Contains(rules, r => r.Ports.From == 8072 && r.Source.IsInternet);
            Assert.Contains(rules, r => r.Ports == PortRange.Parse("9000-9010") && r.Protocol == Protocol.Udp && r.Description == "game servers");
            Assert.DoesNotContain(rules, r => r.Ports.From == 22);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Build_SeveralMistakes_AllReportedAtOnce()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PolicyBuilder.Build(new PolicyOptions
        {
            SshSources = ["10.0.0.300/32"],
            Optional = ["3306"],
            Ports = ["0"],
        }));

        Assert.Contains("--ssh-source", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'3306' is not an optional port", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--port", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version: 2\n", "version 2 is not supported")]
    [InlineData("ssh: [oops\n", "oec-cloudfw.yaml:2: While parsing a flow sequence")]
    [InlineData("colour: blue\n", "oec-cloudfw.yaml:1: unknown key 'colour'")]
    public void PolicyFile_Malformed_ClearError(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidInputException>(() => PolicyFile.Parse(yaml, "oec-cloudfw.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExamplePolicy_InExamplesFolder_ParsesAndBuilds()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "OecCloudFw.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var policy = PolicyBuilder.Build(new PolicyOptions { PolicyFile = Path.Combine(root, "examples", "oec-cloudfw.yaml") });

        Assert.All(policy.Ssh, r => Assert.DoesNotContain(r.Sources, s => s.IsInternet));
        Assert.Contains(policy.DesiredRules(), r => r.Ports.From == 5432 && !r.Source.IsInternet);
    }

    [Fact]
    public void Catalog_HasTheGuidesPorts()
    {
        Assert.Equal([22, 80, 443], PortCatalog.Required.Select(p => p.Port));
        Assert.Equal([8069, 8072, 5432, 19999, 6432, 6433], PortCatalog.Optional.Select(p => p.Port));
        Assert.Equal(Core.Audit.Severity.Critical, PortCatalog.Find(5432)!.InternetExposure);
        Assert.Equal("Read replica access (Odoo 18+)", PortCatalog.Find(6433)!.WhenNeeded);
    }
}
