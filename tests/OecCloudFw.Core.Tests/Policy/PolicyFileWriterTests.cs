using OecCloudFw.Core.Policy;

namespace OecCloudFw.Core.Tests.Policy;

public sealed class PolicyFileWriterTests
{
    private static string Describe(FirewallPolicy policy) =>
        $"ipv6={policy.Ipv6}; " + string.Join("; ", policy.Requirements.Select(r => $"{r.Protocol} {r.Ports} [{string.Join(",", r.Sources)}] {r.Description} ssh={r.IsSsh}"));

    [Fact]
    public void Write_AnEffectivePolicy_ReadsBackAsTheSamePolicy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oecfw-writer-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            ipv6: true
            ssh:
              sources: [203.0.113.10/32, "2001:db8::/48"]
            optional:
              - port: "5432"
                sources: [10.0.0.5/32]
            extra:
              - port: 9100-9101
                protocol: udp
                sources: [192.0.2.0/24]
                description: node exporter
            """);
        try
        {
            var policy = PolicyBuilder.Build(new PolicyOptions { PolicyFile = path, Optional = ["8072"], SshSources = ["198.18.0.1/32"] });

            var text = PolicyFileWriter.Write(policy, ["applied at: 2026-12-07T03:00:00Z", "by: oec-cloudfw 1.0.0"]);
            var again = PolicyBuilder.Build(new PolicyOptions { PolicyText = text, PolicyTextName = "/etc/oec-cloudfw/applied-policy.yaml on h" });

            Assert.StartsWith("# applied at: 2026-12-07T03:00:00Z\n# by: oec-cloudfw 1.0.0\nversion: 1\n", text, StringComparison.Ordinal);
            Assert.Equal(Describe(policy), Describe(again));
            Assert.Contains("198.18.0.1/32", Describe(again), StringComparison.Ordinal);
            Assert.DoesNotContain("203.0.113.10/32", Describe(again), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_TheDefaults_ReadsBackAsTheDefaults()
    {
        var text = PolicyFileWriter.Write(FirewallPolicy.Default, []);

        Assert.Equal(Describe(FirewallPolicy.Default), Describe(PolicyBuilder.Build(new PolicyOptions { PolicyText = text })));
    }

    [Fact]
    public void Build_AMalformedRememberedPolicy_NamesItAndTheLine()
    {
        var ex = Assert.Throws<InvalidInputException>(() =>
            PolicyBuilder.Build(new PolicyOptions { PolicyText = "version: 1\nssh:\n  ports: [22\n", PolicyTextName = "root@h:22:/etc/oec-cloudfw/applied-policy.yaml" }));

        Assert.Matches(@"^root@h:22:/etc/oec-cloudfw/applied-policy\.yaml:[34]: ", ex.Message);
        Assert.Contains("'['", ex.Message, StringComparison.Ordinal);
    }
}
