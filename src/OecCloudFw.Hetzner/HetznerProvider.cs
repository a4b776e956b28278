using OecCloudFw.Core;
using OecCloudFw.Core.Layers;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Hetzner;

/// <summary>
/// Hetzner Cloud Firewalls: <c>hetzner open|close|show --server NAME|ID | --firewall NAME|ID</c>, and
/// <c>--hetzner-server</c>/<c>--hetzner-firewall</c>/<c>--hetzner-endpoint</c>/<c>--hetzner-smtp-unblocked</c> in
/// audit/plan/apply/fleet (inventory keys <c>hetzner_server</c>, …), and its running servers as a fleet with
/// <c>--inventory hetzner:label:SELECTOR</c>. The token is HCLOUD_TOKEN and the endpoint HCLOUD_ENDPOINT, as the hcloud
/// CLI reads them.
/// </summary>
public sealed class HetznerProvider : ICloudProvider
{
    public const string TokenVariable = "HCLOUD_TOKEN";
    public const string EndpointVariable = "HCLOUD_ENDPOINT";

    public string Name => "hetzner";

    public string Description => "Hetzner Cloud Firewalls in front of a server (allow-only rules; every firewall applied to the server, combined)";

    public string Prefix => "hetzner";

    public IReadOnlyList<ProviderSetting> Settings { get; } =
    [
        new("server", "The Hetzner Cloud server (name or id): every firewall applied to it is read; the one applied directly is changed") { NamesLayer = true },
        new("firewall", "The firewall (name or id) the tool changes; with --server, one applied to it, or, for a server with no firewall, the name of the firewall to create and apply") { NamesLayer = true },
        new("endpoint-url", $"The API endpoint (default: {EndpointVariable}, else {HcloudClient.DefaultEndpoint})") { LayerFlag = "hetzner-endpoint", InventoryKey = "hetzner_endpoint" },
        new("smtp-unblocked", "true when Hetzner lifted the outbound 25/465 block for the server (on request); false by default") { NeedsLayer = true },
    ];

    public bool IsNamed(ProviderSettings values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.All("server").Count > 0 || values.All("firewall").Count > 0;
    }

    public void Validate(ProviderSettings values, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(environment);
        var server = values.Single("server");
        var firewall = values.Single("firewall");
        if (server is null && firewall is null)
        {
            throw new InvalidInputException($"hetzner: give {values.Flag("server")} NAME|ID (the server whose firewalls are read) or {values.Flag("firewall")} NAME|ID (the firewall to change)");
        }

        foreach (var (name, value) in new[] { ("server", server), ("firewall", firewall) })
        {
            if (value is not null && (value.Trim().Length == 0 || value.Any(char.IsControl)))
            {
                throw new InvalidInputException($"{values.Flag(name)} '{value}': not a Hetzner {name} name or id");
            }
        }

        _ = SmtpUnblocked(values);
        ValidateConnection(values, environment);
    }

    public string? ServerSelector => HetznerServerSelector.Syntax;

    public async Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var labels = HetznerServerSelector.LabelSelector(selector);
        ValidateConnection(values, context.Environment);
        using var client = Client(values, context);
        return HetznerInventory.From(await client.ServersAsync(labels, cancellationToken));
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
        var target = new HetznerTarget(values.Single("server"), values.Single("firewall"), SmtpUnblocked(values), values.Flag("server"), values.Flag("firewall"));
        return new HetznerCloudLayer(client, target, context.Reads);
    }

    /// <summary>What reaching the API needs, checked as every use checks it: the endpoint and the token.</summary>
    private static void ValidateConnection(ProviderSettings values, IEnvironment environment)
    {
        _ = Endpoint(values, environment);
        if (string.IsNullOrWhiteSpace(environment.Variable(TokenVariable)))
        {
            throw new InvalidInputException($"{TokenVariable} is not set: set it to a Hetzner Cloud API token of the project (Cloud Console → Security → API tokens; Read & Write to change a firewall), as the hcloud CLI reads it");
        }
    }

    private static HcloudClient Client(ProviderSettings values, ProviderContext context) =>
        new(Endpoint(values, context.Environment), context.Environment.Variable(TokenVariable)!.Trim(), context.Time, context.Transport);

    private static bool SmtpUnblocked(ProviderSettings values) => values.Single("smtp-unblocked") switch
    {
        null or "false" => false,
        "true" => true,
        var other => throw new InvalidInputException($"{values.Flag("smtp-unblocked")} '{other}': give true or false"),
    };

    private static Uri Endpoint(ProviderSettings values, IEnvironment environment)
    {
        var (text, where) = values.Single("endpoint-url") is { } given
            ? (given, values.Flag("endpoint-url"))
            : environment.Variable(EndpointVariable) is { Length: > 0 } variable ? (variable, EndpointVariable) : (HcloudClient.DefaultEndpoint, "the default");
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.Query)
            ? uri
            : throw new InvalidInputException($"{where} '{text}': not an http(s) URL of the Hetzner Cloud API (such as {HcloudClient.DefaultEndpoint})");
    }
}
