namespace OecCloudFw.Cli;

/// <summary>The documented exit codes (README, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Done, or already compliant.</summary>
    public const int Ok = 0;

    /// <summary>Findings at or above --fail-on, or a layer that still does not match what was asked.</summary>
    public const int Findings = 1;

    /// <summary>Bad input: unknown flag, malformed id, CIDR, port or policy. Nothing was changed.</summary>
    public const int BadInput = 2;

    /// <summary>A cloud API or server failed: not found, not authorized, unreachable, quota.</summary>
    public const int LayerFailure = 3;

    /// <summary>SSH is (or would be) cut: preflight Failed, or configure's change was rolled back (the previous rules are restored).</summary>
    public const int RolledBack = 4;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT, as a shell reports it); the message says what is still in flight.</summary>
    public const int Interrupted = 130;

    /// <summary>A saved plan no longer matches the live state (or the policy it was made with): refused before any change.</summary>
    public const int StalePlan = 5;

    /// <summary>A bug in the tool (an unexpected exception), as sysexits' EX_SOFTWARE.</summary>
    public const int Internal = 70;
}
