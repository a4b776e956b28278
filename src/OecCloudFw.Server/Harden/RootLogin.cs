namespace OecCloudFw.Server.Harden;

/// <summary>What <c>server harden</c> sets PermitRootLogin to.</summary>
public enum RootLogin
{
    /// <summary>Root logs in with a key only (the default).</summary>
    ProhibitPassword,

    /// <summary>Root does not log in at all: only when a non-root user with a key and sudo is proven to work.</summary>
    No,
}
