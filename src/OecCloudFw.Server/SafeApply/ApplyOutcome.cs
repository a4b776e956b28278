namespace OecCloudFw.Server.SafeApply;

/// <summary>How a rollback-armed apply ended.</summary>
public enum ApplyOutcome
{
    /// <summary>Applied, a new connection succeeded, and the rollback was cancelled.</summary>
    Confirmed,

    /// <summary>A new connection failed; the armed rollback restored the previous rules.</summary>
    RolledBack,

    /// <summary>A command failed; the previous rules were restored at once.</summary>
    FailedAndRestored,
}
