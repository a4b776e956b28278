using System.Globalization;
using System.Reflection;

namespace OecCloudFw.Server.SafeApply;

/// <summary>
/// The server-side halves of a rollback-armed apply: fixed POSIX sh files (SafeApply/apply.sh and confirm.sh,
/// embedded, checked by shellcheck) that take their values as positional parameters: the token (hex), the timeouts
/// (numbers) and the commands, each built from validated, quoted values.
/// </summary>
internal static class RollbackScripts
{
    public const string Root = "/var/lib/oec-cloudfw/rollback";
    public const int BusyExit = 75;
    public const string AppliedMarker = "OECFW-APPLIED";
    public const string ConfirmedMarker = "OECFW-CONFIRMED";
    public const string TooLateMarker = "OECFW-TOO-LATE";

    private static readonly Lazy<string> ApplyScript = new(() => Resource("apply.sh"));
    private static readonly Lazy<string> ConfirmScript = new(() => Resource("confirm.sh"));

    /// <summary>How long the apply may take before the rollback stops waiting for it: 30 s and 5 s a command, at most 300 s.</summary>
    public static int ApplyBound(int commands) => Math.Min(300, 30 + (5 * commands));

    /// <summary>Snapshot, arm the rollback, apply the commands in order: apply.sh and its arguments.</summary>
    public static (string Script, IReadOnlyList<string> Arguments) ArmAndApply(string token, int timeoutSeconds, IReadOnlyList<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return (ApplyScript.Value,
            [token, timeoutSeconds.ToString(CultureInfo.InvariantCulture), ApplyBound(commands.Count).ToString(CultureInfo.InvariantCulture), .. commands]);
    }

    /// <summary>Cancels the rollback if it has not fired; prints which of the two happened: confirm.sh and its token.</summary>
    public static (string Script, IReadOnlyList<string> Arguments) Confirm(string token) => (ConfirmScript.Value, [token]);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
