// The plain model of a DigitalOcean account that the oracle judges and the fake can be seeded with: our own records,
// independent of both the fake and the product. Field names follow the public OpenAPI description
// (github.com/digitalocean/openapi, specification/resources/firewalls/models/firewall.yml and firewall_rule.yml;
// specification/resources/droplets/models/droplet.yml `networks.v4/v6`), so a case maps one to one onto the API.
namespace OecCloudFw.DigitalOcean.Tests.Oracle;

/// <summary>Where a rule admits traffic from (inbound `sources`) or to (outbound `destinations`).</summary>
/// <param name="Addresses">IPv4/IPv6 addresses and CIDRs, as the API spells them ("1.2.3.4", "18.0.0.0/8", "::/0").</param>
public sealed record DoTarget(
    IReadOnlyList<string> Addresses,
    IReadOnlyList<long> DropletIds,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> LoadBalancerUids,
    IReadOnlyList<string> KubernetesIds)
{
    public static DoTarget Of(params string[] addresses) => new(addresses, [], [], [], []);

    public int Count => Addresses.Count + DropletIds.Count + Tags.Count + LoadBalancerUids.Count + KubernetesIds.Count;
}

/// <summary>One allow rule: protocol tcp/udp/icmp, ports "80", "8000-9000", "0" or "all" (every port; ICMP's is "0").</summary>
public sealed record DoRule(string Protocol, string Ports, DoTarget Target);

/// <summary>A firewall: its rules and what it is applied to (droplet ids, and tags: every droplet carrying one).</summary>
public sealed record DoFirewall(
    string Id,
    string Name,
    IReadOnlyList<DoRule> Inbound,
    IReadOnlyList<DoRule> Outbound,
    IReadOnlyList<long> DropletIds,
    IReadOnlyList<string> Tags);

/// <summary>A droplet with its addresses (`networks.v4` public/private, `networks.v6` public), tags and status (droplet.yml:
/// new, active, off or archive).</summary>
public sealed record DoDroplet(
    long Id,
    string Name,
    IReadOnlyList<string> PublicIPv4,
    IReadOnlyList<string> PrivateIPv4,
    IReadOnlyList<string> PublicIPv6,
    IReadOnlyList<string> Tags,
    string Status = "active")
{
    public IEnumerable<string> AllAddresses => PublicIPv4.Concat(PrivateIPv4).Concat(PublicIPv6);
}

/// <summary>A load balancer or a Kubernetes cluster named as a source/destination, with the addresses it sends from.</summary>
public sealed record DoAddressedResource(string Id, IReadOnlyList<string> Addresses);

/// <summary>
/// One generated (or hand-written) situation: the server under question (<see cref="ServerId"/>), every droplet, firewall,
/// load balancer and cluster of the account, and whether the account has SMTP (outbound TCP 25) blocked, as DigitalOcean
/// does "on all Droplets for new accounts" (docs.digitalocean.com/support/why-is-smtp-blocked/).
/// </summary>
public sealed record DoCase(
    int Seed,
    long ServerId,
    IReadOnlyList<DoDroplet> Droplets,
    IReadOnlyList<DoFirewall> Firewalls,
    IReadOnlyList<DoAddressedResource> LoadBalancers,
    IReadOnlyList<DoAddressedResource> KubernetesClusters,
    bool Smtp25Blocked = true)
{
    public DoDroplet Server => Droplets.First(d => d.Id == ServerId);

    /// <summary>The firewalls applied to <paramref name="dropletId"/>: by id, or by a tag the droplet carries.</summary>
    public IEnumerable<DoFirewall> AppliedTo(long dropletId)
    {
        var droplet = Droplets.FirstOrDefault(d => d.Id == dropletId);
        var tags = droplet?.Tags ?? [];
        return Firewalls.Where(f => f.DropletIds.Contains(dropletId) || f.Tags.Any(t => tags.Contains(t, StringComparer.Ordinal)));
    }
}
