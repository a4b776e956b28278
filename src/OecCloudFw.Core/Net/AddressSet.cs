using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OecCloudFw.Core.Net;

/// <summary>
/// A set of addresses of one family, kept as sorted, disjoint, non-adjacent ranges: the set arithmetic the evaluator
/// does over sources (a union of denies that covers everything denies everything; an ipset is a set like any other).
/// </summary>
public sealed class AddressSet : IEquatable<AddressSet>
{
    private static readonly AddressSet EmptyV4 = new(IpFamily.IPv4, []);
    private static readonly AddressSet EmptyV6 = new(IpFamily.IPv6, []);
    private static readonly AddressSet AllV4 = new(IpFamily.IPv4, [(UInt128.Zero, uint.MaxValue)]);
    private static readonly AddressSet AllV6 = new(IpFamily.IPv6, [(UInt128.Zero, UInt128.MaxValue)]);

    private readonly (UInt128 Lo, UInt128 Hi)[] _ranges;

    private AddressSet(IpFamily family, (UInt128 Lo, UInt128 Hi)[] ranges)
    {
        Family = family;
        _ranges = ranges;
    }

    public IpFamily Family { get; }

    public bool IsEmpty => _ranges.Length == 0;

    public bool IsAll => Equals(All(Family));

    /// <summary>How many ranges the set holds (for tests and limits).</summary>
    public int RangeCount => _ranges.Length;

    public static AddressSet Empty(IpFamily family) => family == IpFamily.IPv4 ? EmptyV4 : EmptyV6;

    public static AddressSet All(IpFamily family) => family == IpFamily.IPv4 ? AllV4 : AllV6;

    public static AddressSet Of(Cidr cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        var (lo, hi) = Bounds(cidr);
        return new AddressSet(cidr.Family, [(lo, hi)]);
    }

    public static AddressSet Of(IpFamily family, IEnumerable<Cidr> cidrs)
    {
        ArgumentNullException.ThrowIfNull(cidrs);
        return FromRanges(family, cidrs.Where(c => c.Family == family).Select(Bounds));
    }

