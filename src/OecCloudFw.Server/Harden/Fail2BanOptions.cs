using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Harden;

/// <summary>How <c>server harden</c> sets up fail2ban.</summary>
/// <param name="ManagementSources">Sources never banned (beside loopback and the operator's own address).</param>
/// <param name="Frontend">The firewall frontend whose ban action is used; null for the one that filters now.</param>
public sealed record Fail2BanOptions(IReadOnlyList<Cidr> ManagementSources, string? Frontend = null);
