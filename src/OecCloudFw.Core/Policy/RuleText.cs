using System.Text.RegularExpressions;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// The text a rule carries (a description, a comment). It reaches ufw, nft, iptables, firewall-cmd and the clouds, so
/// it is held to a character set that none of them reads as syntax; anything else is refused up front (exit 2).
/// </summary>
public static partial class RuleText
{
    public const int MaxLength = 64;

    /// <summary>Letters, digits, space and <c>. _ , : / ( ) + @ # = -</c>, 1 to 64 characters.</summary>
    public static bool IsSafe(string? text) => text is not null && Safe().IsMatch(text);

    /// <summary>Null when <paramref name="text"/> is safe, else the error to report for <paramref name="what"/>.</summary>
    public static string? Check(string text, string what) =>
        IsSafe(text)
            ? null
            : $"{what}: '{text}' is not a usable description: use at most {MaxLength} letters, digits, spaces and . _ , : / ( ) + @ # = - (quotes, ';', '$', '\\\\', braces and control characters reach firewall programs as syntax)";

    [GeneratedRegex(@"^[A-Za-z0-9 ._,:/()+@#=-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Safe();
}
