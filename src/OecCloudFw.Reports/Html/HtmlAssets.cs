using System.Security.Cryptography;
using System.Text;

namespace OecCloudFw.Reports.Html;

/// <summary>
/// The report's stylesheet and its one script (sorting, copy buttons), embedded in the tool and inlined in every
/// report, with the Content-Security-Policy that allows exactly that script and nothing from the network.
/// </summary>
internal static class HtmlAssets
{
    public static string Style { get; } = Read("report.css");

    public static string Script { get; } = Read("report.js");

    /// <summary>
    /// No fetch of any kind (default-src 'none'), inline styles, and only the script whose hash this is: were anything
    /// ever left unescaped, an injected script would still not run.
    /// </summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'; base-uri 'none'; form-action 'none'";

    private static string Read(string name)
    {
        using var stream = typeof(HtmlAssets).Assembly.GetManifestResourceStream($"OecCloudFw.Reports.Html.{name}")
            ?? throw new InvalidOperationException($"the report asset {name} is not embedded in the tool");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
