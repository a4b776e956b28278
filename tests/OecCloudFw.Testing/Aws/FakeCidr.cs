using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Testing.Aws;

/// <summary>
/// The fake EC2's own CIDR handling, written independently of the product's <c>Cidr</c> so a shared bug cannot hide:
/// EC2 wants an explicit prefix length, a dotted quad for IPv4, no host bits set, and answers with the canonical text
/// (lower-case, compressed IPv6).
/// </summary>
public static class FakeCidr
{
    /// <summary>Validates <paramref name="text"/> as EC2 does for the given family and returns the canonical text.</summary>
    public static bool TryCanonical(string text, bool ipv6, out string canonical)
    {
        canonical = string.Empty;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        var addressText = text[..slash];
        byte[] bytes;
        if (!ipv6)
        {
            var parts = addressText.Split('.');
            if (parts.Length != 4 || length > 32)
            {
                return false;
            }

            bytes = new byte[4];
            for (var i = 0; i < 4; i++)
            {
                if (parts[i].Length is 0 or > 3 || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
                {
                    return false;
                }
            }
        }
        else
        {
            if (length > 128 || addressText.Contains('%', StringComparison.Ordinal) ||
                !IPAddress.TryParse(addressText, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            bytes = address.GetAddressBytes();
        }

        for (var bit = length; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        canonical = $"{new IPAddress(bytes)}/{length}";
        return true;
    }

    /// <summary>True when <paramref name="address"/> lies in <paramref name="cidr"/> (both canonical, one family).</summary>
    public static bool Contains(string cidr, string address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var network = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var length = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        if (bytes.Length != network.Length)
        {
            return false;
        }

        for (var bit = 0; bit < length; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
