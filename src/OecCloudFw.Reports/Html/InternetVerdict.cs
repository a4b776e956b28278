using OecCloudFw.Reports.Documents;

namespace OecCloudFw.Reports.Html;

/// <summary>A port's verdict from the internet through every layer read, over either address family.</summary>
internal enum InternetVerdict
{
    /// <summary>Every layer admits it over IPv4 or over IPv6.</summary>
    Open,

    /// <summary>A layer refuses it over both families.</summary>
    Refused,

    /// <summary>No layer refuses it over one family, but a layer there cannot be decided.</summary>
    Indeterminate,
}

/// <summary>Combines a port's layer verdicts (as the JSON document carries them) into its <see cref="InternetVerdict"/>.</summary>
internal static class InternetVerdicts
{
    public static InternetVerdict Of(AuditPortView port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var v4 = Family(port.Cloud.FromInternetIpv4, port.Server.FromInternetIpv4);
        var v6 = Family(port.Cloud.FromInternetIpv6, port.Server.FromInternetIpv6);
        return port.OpenToInternet || v4 == InternetVerdict.Open || v6 == InternetVerdict.Open ? InternetVerdict.Open
            : v4 == InternetVerdict.Indeterminate || v6 == InternetVerdict.Indeterminate ? InternetVerdict.Indeterminate
            : InternetVerdict.Refused;
    }

    /// <summary>One family: a refusal anywhere on the path decides; otherwise an undecided layer leaves it undecided. No cloud layer read admits.</summary>
    private static InternetVerdict Family(VerdictView? cloud, VerdictView server) =>
        cloud?.Admitted == false || server.Admitted == false ? InternetVerdict.Refused
            : (cloud is not null && cloud.Admitted is null) || server.Admitted is null ? InternetVerdict.Indeterminate
            : InternetVerdict.Open;

    /// <summary>The word shown to a person.</summary>
    public static string Word(this InternetVerdict verdict) => verdict switch
    {
        InternetVerdict.Open => "open",
        InternetVerdict.Refused => "refused",
        _ => "indeterminate",
    };

    /// <summary>The data-verdict attribute's value: the JSON document's verdict words.</summary>
    public static string Attribute(this InternetVerdict verdict) => verdict switch
    {
        InternetVerdict.Open => "admitted",
        InternetVerdict.Refused => "refused",
        _ => "indeterminate",
    };
}