    /// <summary>The addresses from <paramref name="first"/> to <paramref name="last"/> inclusive (iptables' iprange, nft ranges).</summary>
    public static AddressSet Range(IPAddress first, IPAddress last)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(last);
        var family = first.AddressFamily == AddressFamily.InterNetwork ? IpFamily.IPv4 : IpFamily.IPv6;
        var (a, b) = (ToNumber(first), ToNumber(last));
        return a > b ? Empty(family) : new AddressSet(family, [(a, b)]);
    }

    /// <summary>Parses a CIDR, a bare address or an <c>a-b</c> range; null when it is none of them.</summary>
    public static AddressSet? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && IPAddress.TryParse(text[..dash], out var first) && IPAddress.TryParse(text[(dash + 1)..], out var last) &&
            first.AddressFamily == last.AddressFamily)
        {
            return Range(first, last);
        }

        return Cidr.TryParse(text, out var cidr) ? Of(cidr) : null;
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack sockets show IPv4 peers) is that IPv4 address to an
        // IPv4 set, and an IPv6 address like any other to an IPv6 set.
        var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || (address.IsIPv4MappedToIPv6 && Family == IpFamily.IPv4) ? IpFamily.IPv4 : IpFamily.IPv6;
        if (family != Family)
        {
            return false;
        }

        var n = ToNumber(family == IpFamily.IPv4 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        return _ranges.Any(r => r.Lo <= n && n <= r.Hi);
    }

    /// <summary>True when every address of <paramref name="other"/> is in this set.</summary>
    public bool Contains(AddressSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Except(this).IsEmpty;
    }

    public bool Overlaps(AddressSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return !Intersect(other).IsEmpty;
    }

    public AddressSet Union(AddressSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.IsEmpty ? this : IsEmpty ? other : FromRanges(Family, _ranges.Concat(other._ranges));
    }

    public AddressSet Intersect(AddressSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (IsEmpty || other.IsEmpty)
        {
            return Empty(Family);
        }

        var result = new List<(UInt128, UInt128)>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var lo = UInt128.Max(_ranges[i].Lo, other._ranges[j].Lo);
            var hi = UInt128.Min(_ranges[i].Hi, other._ranges[j].Hi);
            if (lo <= hi)
            {
                result.Add((lo, hi));
            }

            if (_ranges[i].Hi < other._ranges[j].Hi)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result.Count == _ranges.Length && ReferenceEqualsRanges(result) ? this : new AddressSet(Family, [.. result]);
    }

    public AddressSet Except(AddressSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (IsEmpty || other.IsEmpty)
        {
            return this;
        }

        var result = new List<(UInt128, UInt128)>();
        var j = 0;
        foreach (var (lo0, hi) in _ranges)
        {
            var lo = lo0;
            var done = false;
            while (j < other._ranges.Length && other._ranges[j].Hi < lo)
            {
                j++;
            }

            var k = j;
            while (k < other._ranges.Length && other._ranges[k].Lo <= hi)
            {
                var (olo, ohi) = other._ranges[k];
                if (olo > lo)
                {
                    result.Add((lo, olo - 1));
                }

                if (ohi >= hi)
                {
                    done = true;
                    break;
                }

                lo = ohi + 1;
                k++;
            }

            if (!done)
            {
                result.Add((lo, hi));
            }
        }

        return new AddressSet(Family, [.. result]);
    }

    /// <summary>The share of the family's address space this set covers (0 to 1): "most of the internet".</summary>
    public double Fraction
    {
        get
        {
            var total = 0.0;
            foreach (var (lo, hi) in _ranges)
            {
                total += (double)(hi - lo) + 1.0;
            }

            return total / (Family == IpFamily.IPv4 ? 4294967296.0 : Math.Pow(2, 128));
        }
    }

    /// <summary>The set as the fewest CIDRs.</summary>
    public IReadOnlyList<Cidr> ToCidrs()
    {
        var bits = Family == IpFamily.IPv4 ? 32 : 128;
        var result = new List<Cidr>();
        foreach (var (lo0, hi) in _ranges)
        {
            var lo = lo0;
            while (true)
            {
                // The largest aligned block that starts at lo and ends at or before hi.
                var size = lo == UInt128.Zero ? bits : Math.Min(bits, (int)UInt128.TrailingZeroCount(lo));
                while (size > 0 && BlockEnd(lo, size) > hi)
                {
                    size--;
                }

                result.Add(Cidr.Parse($"{ToAddress(lo)}/{(bits - size).ToString(CultureInfo.InvariantCulture)}"));
                var end = BlockEnd(lo, size);
                if (end >= hi)
                {
                    break;
                }

                lo = end + 1;
            }
        }

        return result;
    }

    /// <summary>A short form for evidence: up to four CIDRs, then how many more.</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return "no address";
        }

        var cidrs = ToCidrs();
        var shown = string.Join(", ", cidrs.Take(4));
        return cidrs.Count > 4 ? $"{shown} and {cidrs.Count - 4} more" : shown;
    }

    public bool Equals(AddressSet? other) =>
        other is not null && other.Family == Family && other._ranges.AsSpan().SequenceEqual(_ranges);

    public override bool Equals(object? obj) => Equals(obj as AddressSet);

    public override int GetHashCode() => HashCode.Combine(Family, _ranges.Length, _ranges.Length > 0 ? _ranges[0].Lo : UInt128.Zero);

    private bool ReferenceEqualsRanges(List<(UInt128, UInt128)> ranges)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ranges[i] != _ranges[i])
            {
                return false;
            }
        }

        return true;
    }

    private static AddressSet FromRanges(IpFamily family, IEnumerable<(UInt128 Lo, UInt128 Hi)> ranges)
    {
        var sorted = ranges.OrderBy(r => r.Lo).ToList();
        var merged = new List<(UInt128 Lo, UInt128 Hi)>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && (merged[^1].Hi == UInt128.MaxValue || r.Lo <= merged[^1].Hi + 1))
            {
                merged[^1] = (merged[^1].Lo, UInt128.Max(merged[^1].Hi, r.Hi));
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged.Count == 0 ? Empty(family) : new AddressSet(family, [.. merged]);
    }

    private static UInt128 BlockEnd(UInt128 lo, int size) => size >= 128 ? UInt128.MaxValue : lo + ((UInt128.One << size) - 1);

    private static (UInt128 Lo, UInt128 Hi) Bounds(Cidr cidr)
    {
        UInt128 lo = 0;
        foreach (var b in cidr.NetworkBytes)
        {
            lo = (lo << 8) | b;
        }

        var hostBits = cidr.MaxPrefixLength - cidr.PrefixLength;
        var hi = hostBits >= 128 ? UInt128.MaxValue : lo | ((UInt128.One << hostBits) - 1);
        return (lo, hi);
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 n = 0;
        foreach (var b in bytes)
        {
            n = (n << 8) | b;
        }

        return n;
    }

    private IPAddress ToAddress(UInt128 n)
    {
        var length = Family == IpFamily.IPv4 ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(n & 0xFF);
            n >>= 8;
        }

        return new IPAddress(bytes);
    }
}
