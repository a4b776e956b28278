using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OecCloudFw.Core.Net;

/// <summary>An inclusive range of ports within 1-65535: a single port, a range, or all ports.</summary>
public readonly record struct PortRange
{
    public const int MinPort = 1;
    public const int MaxPort = 65535;

    public PortRange(int from, int to)
    {
        if (from < MinPort || to > MaxPort || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"port range {from}-{to} is not within {MinPort}-{MaxPort}");
        }

        From = from;
        To = to;
    }

    public int From { get; }

    public int To { get; }

    public static PortRange All { get; } = new(MinPort, MaxPort);

    public bool IsAll => From == MinPort && To == MaxPort;

    public bool IsSingle => From == To;

    public static PortRange Single(int port) => new(port, port);

    public static PortRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>Parses <c>22</c>, <c>8000-8100</c>, <c>8000:8100</c>, <c>all</c> or <c>*</c>.</summary>
    public static bool TryParse(string? text, out PortRange range, out string error)
    {
        range = default;
        error = string.Empty;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed is "*" or "all" or "any")
        {
            range = All;
            return true;
        }

        var separator = trimmed.IndexOfAny(['-', ':']);
        var fromText = separator < 0 ? trimmed : trimmed[..separator];
        var toText = separator < 0 ? trimmed : trimmed[(separator + 1)..];
        if (!TryParsePort(fromText, out var from) || !TryParsePort(toText, out var to))
        {
            error = $"'{text}' is not a valid port: use a number from {MinPort} to {MaxPort}, a range like 8000-8100, or 'all'";
            return false;
        }

        if (from > to)
        {
            error = $"'{text}' is not a valid port range: {from} is greater than {to}";
            return false;
        }

        range = new PortRange(from, to);
        return true;
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out PortRange? range)
    {
        var ok = TryParse(text, out PortRange parsed, out _);
        range = ok ? parsed : null;
        return ok;
    }

    public bool Contains(int port) => port >= From && port <= To;

    public bool Contains(PortRange other) => other.From >= From && other.To <= To;

    public bool Overlaps(PortRange other) => other.From <= To && other.To >= From;

    public override string ToString() =>
        IsAll ? "all" : IsSingle ? From.ToString(CultureInfo.InvariantCulture) : $"{From.ToString(CultureInfo.InvariantCulture)}-{To.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) &&
               int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) &&
               port is >= MinPort and <= MaxPort;
    }
}
