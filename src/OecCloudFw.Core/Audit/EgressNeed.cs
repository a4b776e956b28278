using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Audit;

/// <summary>An outbound connection the server needs (the guide's "Outbound Ports"): to where, which port, what for.</summary>
/// <param name="Port">The destination port.</param>
/// <param name="Destination">Where to: the internet (0.0.0.0/0) or a mail server's address.</param>
/// <param name="Purpose">What breaks without it.</param>
/// <param name="Critical">True when OEC.sh itself fails without it (443: the API and Docker Hub).</param>
public sealed record EgressNeed(int Port, Cidr Destination, string Purpose, bool Critical)
{
    /// <summary>The guide's outbound needs; 25, 465 and 587 only when mail servers are configured.</summary>
    public static IReadOnlyList<EgressNeed> ForGuide(IReadOnlyList<Cidr> mailServers)
    {
        ArgumentNullException.ThrowIfNull(mailServers);
        var needs = new List<EgressNeed>
        {
            new(443, Cidr.AnyIPv4, "OEC.sh API (api.oec.sh), Docker Hub, package repositories", true),
            new(80, Cidr.AnyIPv4, "package repositories, Docker Hub redirects", false),
        };
        foreach (var port in new[] { 25, 465, 587 })
        {
            needs.AddRange(mailServers.Select(m => new EgressNeed(port, m, $"outgoing email to {m}", false)));
        }

        return needs;
    }
}
