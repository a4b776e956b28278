namespace OecCloudFw.DigitalOcean;

/// <summary>What the layer names: a droplet (every firewall applied to it) or one firewall, each by name or id.</summary>
internal sealed record LayerTarget(string? Droplet, string? Firewall)
{
    public override string ToString() => Droplet is not null ? $"digitalocean droplet {Droplet}" : $"digitalocean firewall {Firewall}";
}
