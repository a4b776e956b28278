using OecCloudFw.Core;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Cli.Tests;

/// <summary>The suppressions file: read with the project's YAML reader, every mistake named by file and line; host globs.</summary>
public sealed class SuppressionFileTests
{
    [Fact]
    public void Parse_TheExample_EveryEntryWithItsLine()
    {
        var path = Path.Combine(Testing.RepositoryRoot.Path, "examples", "suppressions.yaml");

        var all = SuppressionFile.Load(path);

        Assert.Equal(2, all.Count);
        Assert.Equal(new Suppression("OECFW-SSH-INTERNET", "bastion-*.example.net", null, "the bastions are the SSH entry point; fail2ban and keys only", "platform-team", new DateOnly(2027, 6, 30), $"{path}:5"), all[0]);
        Assert.Equal(8069, all[1].Port);
    }

    [Theory]
    [InlineData("suppressions:\n  - id: OECFW-SSH-INTERNET\n    server: a\n    reason: r\n    owner: o\n    expires: 30/06/2027\n", "s.yaml:6: suppressions[0].expires: '30/06/2027' is not a date")]
    [InlineData("suppressions:\n  - id: OECFW-SSH-INTERNET\n    server: a\n    reason: r\n    owner: o\n", "s.yaml:2: suppressions[0].expires: required")]
    [InlineData("suppressions:\n  - id: OECFW-SSH-INTERNET\n    server: a\n    port: http\n    reason: r\n    owner: o\n    expires: 2027-01-01\n", "s.yaml:4: suppressions[0].port: 'http' is not a port")]
    [InlineData("suppressions:\n  - id: SSH\n    server: a\n    reason: r\n    owner: o\n    expires: 2027-01-01\n", "s.yaml:2: suppressions[0].id: 'SSH' is not a finding id")]
    [InlineData("suppressions:\n  - id: OECFW-SSH-INTERNET\n    host: a\n", "s.yaml:3: unknown key 'host'")]
    [InlineData("suppressions:\n  - id: [OECFW-SSH-INTERNET\n", "s.yaml:")]
    [InlineData("servers: []\n", "s.yaml:1: unknown key 'servers'")]
    public void Parse_Mistake_BadInputNamingFileAndLine(string yaml, string says)
    {
        var error = Assert.Throws<InvalidInputException>(() => SuppressionFile.Parse(yaml, "s.yaml"));

        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web-*.example.net", "web-3.example.net", true)]
    [InlineData("web-*.example.net", "WEB-3.EXAMPLE.NET", true)]
    [InlineData("web-?.example.net", "web-12.example.net", false)]
    [InlineData("198.19.*.2", "198.19.7.2", true)]
    [InlineData("db-1", "db-10", false)]
    [InlineData("*", "anything", true)]
    public void Glob_HostPatterns(string pattern, string host, bool matches) => Assert.Equal(matches, Suppression.Glob(pattern, host));

    [Fact]
    public void Matches_IdServerAndPort_ExpiredTheDayAfter()
    {
        var suppression = new Suppression("OECFW-PORT-INTERNET", "web-*", 8069, "r", "o", new DateOnly(2027, 1, 31), "s.yaml:2");

        Assert.True(suppression.Matches("OECFW-PORT-INTERNET", "web-1", 8069));
        Assert.False(suppression.Matches("OECFW-PORT-INTERNET", "web-1", 5432));
        Assert.False(suppression.Matches("OECFW-SSH-INTERNET", "web-1", 8069));
        Assert.False(suppression.ExpiredOn(new DateOnly(2027, 1, 31)));
        Assert.True(suppression.ExpiredOn(new DateOnly(2027, 2, 1)));
    }

    [Fact]
    public async Task Schema_SuppressionsIsListed()
    {
        var list = await CliHarness.RunAsync("schema");
        var schema = await CliHarness.RunAsync("schema", "suppressions");

        Assert.Contains("oec-cloudfw/suppressions/v1", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, schema.ExitCode);
        Assert.Contains("\"expires\"", schema.Output, StringComparison.Ordinal);
    }
}
