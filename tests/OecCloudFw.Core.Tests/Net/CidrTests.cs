using System.Net;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Tests.Net;

public sealed class CidrTests
{
    [Theory]
    [InlineData("100.68.0.18/18", "100.68.0.0/18")]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("203.0.113.7", "203.0.113.7/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    [InlineData("::/0", "::/0")]
    [InlineData(" 192.0.2.1/24 ", "192.0.2.0/24")]
    public void Parse_ValidInput_CanonicalizesLikeAws(string text, string expected) =>
        Assert.Equal(expected, Cidr.Parse(text).ToString());

    [Theory]
    [InlineData("10.0.0.300/32")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0/24")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("everyone")]
    [InlineData("")]
    [InlineData("fe80::1%eth0/64")]
    public void TryParse_Malformed_FailsWithReason(string text)
    {
        Assert.False(Cidr.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Contains_SubnetAndAddress_RespectsFamilyAndPrefix()
    {
        var net = Cidr.Parse("10.0.0.0/8");

        Assert.True(net.Contains(Cidr.Parse("10.20.0.0/16")));
        Assert.False(net.Contains(Cidr.Parse("0.0.0.0/0")));
        Assert.False(net.Contains(Cidr.Parse("11.0.0.0/16")));
        Assert.True(net.Contains(IPAddress.Parse("10.9.9.9")));
        Assert.True(net.Contains(IPAddress.Parse("::ffff:10.9.9.9")));
        Assert.False(Cidr.AnyIPv4.Contains(Cidr.Parse("2001:db8::/32")));
        Assert.True(Cidr.AnyIPv6.Contains(Cidr.Parse("2001:db8::/32")));
    }

    [Fact]
    public void Overlaps_EitherContainsTheOther()
    {
        Assert.True(Cidr.Parse("10.0.0.0/8").Overlaps(Cidr.Parse("10.1.0.0/16")));
        Assert.True(Cidr.Parse("10.1.0.0/16").Overlaps(Cidr.Parse("10.0.0.0/8")));
        Assert.False(Cidr.Parse("10.1.0.0/16").Overlaps(Cidr.Parse("10.2.0.0/16")));
    }

    [Fact]
    public void Equality_IsByCanonicalValue()
    {
        Assert.Equal(Cidr.Parse("100.68.0.18/18"), Cidr.Parse("100.68.63.255/18"));
        Assert.NotEqual(Cidr.Parse("10.0.0.0/8"), Cidr.Parse("10.0.0.0/9"));
        Assert.True(Cidr.Parse("::/0").IsInternet);
        Assert.Equal(IpFamily.IPv6, Cidr.Internet(IpFamily.IPv6).Family);
    }
}
