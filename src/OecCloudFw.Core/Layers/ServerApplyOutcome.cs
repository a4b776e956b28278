namespace OecCloudFw.Core.Layers;

/// <summary>How the server layer's apply ended.</summary>
public enum ServerApplyOutcome
{
    /// <summary>Nothing to do: no change made.</summary>
    Unchanged,

    /// <summary>Applied, proven with a new connection, confirmed.</summary>
    Confirmed,

    /// <summary>A new connection failed after the change (or the confirmation came late): the previous rules were restored.</summary>
    RolledBack,

    /// <summary>A command failed during the apply: the previous rules were restored at once.</summary>
    FailedAndRestored,
}
