namespace OecCloudFw.Core.Yaml;

/// <summary>A node of an operator's YAML file with the line it starts on (1-based), for messages that name file:line.</summary>
internal abstract record YamlNode(int Line)
{
    /// <summary>What the node is, in words for a message: "a list", "a mapping", "the value '…'".</summary>
    public abstract string Describe();
}

/// <summary>A scalar; <see cref="IsNull"/> when it is empty, <c>~</c> or <c>null</c> (a key with no value).</summary>
internal sealed record YamlScalar(string Value, int Line, bool IsNull) : YamlNode(Line)
{
    public override string Describe() => IsNull ? "nothing" : $"the value '{Value}'";
}

/// <summary>A sequence.</summary>
internal sealed record YamlList(IReadOnlyList<YamlNode> Items, int Line) : YamlNode(Line)
{
    public override string Describe() => "a list";
}

/// <summary>A mapping, its keys unique (the reader refuses a repeated key).</summary>
internal sealed record YamlMap(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries, int Line) : YamlNode(Line)
{
    public override string Describe() => "a mapping (key: value lines)";

    /// <summary>The value of a key, or null when the key is absent.</summary>
    public YamlNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}
