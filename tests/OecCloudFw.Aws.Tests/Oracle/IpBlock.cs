using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Aws.Tests.Oracle;

/// <summary>
/// The oracle's own address arithmetic: an address is a number (IPv4 in the low 32 bits) and a family; a CIDR is the
/// inclusive range [First, Last] of one family. IPv4-mapped IPv6 addresses are IPv6 (the contract's families are the
/// packet's families).
/// </summary>
internal readonly record struct IpBlock(bool V6, UInt128 First, UInt128 Last)
{
    /// <summary>The contract's private ranges (everything else is public).</summary>
    public static readonly IReadOnlyList<IpBlock> PrivateRanges =
    [
        Parse("10.0.0.0/8"), Parse("172.16.0.0/12"), Parse("192.168.0.0/16"), Parse("100.64.0.0/10"), Parse("fc00::/7"),
    ];

    public int Bits => V6 ? 128 : 32;

    public static UInt128 MaxOf(bool v6) => v6 ? UInt128.MaxValue : uint.MaxValue;

    /// <summary>Parses "a.b.c.d/n" or "x::/n" (host bits are masked off, as EC2 canonicalizes).</summary>
    public static IpBlock Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new FormatException($"not a CIDR: '{cidr}'");
        }

        var address = IPAddress.Parse(cidr[..slash]);
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var length = int.Parse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        var bits = v6 ? 128 : 32;
        if (length > bits)
        {
            throw new FormatException($"prefix length too long: '{cidr}'");
        }

        var host = HostMask(bits - length);
        var first = ToNumber(address) & ~host;
        return new IpBlock(v6, first, first | host);
    }

    public static UInt128 HostMask(int hostBits) =>
        hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - UInt128.One;

    public bool Contains(bool v6, UInt128 address) => V6 == v6 && First <= address && address <= Last;

    public static bool IsPrivate(bool v6, UInt128 address)
    {
        foreach (var range in PrivateRanges)
        {
            if (range.Contains(v6, address))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsV6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;

    public static UInt128 ToNumber(IPAddress address)
    {
        var value = UInt128.Zero;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public static IPAddress ToAddress(bool v6, UInt128 value)
    {
        var bytes = new byte[v6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    /// <summary>The prefix length, when [First, Last] is a CIDR.</summary>
    public int PrefixLength
    {
        get
        {
            var size = Last - First;
            var hostBits = 0;
            while (hostBits < Bits && ((size >> hostBits) & UInt128.One) == UInt128.One)
            {
                hostBits++;
            }

            return Bits - hostBits;
        }
    }

    public override string ToString() => $"{ToAddress(V6, First)}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
