namespace OecCloudFw.Core.Yaml;

/// <summary>
/// What an operator's YAML file may contain: its keys and, for each, a value, a list of values or a nested mapping.
/// <see cref="Check"/> says every mistake at once with its line: an unknown key (the known ones listed, the closest
/// suggested), a single value where a list belongs, a list where a value belongs.
/// </summary>
public abstract record YamlShape
{
    /// <summary>A single value.</summary>
    public static YamlShape Value { get; } = new ValueShape();

    /// <summary>A list of single values.</summary>
    public static YamlShape Values { get; } = new ListShape(Value);

    public static YamlShape ListOf(YamlShape item) => new ListShape(item);

    public static YamlShape Map(params (string Key, YamlShape Shape)[] keys) => new MapShape(keys);

    /// <summary>Reads <paramref name="text"/> and checks it against this shape; the mistakes, each "file:line: …", as one <see cref="InvalidInputException"/>.</summary>
    public void Check(string text, string name) => Check(YamlReader.Read(text, name), name);

    internal void Check(YamlNode root, string name)
    {
        ArgumentNullException.ThrowIfNull(root);
        var errors = new List<string>();
        Check(root, name, string.Empty, errors);
        if (errors.Count > 0)
        {
            throw new InvalidInputException(string.Join(Environment.NewLine, errors));
        }
    }

    private protected abstract void Check(YamlNode node, string name, string path, List<string> errors);

    private protected static string Example(YamlShape shape) => shape switch
    {
        ValueShape => "a single value",
        ListShape { Item: ValueShape } => "a list, e.g. [203.0.113.10/32] or one '- item' line each",
        ListShape => "a list of entries, one '- key: value' block each",
        _ => "a mapping (key: value lines)",
    };

    private sealed record ValueShape : YamlShape
    {
        private protected override void Check(YamlNode node, string name, string path, List<string> errors)
        {
            if (node is not YamlScalar)
            {
                errors.Add($"{name}:{node.Line}: {path}: expected a single value, found {node.Describe()}");
            }
        }
    }

    private sealed record ListShape(YamlShape Item) : YamlShape
    {
        private protected override void Check(YamlNode node, string name, string path, List<string> errors)
        {
            switch (node)
            {
                case YamlScalar { IsNull: true }:
                    return;
                case YamlList list:
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        Item.Check(list.Items[i], name, $"{path}[{i}]", errors);
                    }

                    return;
                case YamlScalar scalar when Item is ValueShape:
                    errors.Add($"{name}:{node.Line}: {path}: expected {Example(this)}, found {node.Describe()}: write {path.Split('.')[^1]}: [{scalar.Value}]");
                    return;
                default:
                    errors.Add($"{name}:{node.Line}: {path}: expected {Example(this)}, found {node.Describe()}");
                    return;
            }
        }
    }

    private sealed record MapShape(IReadOnlyList<(string Key, YamlShape Shape)> Keys) : YamlShape
    {
        private protected override void Check(YamlNode node, string name, string path, List<string> errors)
        {
            if (node is YamlScalar { IsNull: true })
            {
                return;
            }

            if (node is not YamlMap map)
            {
                errors.Add($"{name}:{node.Line}: {(path.Length == 0 ? "the file" : path)}: expected {Example(this)}, found {node.Describe()}");
                return;
            }

            foreach (var (key, value) in map.Entries)
            {
                var here = path.Length == 0 ? key.Value : $"{path}.{key.Value}";
                if (Keys.FirstOrDefault(k => k.Key == key.Value) is { Shape: { } shape })
                {
                    shape.Check(value, name, here, errors);
                    continue;
                }

                var known = string.Join(", ", Keys.Select(k => k.Key));
                var where = path.Length == 0 ? "at the top level" : $"in {path}";
                errors.Add($"{name}:{key.Line}: unknown key '{key.Value}' {where}{(Suggest(key.Value) is { } s ? $" (did you mean {s}?)" : string.Empty)}; the known keys are: {known}");
            }
        }

        /// <summary>The closest known key, or a nested one a flattened name means ("ssh_sources": 'sources' under 'ssh').</summary>
        private string? Suggest(string unknown)
        {
            foreach (var (key, shape) in Keys)
            {
                if (shape is MapShape nested && unknown.StartsWith(key, StringComparison.OrdinalIgnoreCase) && unknown.Length > key.Length + 1 &&
                    unknown[key.Length] is '_' or '-' or '.' && nested.Keys.Any(k => string.Equals(k.Key, unknown[(key.Length + 1)..], StringComparison.OrdinalIgnoreCase)))
                {
                    return $"'{unknown[(key.Length + 1)..].ToLowerInvariant()}:' indented under '{key}:'";
                }
            }

            var best = Keys.Select(k => (k.Key, Distance: Distance(unknown.ToLowerInvariant(), k.Key))).OrderBy(k => k.Distance).FirstOrDefault();
            return best.Key is not null && best.Distance <= Math.Max(2, unknown.Length / 3) ? $"'{best.Key}'" : null;
        }

        private static int Distance(string a, string b)
        {
            var previous = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var current = new int[b.Length + 1];
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                previous = current;
            }

            return previous[b.Length];
        }
    }
}
