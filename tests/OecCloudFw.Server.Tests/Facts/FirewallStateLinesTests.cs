using OecCloudFw.Server.Facts;

namespace OecCloudFw.Server.Tests.Facts;

public sealed class FirewallStateLinesTests
{
    /// <summary>nft -j's one line of JSON is one line per object (a table, a chain, a rule): a moved rule is one moved line.</summary>
    [Fact]
    public void From_NftJson_OneLinePerObjectWithoutMetainfoOrCounters()
    {
        const string nft = """{"nftables": [{"metainfo": {"version": "1.0.9", "json_schema_version": 1}}, {"table": {"family": "inet", "name": "filter", "handle": 1}}, {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8443}}, {"counter": {"packets": 12, "bytes": 720}}, {"accept": null}]}}]}""";
        var sections = ProbeSections.Parse($"=====OECFW nft rc=0=====\n{nft}\n=====OECFW end rc=0=====\n");

        var lines = FirewallStateLines.From(sections);

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("nft: {\"table\":", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("nft: {\"rule\":", lines[1], StringComparison.Ordinal);
        Assert.Contains("8443", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("packets", lines[1], StringComparison.Ordinal);
    }
}
