namespace OecCloudFw.Core.Layers;

/// <summary>How an apply across both layers ended.</summary>
public enum LayersApplyOutcome
{
    /// <summary>Every step was applied (or there was nothing to do).</summary>
    Applied,

    /// <summary>The cloud layer's opening step failed: nothing was changed on the server.</summary>
    CloudOpenFailed,

    /// <summary>The server could not be changed (unreachable, a failure before arming): what the cloud step opened stays, reported with its undo.</summary>
    ServerFailed,

    /// <summary>The server's change was rolled back (SSH would have been cut): the cloud step's additions stay, reported with its undo.</summary>
    ServerRolledBack,

    /// <summary>Both were applied, but removing the cloud layer's own extra rules failed.</summary>
    CloudCloseFailed,
}
