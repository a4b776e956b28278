namespace OecCloudFw.Server.Shells;

/// <summary>What to do with a server's host key, as ssh's StrictHostKeyChecking. A changed key is always refused.</summary>
public enum HostKeyPolicy
{
    /// <summary>Only keys already in known_hosts.</summary>
    Strict,

    /// <summary>Unknown hosts are added to known_hosts; known hosts must match.</summary>
    AcceptNew,

    /// <summary>No check (a changed key is still refused when the host is known).</summary>
    Off,
}
