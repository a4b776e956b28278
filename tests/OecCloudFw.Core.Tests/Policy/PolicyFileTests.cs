using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Tests.Policy;

/// <summary>Mistakes in a policy file: a clear message naming file:line, never a silent winner or a .NET exception's words.</summary>
public sealed class PolicyFileTests
{
    private static InvalidInputException Refused(string yaml)
    {
        var ex = Assert.Throws<InvalidInputException>(() => PolicyFile.Parse(yaml, "oec-cloudfw.yaml"));
        Assert.DoesNotContain("Specified cast", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Parse_DuplicateKey_RefusedNamingBothLines()
    {
        var ex = Refused("version: 1\nssh:\n  sources: [203.0.113.10/32]\nweb_sources: [anywhere]\nssh:\n  ports: [\"2222\"]\n");

        Assert.StartsWith("oec-cloudfw.yaml:5: 'ssh' is given twice (first on line 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateNestedKey_Refused()
    {
        var ex = Refused("ssh:\n  sources: [203.0.113.10/32]\n  sources: [198.51.100.0/28]\n");

        Assert.StartsWith("oec-cloudfw.yaml:3: 'sources' is given twice (first on line 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ScalarWhereAListBelongs_SaysWhatToWrite()
    {
        var ex = Refused("version: 1\nssh:\n  sources: 203.0.113.10/32\n");

        Assert.Equal("oec-cloudfw.yaml:3: ssh.sources: expected a list, e.g. [203.0.113.10/32] or one '- item' line each, found the value '203.0.113.10/32': write sources: [203.0.113.10/32]", ex.Message);
    }

    [Fact]
    public void Parse_ListWhereAValueBelongs_Refused()
    {
        var ex = Refused("optional:\n  - port: [8069, 8072]\n");

        Assert.StartsWith("oec-cloudfw.yaml:2: optional[0].port: expected a single value, found a list", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedBracket_NamesTheFileAndALine()
    {
        var ex = Refused("version: 1\nssh:\n  sources: [203.0.113.10/32\nweb_sources: [anywhere]\n");

        Assert.Matches(@"^oec-cloudfw\.yaml:\d+: \S", ex.Message);
    }

    [Fact]
    public void Parse_UnknownFlattenedKey_ListsTheKnownKeysAndSuggestsTheNestedOne()
    {
        var ex = Refused("version: 1\nssh_sources: [203.0.113.10/32]\n");

        Assert.Equal("oec-cloudfw.yaml:2: unknown key 'ssh_sources' at the top level (did you mean 'sources:' indented under 'ssh:'?); the known keys are: version, ipv6, ssh, web_sources, optional, extra", ex.Message);
    }

    [Fact]
    public void Parse_MisspeltKey_SuggestsTheClosest()
    {
        var ex = Refused("ssh:\n  source: [203.0.113.10/32]\n");

        Assert.Equal("oec-cloudfw.yaml:2: unknown key 'source' in ssh (did you mean 'sources'?); the known keys are: ports, sources", ex.Message);
    }

    [Fact]
    public void Build_BadSourceInTheFile_BlamedOnTheFileAndLineNotTheFlag()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oecfw-policy-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "version: 1\nssh:\n  sources:\n    - 203.0.113.10/32\n    - 10.0.0.300/32\n");
        try
        {
            var ex = Assert.Throws<InvalidInputException>(() => PolicyBuilder.Build(new PolicyOptions { PolicyFile = path }));

            Assert.StartsWith($"{path}:5: ssh.sources[1]: ", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("--ssh-source", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Build_BadExtraPortAndOptionalInTheFile_EachBlamedOnItsLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oecfw-policy-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "optional:\n  - port: \"3306\"\nextra:\n  - port: 9100\n    protocol: sctp\n");
        try
        {
            var ex = Assert.Throws<InvalidInputException>(() => PolicyBuilder.Build(new PolicyOptions { PolicyFile = path }));

            Assert.Contains($"{path}:2: optional[0].port: '3306' is not an optional port", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"{path}:5: extra[0].protocol: 'sctp' is not a protocol", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("ipv6: false\n", null, false)]
    [InlineData("ipv6: true\n", false, false)]
    [InlineData("ipv6: false\n", true, true)]
    public void Build_Ipv6_OneDefaultBothFamiliesTheFileAndTheFlagOverride(string? yaml, bool? flag, bool expected)
    {
        var path = yaml is null ? null : Path.Combine(Path.GetTempPath(), $"oecfw-policy-{Guid.NewGuid():N}.yaml");
        if (path is not null)
        {
            File.WriteAllText(path, yaml);
        }

        try
        {
            var policy = PolicyBuilder.Build(new PolicyOptions { PolicyFile = path, Ipv6 = flag });

            Assert.Equal(expected, policy.Ipv6);
            Assert.Equal(expected, policy.DesiredRules().Any(r => r.Ports.From == 443 && r.Source.ToString() == "::/0"));
        }
        finally
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }
}
