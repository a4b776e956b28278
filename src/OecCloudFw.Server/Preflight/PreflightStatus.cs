namespace OecCloudFw.Server.Preflight;

/// <summary>The guide's three preflight outcomes.</summary>
public enum PreflightStatus
{
    /// <summary>A compatible firewall is active and admits SSH, 80, 443 and the policy's optional ports.</summary>
    Passed,

    /// <summary>No compatible firewall is active, CSF/LFD is present, or a non-SSH port is not admitted: configure fixes it.</summary>
    Warning,

    /// <summary>The SSH port is not admitted: the platform cannot manage the server.</summary>
    Failed,
}
