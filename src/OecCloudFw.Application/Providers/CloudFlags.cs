using OecCloudFw.Core;
using OecCloudFw.Core.Providers;

namespace OecCloudFw.Application.Providers;

/// <summary>
/// The cloud layer in front of the server as audit/plan/apply/ssh-port and an inventory entry give it: each registered
/// provider's settings (<c>--aws-group</c>, <c>--hetzner-server</c>, …, or an entry's <c>aws_groups</c>, …). At most
/// one provider may name a layer.
/// </summary>
public sealed class CloudFlags
{
    public CloudFlags(IReadOnlyList<(ICloudProvider Provider, ProviderSettings Values)> given)
    {
        ArgumentNullException.ThrowIfNull(given);
        Given = given;
    }

    /// <summary>No cloud setting.</summary>
    public static CloudFlags None { get; } = new([]);

    /// <summary>Each provider with the settings given for it.</summary>
    public IReadOnlyList<(ICloudProvider Provider, ProviderSettings Values)> Given { get; }

    /// <summary>True when no provider setting was given at all.</summary>
    public bool IsEmpty => Given.All(g => g.Values.IsEmpty);

    /// <summary>
    /// Checks every provider's settings that were given (bad input before anything is read) and returns the one
    /// provider that names a layer, or null when none does.
    /// </summary>
    public (ICloudProvider Provider, ProviderSettings Values)? Validate(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var named = Given.Where(g => g.Provider.IsNamed(g.Values)).ToList();
        if (named.Count > 1)
        {
            throw new InvalidInputException($"one cloud layer at a time: either {string.Join(" or ", named.Select(n => Spell(n.Provider, n.Values)))}");
        }

        foreach (var (provider, values) in named)
        {
            provider.Validate(values, environment);
        }

        // A provider's connection settings alone (a region, an endpoint: an inventory's defaults) name nothing and are
        // not checked; a setting that only means something with a layer is bad input without one.
        foreach (var (provider, values) in Given.Where(g => !g.Provider.IsNamed(g.Values)))
        {
            if (provider.Settings.FirstOrDefault(s => s.NeedsLayer && values.All(s.Name).Count > 0) is { } alone)
            {
                throw new InvalidInputException($"{values.Flag(alone.Name)} needs {Spell(provider, values)}: {alone.Description}");
            }
        }

        return named.Count == 1 ? named[0] : null;
    }

    /// <summary>This selection with one provider's settings replaced (what discovery found).</summary>
    public CloudFlags With(ICloudProvider provider, ProviderSettings values) =>
        new([.. Given.Where(g => g.Provider != provider), (provider, values)]);

    /// <summary>The given values of one provider (none: empty settings).</summary>
    public ProviderSettings Of(ICloudProvider provider) => Given.FirstOrDefault(g => g.Provider == provider).Values ?? ProviderSettings.None;

    private static string Spell(ICloudProvider provider, ProviderSettings values) =>
        string.Join("/", provider.Settings.Where(s => s.NamesLayer).Select(s => values.Flag(s.Name)));
}
