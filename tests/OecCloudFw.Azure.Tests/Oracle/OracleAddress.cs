using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Azure.Tests.Oracle;

/// <summary>An IPv4 or IPv6 address as a number (IPv4 in the low 32 bits), the oracle's own arithmetic.</summary>
internal readonly record struct OracleAddress(bool V6, UInt128 Value)
{
    public int Bits => V6 ? 128 : 32;

    public UInt128 Max => V6 ? UInt128.MaxValue : uint.MaxValue;

    public static OracleAddress From(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 v = 0;
        foreach (var b in bytes)
        {
            v = (v << 8) | b;
        }
        return new OracleAddress(address.AddressFamily == AddressFamily.InterNetworkV6, v);
    }

    public static bool TryParse(string text, out OracleAddress address)
    {
        address = default;
        if (!IPAddress.TryParse(text, out var ip))
        {
            return false;
        }
        // A bare IPv4 must be dotted-quad (IPAddress.TryParse also takes "10" or "10.1").
        if (ip.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return false;
        }
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && !text.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }
        address = From(ip);
        return true;
    }

    public static OracleAddress Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"not an address: {text}");

    public IPAddress ToIPAddress()
    {
        var bytes = new byte[V6 ? 16 : 4];
        var v = Value;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(v & 0xff);
            v >>= 8;
        }
        return new IPAddress(bytes);
    }

    public override string ToString() => ToIPAddress().ToString();

    /// <summary>The contract's private ranges: 10/8, 172.16/12, 192.168/16, 100.64/10; fc00::/7.</summary>
    public bool IsPrivate
    {
        get
        {
            if (V6)
            {
                return PrivateV6.Contains(this);
            }
            foreach (var p in PrivateV4)
            {
                if (p.Contains(this))
                {
                    return true;
                }
            }
            return false;
        }
    }

    public static readonly OracleCidr[] PrivateV4 =
    [
        OracleCidr.Parse("10.0.0.0/8"), OracleCidr.Parse("172.16.0.0/12"),
        OracleCidr.Parse("192.168.0.0/16"), OracleCidr.Parse("100.64.0.0/10"),
    ];

    public static readonly OracleCidr PrivateV6 = OracleCidr.Parse("fc00::/7");
}

/// <summary>A CIDR block (canonical network); a bare address is a /32 or /128.</summary>
internal readonly record struct OracleCidr(bool V6, UInt128 Network, int Length)
{
    public int Bits => V6 ? 128 : 32;

    public UInt128 HostMask => Length >= Bits ? UInt128.Zero : ((V6 ? UInt128.MaxValue : uint.MaxValue) >> Length);

    public OracleAddress First => new(V6, Network);

    public OracleAddress Last => new(V6, Network | HostMask);

    public bool Contains(OracleAddress a) => a.V6 == V6 && (a.Value & ~HostMask) == Network;

    public bool Contains(OracleCidr inner) => inner.V6 == V6 && inner.Length >= Length && Contains(inner.First);

    public static bool TryParse(string text, out OracleCidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!OracleAddress.TryParse(addressText, out var a))
        {
            return false;
        }
        var length = a.Bits;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length)
            || length > a.Bits))
        {
            return false;
        }
        var c = new OracleCidr(a.V6, 0, length);
        cidr = c with { Network = a.Value & ~c.HostMask };
        return true;
    }

    public static OracleCidr Parse(string text) =>
        TryParse(text, out var c) ? c : throw new FormatException($"not a CIDR: {text}");

    public override string ToString() => $"{First}/{Length}";
}
