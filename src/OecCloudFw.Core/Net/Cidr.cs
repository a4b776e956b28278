using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Core.Net;

/// <summary>
/// An IPv4 or IPv6 network in CIDR form, canonicalized the way AWS stores it:
/// host bits are cleared, so <c>100.68.0.18/18</c> becomes <c>100.68.0.0/18</c>.
/// </summary>
public sealed class Cidr : IEquatable<Cidr>
{
    private readonly byte[] _network;

    private Cidr(byte[] network, int prefixLength)
    {
        _network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>All IPv4 addresses: the IPv4 internet.</summary>
    public static Cidr AnyIPv4 { get; } = Parse("0.0.0.0/0");

    /// <summary>All IPv6 addresses: the IPv6 internet.</summary>
    public static Cidr AnyIPv6 { get; } = Parse("::/0");

    public int PrefixLength { get; }

    public IpFamily Family => _network.Length == 4 ? IpFamily.IPv4 : IpFamily.IPv6;

    public IPAddress Network => new(_network);

    /// <summary>The network's bytes, without making an <see cref="IPAddress"/> (set arithmetic over thousands of rules).</summary>
    internal ReadOnlySpan<byte> NetworkBytes => _network;

    /// <summary>True for <c>0.0.0.0/0</c> and <c>::/0</c>: every address of the family.</summary>
    public bool IsInternet => PrefixLength == 0;

    public int MaxPrefixLength => _network.Length * 8;

    /// <summary>
    /// True when every address is private (RFC 1918, RFC 6598 shared space, IPv6 unique local): an address inside a
    /// cloud network, never one the internet reaches it from.
    /// </summary>
    public bool IsPrivate => PrivateRanges.Any(r => r.Contains(this));

    /// <summary>The private ranges (RFC 1918, RFC 6598, IPv6 unique local): where a cloud network's own addresses live.</summary>
    public static IReadOnlyList<Cidr> Private => PrivateRanges;

    private static readonly Cidr[] PrivateRanges =
        [Parse("10.0.0.0/8"), Parse("172.16.0.0/12"), Parse("192.168.0.0/16"), Parse("100.64.0.0/10"), Parse("fc00::/7")];

    /// <summary>The internet of the given family.</summary>
    public static Cidr Internet(IpFamily family) => family == IpFamily.IPv4 ? AnyIPv4 : AnyIPv6;

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr) => TryParse(text, out cidr, out _);

    /// <summary>Parses <c>a.b.c.d/n</c>, <c>x::y/n</c>, or a bare address (taken as a single host).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Cidr? cidr, out string error)
    {
        cidr = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a CIDR is required, e.g. 203.0.113.10/32";
            return false;
        }

        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address) ||
            address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"'{text}' is not a valid CIDR: '{addressText}' is not an IPv4 or IPv6 address";
            return false;
        }

        var bytes = address.GetAddressBytes();
        var max = bytes.Length * 8;
        var prefix = max;
        if (slash >= 0)
        {
            var prefixText = trimmed[(slash + 1)..];
            if (prefixText.Length == 0 || prefixText.Length > 3 || !prefixText.All(char.IsAsciiDigit) ||
                !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
            {
                error = $"'{text}' is not a valid CIDR: the prefix length must be 0-{max}";
                return false;
            }
        }

        cidr = new Cidr(Mask(bytes, prefix), prefix);
        return true;
    }

    /// <summary>True when every address of <paramref name="other"/> is inside this network.</summary>
    public bool Contains(Cidr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Family == Family && other.PrefixLength >= PrefixLength && SameNetwork(other._network);
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        return bytes.Length == _network.Length && SameNetwork(bytes);
    }

    /// <summary>True when the two networks share at least one address.</summary>
    public bool Overlaps(Cidr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Contains(other) || other.Contains(this);
    }

    public bool Equals(Cidr? other) =>
        other is not null && other.PrefixLength == PrefixLength && other._network.AsSpan().SequenceEqual(_network);

    public override bool Equals(object? obj) => Equals(obj as Cidr);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_network);
        hash.Add(PrefixLength);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{Network}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    public static bool operator ==(Cidr? left, Cidr? right) => Equals(left, right);

    public static bool operator !=(Cidr? left, Cidr? right) => !Equals(left, right);

    /// <summary>True when <paramref name="address"/> lies in this network; no allocation (it runs per rule per packet).</summary>
    private bool SameNetwork(byte[] address)
    {
        for (var i = 0; i < _network.Length; i++)
        {
            var bits = Math.Clamp(PrefixLength - (i * 8), 0, 8);
            if (bits == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - bits));
            if ((address[i] & mask) != _network[i])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Mask(byte[] bytes, int prefix)
    {
        var masked = (byte[])bytes.Clone();
        for (var i = 0; i < masked.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            masked[i] &= (byte)(0xFF << (8 - bitsInByte));
        }

        return masked;
    }
}
