namespace OecCloudFw.Server.SshPort;

/// <summary>How an SSH port move ended.</summary>
public enum SshPortMoveOutcome
{
    /// <summary>SSH answers on the new port only, in every layer.</summary>
    Moved,

    /// <summary>Nothing was changed: the commands were printed.</summary>
    DryRun,

    /// <summary>The new port could not be proven: every layer is back as it was.</summary>
    Restored,

    /// <summary>The new port was proven but closing the old one was rolled back: SSH answers on both.</summary>
    BothOpen,
}
