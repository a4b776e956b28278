using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace OecCloudFw.Server.SafeApply;

/// <summary>
/// The server-side halves of a rollback-armed apply: fixed POSIX sh files (SafeApply/apply.sh and confirm.sh,
/// embedded, checked by shellcheck) that take their values as positional parameters: the token (hex), the timeouts
/// (numbers) and the commands, each built from validated, quoted values.
/// </summary>
internal static partial class RollbackScripts
{
    public const string Root = "/var/lib/oec-cloudfw/rollback";
    public const int BusyExit = 75;
    public const string AppliedMarker = "OECFW-APPLIED";
    public const string ConfirmedMarker = "OECFW-CONFIRMED";
    public const string TooLateMarker = "OECFW-TOO-LATE";
    public const string RestoredMarker = "OECFW-RESTORED";

    private static readonly Lazy<string> ApplyScript = new(() => Resource("apply.sh"));
    private static readonly Lazy<string> ConfirmScript = new(() => Resource("confirm.sh"));
    private static readonly Lazy<string> RestoreNowScript = new(() => Resource("restore-now.sh"));

    /// <summary>How long the apply may take before the rollback stops waiting for it: 30 s and 5 s a command, at most 300 s.</summary>
    public static int ApplyBound(int commands) => Math.Min(300, 30 + (5 * commands));

    /// <summary>Snapshot, arm the rollback, apply the commands in order: apply.sh and its arguments.</summary>
    public static (string Script, IReadOnlyList<string> Arguments) ArmAndApply(string token, int timeoutSeconds, IReadOnlyList<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return (ApplyScript.Value,
            [token, timeoutSeconds.ToString(CultureInfo.InvariantCulture), ApplyBound(commands.Count).ToString(CultureInfo.InvariantCulture), .. Batched(commands)]);
    }

    /// <summary>
    /// The commands as apply.sh runs them: each run of consecutive ufw rule commands (allow, deny, reject, limit,
    /// prepend, delete, default) becomes one <c>oecfw_ufw</c> call, which runs them in one process of ufw's own frontend
    /// (or, where that cannot load, one by one); everything else as it is. The same commands, in the same order.
    /// </summary>
    public static IReadOnlyList<string> Batched(IReadOnlyList<string> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var batched = new List<string>();
        var run = new List<string>();
        void Flush()
        {
            if (run.Count > 1)
            {
                batched.Add("oecfw_ufw " + string.Join(' ', run.Select(Shells.ShellQuote.Quote)));
            }
            else
            {
                batched.AddRange(run);
            }

            run.Clear();
        }

        foreach (var command in commands)
        {
            if (UfwRuleCommand().IsMatch(command))
            {
                run.Add(command);
                continue;
            }

            Flush();
            batched.Add(command);
        }

        Flush();
        return batched;
    }

    /// <summary>Cancels the rollback if it has not fired; prints which of the two happened: confirm.sh and its token.</summary>
    public static (string Script, IReadOnlyList<string> Arguments) Confirm(string token) => (ConfirmScript.Value, [token]);

    /// <summary>Fires the armed rollback at once (a change found not to keep SSH admitted): restore-now.sh and its token.</summary>
    public static (string Script, IReadOnlyList<string> Arguments) RestoreNow(string token) => (RestoreNowScript.Value, [token]);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // A ufw rule command as the backends write it: words of safe characters and single-quoted values, nothing a shell
    // would treat as an operator, a substitution or a glob.
    [GeneratedRegex(@"^ufw (?:prepend |delete )?(?:allow|deny|reject|limit|default (?:allow|deny|reject) (?:incoming|outgoing|routed))(?: (?:[A-Za-z0-9_./:,+=@-]|'[^']*'|\\')+)*$")]
    private static partial Regex UfwRuleCommand();
}
