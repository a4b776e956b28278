using System.Text.Json;
using System.Text.Json.Nodes;
using OecCloudFw.Core;

namespace OecCloudFw.Reports;

/// <summary>A file given back to the tool (a shard, a baseline) read as a JSON tree first, to tell what it is by its <c>schema</c> field.</summary>
internal static class JsonTree
{
    /// <summary>The tree and its schema field (null: none); text that is not JSON is bad input, worded by <paramref name="notJson"/> from the line.</summary>
    public static (JsonNode? Root, string? Schema) Parse(string text, Func<long, string> notJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(notJson((ex.LineNumber ?? 0) + 1));
        }

        return (root, root is JsonObject o ? Text(o["schema"]) : null);
    }

    /// <summary>A string value; null when the node is absent or not a string.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
