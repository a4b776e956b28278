using OecCloudFw.Core.Audit;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// One port of the guide's catalog: what it is for, when it is needed, the words a rule for it carries,
/// and how bad it is when it is open to the whole internet.
/// </summary>
/// <param name="Port">The TCP port.</param>
/// <param name="Name">Short name (SSH, HTTP, PostgreSQL).</param>
/// <param name="Purpose">The guide's purpose column.</param>
/// <param name="WhenNeeded">The guide's "when needed" column; empty for required ports.</param>
/// <param name="Required">Required ports are always part of the policy.</param>
/// <param name="CloudDescription">The description a cloud rule carries, in the guide's words.</param>
/// <param name="ServerComment">The comment a server firewall rule carries (ufw comment).</param>
/// <param name="InternetExposure">Severity of this port being open to 0.0.0.0/0 or ::/0; null when that is expected.</param>
public sealed record CatalogPort(
    int Port,
    string Name,
    string Purpose,
    string WhenNeeded,
    bool Required,
    string CloudDescription,
    string ServerComment,
    Severity? InternetExposure);
