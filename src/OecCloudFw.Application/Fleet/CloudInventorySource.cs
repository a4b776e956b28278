using System.Text.RegularExpressions;
using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// <c>--inventory PROVIDER:SELECTOR</c>: the fleet is a provider's running servers the selector names
/// (<c>aws:tag:Role=web</c>, <c>azure:tag:role=web</c>, <c>hetzner:label:env=prod</c>, <c>digitalocean:tag:web</c>),
/// listed from its API when the audit starts. An existing file of that name is a file.
/// </summary>
/// <param name="Provider">The provider listing them (by its name or its flags' prefix: <c>do:</c>).</param>
/// <param name="Selector">What follows <c>PROVIDER:</c>, as the provider reads it.</param>
/// <param name="Spec">The whole <c>--inventory</c> value, for messages.</param>
public sealed partial record CloudInventorySource(ICloudProvider Provider, string Selector, string Spec)
{
    /// <summary>The source <paramref name="inventory"/> names, or null when it is a file (or names no provider: a missing file).</summary>
    public static CloudInventorySource? Parse(string inventory, IReadOnlyList<ICloudProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(providers);
        var match = SpecPattern().Match(inventory);
        if (File.Exists(inventory) || !match.Success)
        {
            return null;
        }

        var name = match.Groups[1].Value;
        if (providers.FirstOrDefault(p => p.Name == name || p.Prefix == name) is not { } provider)
        {
            return null;
        }

        if (provider.ServerSelector is not { } selector)
        {
            throw new InvalidInputException($"--inventory '{inventory}': {provider.Name} cannot list its servers; give an inventory file");
        }

        return match.Groups[2].Value.Trim().Length == 0
            ? throw new InvalidInputException($"--inventory '{inventory}': give {provider.Name}:{selector}")
            : new CloudInventorySource(provider, match.Groups[2].Value, inventory);
    }

    /// <summary>The accepted forms, for messages: <c>aws:tag:KEY=VALUE, hetzner:label:SELECTOR</c>.</summary>
    public static string Forms(IReadOnlyList<ICloudProvider> providers) =>
        string.Join(", ", (providers ?? []).Where(p => p.ServerSelector is not null).Select(p => $"{p.Name}:{p.ServerSelector}"));

    [GeneratedRegex("^([a-z][a-z0-9]*):(.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SpecPattern();
}
