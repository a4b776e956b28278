using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace OecCloudFw.Reports.Html;

/// <summary>Every text the report shows goes through here: rule text, host names and messages are data, never markup.</summary>
internal static class HtmlText
{
    // Every script kept readable; <, >, &, quotes and apostrophes always encoded (text and attribute values alike).
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? string.Empty : Encoder.Encode(text);

    /// <summary>An id attribute's value made of letters, digits and dashes only.</summary>
    public static string Id(string prefix, int index) => $"{prefix}-{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
