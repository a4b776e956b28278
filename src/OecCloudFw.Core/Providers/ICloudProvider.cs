using OecCloudFw.Core.Layers;

namespace OecCloudFw.Core.Providers;

/// <summary>
/// One cloud provider's registration: its name, the settings it claims (declared once: every verb's flags and the
/// inventory's keys are made from them) and the factory of its layer. A provider is one adapter project exposing one
/// of these; the application registers it in one line, and the <c>&lt;provider&gt; open|close|show</c> verbs, the
/// audit/plan/apply/fleet wiring and the JSON documents are generic over it.
/// </summary>
public interface ICloudProvider
{
    /// <summary>The verb group and the name in documents: "aws", "azure", "hetzner", "digitalocean".</summary>
    string Name { get; }

    /// <summary>What the verb group does, for help.</summary>
    string Description { get; }

    /// <summary>The prefix of its flags in audit/plan/apply (<c>--hetzner-server</c>) and of its inventory keys (<c>hetzner_server</c>).</summary>
    string Prefix { get; }

    /// <summary>Everything the provider reads from the command line or an inventory entry.</summary>
    IReadOnlyList<ProviderSetting> Settings { get; }

    /// <summary>True when the values name a layer of this provider (one of its target settings is given).</summary>
    bool IsNamed(ProviderSettings values);

    /// <summary>Checks the values before anything is read or changed: bad input is an <see cref="InvalidInputException"/> naming the flag.</summary>
    void Validate(ProviderSettings values, IEnvironment environment);

    /// <summary>
    /// The layer the values name (validated; what the layer needs to know before its first read, e.g. an instance's
    /// groups, may be read here). A layer that holds a client is <see cref="IDisposable"/>: the caller disposes it.
    /// </summary>
    Task<ICloudLayer> CreateAsync(ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// On a machine that is one of this provider's servers (audited with <c>--local</c> and no cloud setting): the
    /// settings naming itself, from the provider's metadata service; null elsewhere (asked only where the machine's
    /// own data, e.g. DMI, says it runs there).
    /// </summary>
    Task<ProviderSettings?> DiscoverAsync(IEnvironment environment, ProviderSettings given, CancellationToken cancellationToken = default) =>
        Task.FromResult<ProviderSettings?>(null);

    /// <summary>
    /// What follows <c>NAME:</c> in <c>--inventory NAME:SELECTOR</c> to list this provider's servers (for help and
    /// messages: <c>tag:KEY=VALUE</c>, <c>label:SELECTOR</c>); null when the provider cannot list its servers.
    /// </summary>
    string? ServerSelector => null;

    /// <summary>
    /// The running servers the selector names, read from the provider's API (every page), in a stable order. The
    /// selector is checked before anything is read (bad input: an <see cref="InvalidInputException"/> naming
    /// <c>--inventory</c>); <paramref name="values"/> are the provider's connection settings given to the run (a region,
    /// a subscription, an endpoint). A failure of the API is a <see cref="LayerFailureException"/>.
    /// </summary>
    Task<IReadOnlyList<CloudServer>> ListServersAsync(string selector, ProviderSettings values, ProviderContext context, CancellationToken cancellationToken = default) =>
        throw new InvalidInputException($"--inventory {Name}:…: {Name} cannot list its servers; give an inventory file");
}
