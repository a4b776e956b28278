using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Backends;

/// <summary>One port the server's firewall must admit, with its sources and comment, in server terms.</summary>
/// <param name="Protocol">tcp or udp.</param>
/// <param name="Ports">The port or range.</param>
/// <param name="Sources">Where from; the internet is 0.0.0.0/0 and ::/0.</param>
/// <param name="Comment">The rule comment ('SSH', 'HTTP', 'HTTPS', …).</param>
/// <param name="IsSsh">Management port: restricted with a deny for everyone else when sources are given.</param>
public sealed record ServerRequirement(Protocol Protocol, PortRange Ports, IReadOnlyList<Cidr> Sources, string Comment, bool IsSsh)
{
    public bool FromAnywhere => Sources.Any(s => s.IsInternet);
}
