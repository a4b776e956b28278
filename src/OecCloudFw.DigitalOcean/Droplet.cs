using OecCloudFw.Core.Net;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>A droplet as the verdicts need it: its addresses (networks.v4 public/private, networks.v6) and tags.</summary>
internal sealed record Droplet(long Id, string Name, IReadOnlyList<Cidr> PublicIPv4, IReadOnlyList<Cidr> PrivateIPv4, IReadOnlyList<Cidr> IPv6, IReadOnlyList<string> Tags)
{
    public IEnumerable<Cidr> Addresses => PublicIPv4.Concat(PrivateIPv4).Concat(IPv6);

    public string Label => $"droplet {Name} ({Id.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    public static Droplet From(ApiDroplet droplet)
    {
        ArgumentNullException.ThrowIfNull(droplet);
        var v4 = droplet.Networks?.V4 ?? [];
        return new(
            droplet.Id,
            droplet.Name,
            Parse(v4.Where(n => n.Type == "public")),
            Parse(v4.Where(n => n.Type != "public")),
            Parse(droplet.Networks?.V6 ?? []),
            droplet.Tags ?? []);
    }

    private static List<Cidr> Parse(IEnumerable<ApiNetwork> networks) =>
        [.. networks.Select(n => Cidr.TryParse(n.IpAddress, out var c) ? c : null).OfType<Cidr>().Select(c => Cidr.Parse($"{c.Network}/{c.MaxPrefixLength}"))];
}
