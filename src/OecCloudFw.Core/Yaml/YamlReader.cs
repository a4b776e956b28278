using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OecCloudFw.Core.Yaml;

/// <summary>
/// Reads an operator's YAML file into <see cref="YamlNode"/>s with their lines. A syntax error and a repeated key are
/// <see cref="InvalidInputException"/>s naming the file and the line (a repeated key never silently wins).
/// </summary>
internal static class YamlReader
{
    /// <summary>The file's first document; an empty file is an empty mapping.</summary>
    public static YamlNode Read(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        Parser? parser = null;
        try
        {
            parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return new YamlMap([], 1);
            }

            return Node(parser, name);
        }
        catch (YamlException ex)
        {
            throw new InvalidInputException($"{name}:{ex.Start.Line}: {Plain(ex)}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The parser gives up at the end of a file whose flow collection or quote is never closed.
            var line = parser?.Current?.End.Line ?? 1;
            throw new InvalidInputException($"{name}:{line}: the file ends inside an unclosed '[', '{{' or quote (opened on or before line {line})", ex);
        }
    }

    private static YamlNode Node(IParser parser, string name)
    {
        var current = parser.Current ?? throw new InvalidInputException($"{name}: the file ends early");
        var line = (int)current.Start.Line;
        parser.MoveNext();
        switch (current)
        {
            case Scalar scalar:
                return new YamlScalar(scalar.Value, line,
                    scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL");
            case SequenceStart:
            {
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(Node(parser, name));
                }

                return new YamlList(items, line);
            }

            case MappingStart:
            {
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (Node(parser, name) is not YamlScalar key)
                    {
                        throw new InvalidInputException($"{name}:{line}: a key must be a plain word, not a list or a mapping");
                    }

                    var value = Node(parser, name);
                    if (entries.FirstOrDefault(e => e.Key.Value == key.Value) is { Key: { } first })
                    {
                        throw new InvalidInputException(
                            $"{name}:{key.Line}: '{key.Value}' is given twice (first on line {first.Line}): merge them into one '{key.Value}:' (a repeated key would silently replace the first)");
                    }

                    entries.Add(new(key, value));
                }

                return new YamlMap(entries, line);
            }

            case AnchorAlias:
                throw new InvalidInputException($"{name}:{line}: anchors and aliases (*name) are not supported: write the value out");
            default:
                throw new InvalidInputException($"{name}:{line}: unexpected content: the file is not one YAML document");
        }
    }

    /// <summary>YamlDotNet's message without its position prefix ("(Line: 3, Col: 1, Idx: 20) - (…): ").</summary>
    private static string Plain(YamlException ex)
    {
        var message = ex.InnerException?.Message ?? ex.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        message = message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message;
        return message.Contains("flow sequence", StringComparison.Ordinal) ? $"{message} (a '[' left unclosed?)"
            : message.Contains("flow mapping", StringComparison.Ordinal) ? $"{message} (a '{{' left unclosed?)"
            : message;
    }
}
