using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Audit;

/// <summary>A port the audit assesses: policy ports, the detected SSH ports and catalog ports that should be closed.</summary>
/// <param name="Port">The port.</param>
/// <param name="Name">What it is (SSH, HTTPS, PostgreSQL…).</param>
/// <param name="Wanted">Whether the policy wants it open.</param>
/// <param name="Sources">Where the policy wants it open from (empty when not wanted).</param>
/// <param name="IsSsh">The management port.</param>
/// <param name="Required">Required by the guide (SSH, 80, 443).</param>
public sealed record AuditPort(int Port, string Name, bool Wanted, IReadOnlyList<Cidr> Sources, bool IsSsh, bool Required);
