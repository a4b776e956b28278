namespace OecCloudFw.Core.Yaml;

/// <summary>
/// Reads chosen keys of a file shaped <c>defaults: {…}</c> and <c>LIST: [{…}, …]</c> (a fleet inventory) as plain values:
/// what an adapter's settings read from an inventory entry, without a binding class per provider. The file's shape is
/// checked first (<see cref="YamlShape"/>): here a key's value is one scalar or a list of scalars.
/// </summary>
public static class YamlKeyValues
{
    /// <summary>The values of <paramref name="keys"/> under <c>defaults</c> and under each item of <paramref name="list"/>, in order.</summary>
    public static (IReadOnlyDictionary<string, IReadOnlyList<string>> Defaults, IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<string>>> Items) Read(
        string text, string name, string list, IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var root = YamlReader.Read(text, name) as YamlMap;
        var defaults = Values(root?["defaults"], keys);
        var items = root?[list] is YamlList sequence ? sequence.Items.Select(i => Values(i, keys)).ToList() : [];
        return (defaults, items);
    }

    private static Dictionary<string, IReadOnlyList<string>> Values(YamlNode? node, IReadOnlySet<string> keys)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node is not YamlMap map)
        {
            return values;
        }

        foreach (var (key, value) in map.Entries.Where(e => keys.Contains(e.Key.Value)))
        {
            values[key.Value] = value switch
            {
                YamlScalar { IsNull: true } => [],
                YamlScalar scalar => [scalar.Value],
                YamlList list => [.. list.Items.OfType<YamlScalar>().Where(s => !s.IsNull).Select(s => s.Value)],
                _ => [],
            };
        }

        return values;
    }
}
