using System.Text.Json;
using System.Text.Json.Serialization;

namespace OecCloudFw.Cli.Output;

/// <summary>The one JSON writer: camelCase, indented, enums as lower-case strings.</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(TextWriter writer, object document)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(JsonSerializer.Serialize(document, document.GetType(), Options));
    }
}
