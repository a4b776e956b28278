namespace OecCloudFw.Core.Providers;

/// <summary>
/// The values given for a provider's settings (from its verb's flags, audit/plan/apply's flags or an inventory entry),
/// and how the place they came from spells each one, so that a message names the flag or key the operator wrote.
/// </summary>
public sealed class ProviderSettings
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _values;
    private readonly Func<string, string> _spell;

    /// <param name="values">Values by setting name (absent or empty: not given).</param>
    /// <param name="spell">How a setting is spelled where the values came from: "--firewall", "--hetzner-firewall", "fleet.yaml, server 2 (web): hetzner_firewall".</param>
    public ProviderSettings(IReadOnlyDictionary<string, IReadOnlyList<string>> values, Func<string, string> spell)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(spell);
        _values = values;
        _spell = spell;
    }

    /// <summary>No setting given.</summary>
    public static ProviderSettings None { get; } = new(new Dictionary<string, IReadOnlyList<string>>(), name => "--" + name);

    /// <summary>
    /// For a read-only verb (<c>show</c>): a provider may accept less as naming what to read (an AWS subnet's network
    /// ACL alone) than what it writes to.
    /// </summary>
    public bool ReadOnly { get; private init; }

    /// <summary>These values, for a read-only verb.</summary>
    public ProviderSettings AsReadOnly() => new(_values, _spell) { ReadOnly = true };

    /// <summary>True when no setting has a value.</summary>
    public bool IsEmpty => _values.Values.All(v => v.Count == 0);

    /// <summary>The names of the settings given.</summary>
    public IEnumerable<string> Given => _values.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key);

    /// <summary>The value of a single setting, or null; given twice is bad input naming the flag.</summary>
    public string? Single(string name)
    {
        var values = All(name);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new InvalidInputException($"{Flag(name)} is given {values.Count} times: give it once"),
        };
    }

    /// <summary>
    /// Every value of a setting (a repeatable flag, comma-separated values split and trimmed). A value without a comma
    /// is taken as given, empty or padded: the provider refuses it naming the flag rather than reading something else.
    /// </summary>
    public IReadOnlyList<string> All(string name) =>
        _values.TryGetValue(name, out var values)
            ? [.. values.SelectMany(v => v.Contains(',', StringComparison.Ordinal) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [v])]
            : [];

    /// <summary>How the operator spelled the setting, for messages.</summary>
    public string Flag(string name) => _spell(name);

    /// <summary>These values with <paramref name="name"/> set (where it is not given already, unless <paramref name="overwrite"/>).</summary>
    public ProviderSettings With(string name, string? value, bool overwrite = true)
    {
        if (value is null || (!overwrite && All(name).Count > 0))
        {
            return this;
        }

        var values = new Dictionary<string, IReadOnlyList<string>>(_values, StringComparer.Ordinal) { [name] = [value] };
        return new ProviderSettings(values, _spell) { ReadOnly = ReadOnly };
    }

    /// <summary>A cache key of the values (a fleet's servers that share an account share its client).</summary>
    public string Key(params string[] names) => string.Join('|', names.Select(n => $"{n}={string.Join(',', All(n))}"));
}
