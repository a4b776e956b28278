using OecCloudFw.Core;
using OecCloudFw.Core.Audit;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Application.Audit;

/// <summary>The mail servers a server sends through, as the outbound needs an audit checks.</summary>
public static class MailHosts
{
    /// <summary>
    /// The guide's outbound needs with 25/465/587 to each mail host: an address is checked as itself, a name as "the
    /// internet" (its address is the server's DNS's business); anything else is bad input naming <paramref name="flag"/>.
    /// </summary>
    public static IReadOnlyList<EgressNeed> Egress(IReadOnlyList<string> hosts, string flag)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var mail = hosts.Select(host => Cidr.TryParse(host, out var address) ? address
            : Uri.CheckHostName(host) == UriHostNameType.Dns ? Cidr.AnyIPv4
            : throw new InvalidInputException($"{flag} '{host}' is not a host name or address"));
        return EgressNeed.ForGuide([.. mail.Distinct()]);
    }
}
