using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;
using OecCloudFw.DigitalOcean.Api;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// DigitalOcean Cloud Firewalls: <c>digitalocean open|close|show --droplet NAME|ID | --firewall NAME|ID</c>, and
/// <c>--do-droplet</c>/<c>--do-firewall</c>/<c>--do-endpoint</c> in audit/plan/apply (inventory: do_droplet,
/// do_firewall, do_endpoint), and the active droplets of a tag as a fleet with <c>--inventory digitalocean:tag:NAME</c>.
/// The token is DIGITALOCEAN_ACCESS_TOKEN, as doctl reads it.
/// </summary>
public sealed class DigitalOceanProvider : ICloudProvider
{
    public const string TokenVariable = "DIGITALOCEAN_ACCESS_TOKEN";

    public const string EndpointVariable = "DIGITALOCEAN_API_URL";

    public static readonly Uri DefaultEndpoint = new("https://api.digitalocean.com/");

    public string Name => "digitalocean";

    public string Description => "DigitalOcean Cloud Firewalls in front of a droplet (every firewall applied to it, by id or tag, combined)";

    public string Prefix => "do";

    public IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("droplet", "The droplet (name or id): every cloud firewall applied to it, by id or by one of its tags; the tool's rules go to its oecfw-<droplet id> firewall, created when missing") { NamesLayer = true },
        new("firewall", "One cloud firewall (name or id); the tool writes only to a firewall whose name starts with oecfw-") { NamesLayer = true },
        new("endpoint-url", "The API endpoint (default: DIGITALOCEAN_API_URL, else https://api.digitalocean.com)") { LayerFlag = "do-endpoint", InventoryKey = "do_endpoint" },
    ];

    public bool IsNamed(ProviderSettings values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.All("droplet").Count > 0 || values.All("firewall").Count > 0;
    }

    public void Validate(ProviderSettings values, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(environment);
        var droplet = values.Single("droplet");
        var firewall = values.Single("firewall");
        if (droplet is null == firewall is null)
        {
            throw new InvalidInputException(droplet is null
                ? $"DigitalOcean needs {values.Flag("droplet")} NAME|ID or {values.Flag("firewall")} NAME|ID"
                : $"{values.Flag("droplet")} and {values.Flag("firewall")} are both given: give one (a droplet means every firewall applied to it)");
        }

        if (droplet is { Length: 0 } || firewall is { Length: 0 })
        {
            throw new InvalidInputException($"{values.Flag(droplet is null ? "firewall" : "droplet")} is empty: give a name or an id");
        }

        ValidateConnection(values, environment);
    }

    public string? ServerSelector => TagSelector.Syntax;

    public async Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var tag = TagSelector.Tag(selector);
        ValidateConnection(values, context.Environment);
        using var client = Client(values, context);
        return DropletInventory.From(await client.ListDropletsByTagAsync(tag, cancellationToken));
    }

    public Task<ICloudLayer> CreateAsync(ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Create(values, context));

    /// <summary>The layer the values name (nothing is read before its first <c>ReadAsync</c>).</summary>
    internal ICloudLayer Create(ProviderSettings values, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        Validate(values, context.Environment);
        var client = Client(values, context);
        return new FirewallLayer(client, new LayerTarget(values.Single("droplet"), values.Single("firewall")), context.Time, cache: context.Reads);
    }

    /// <summary>What reaching the API needs, checked as every use checks it: the endpoint and the token.</summary>
    private static void ValidateConnection(ProviderSettings values, IEnvironment environment)
    {
        Endpoint(values, environment);
        if (string.IsNullOrWhiteSpace(environment.Variable(TokenVariable)))
        {
            throw new InvalidInputException($"{TokenVariable} is not set: export a DigitalOcean personal access token (read scope to show and audit, write scope to open and close), as doctl reads it");
        }
    }

    private static DigitalOceanClient Client(ProviderSettings values, ProviderContext context) =>
        new(Endpoint(values, context.Environment), context.Environment.Variable(TokenVariable)!.Trim(), context.Time, context.Transport);

    /// <summary>The endpoint-url setting, else DIGITALOCEAN_API_URL, else the public API.</summary>
    private static Uri Endpoint(ProviderSettings values, IEnvironment environment)
    {
        var given = values.Single("endpoint-url");
        var text = given ?? environment.Variable(EndpointVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultEndpoint;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new InvalidInputException($"{(given is null ? EndpointVariable : values.Flag("endpoint-url"))} '{text}' is not an http(s) URL, e.g. https://api.digitalocean.com");
        }

        return uri;
    }
}
