using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OecCloudFw.Reports.Documents;
using OecCloudFw.Reports.Verbs;

namespace OecCloudFw.Reports;

/// <summary>
/// Writes the JSON documents, every one through System.Text.Json source generation (no reflection: trimmable and
/// ready for ahead-of-time compilation). A document type missing from <see cref="DocumentsContext"/> is a bug.
/// </summary>
public static class Json
{
    public static void Write<T>(TextWriter writer, T document)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(writer);
        var info = (JsonTypeInfo<T>?)DocumentsContext.Default.GetTypeInfo(typeof(T))
                   ?? throw new InvalidOperationException($"{typeof(T).Name} is not a registered JSON document");
        writer.WriteLine(JsonSerializer.Serialize(document, info));
    }

    /// <summary>Reads a document the tool wrote (merge's shards, a baseline); a malformed one throws <see cref="JsonException"/>.</summary>
    internal static T? Read<T>(string text)
        where T : class
    {
        var info = (JsonTypeInfo<T>?)DocumentsContext.Default.GetTypeInfo(typeof(T))
                   ?? throw new InvalidOperationException($"{typeof(T).Name} is not a registered JSON document");
        return JsonSerializer.Deserialize(text, info);
    }
}

/// <summary>Every document the tool prints, with its serialization settings, generated at compile time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<Core.Audit.Severity>)])]
[JsonSerializable(typeof(AuditDocument))]
[JsonSerializable(typeof(AuditFleetDocument))]
[JsonSerializable(typeof(SarifDocument))]
[JsonSerializable(typeof(PreflightDocument))]
[JsonSerializable(typeof(ConfigureDocument))]
[JsonSerializable(typeof(HardenDocument))]
[JsonSerializable(typeof(SshPortDocument))]
[JsonSerializable(typeof(TestDocument))]
[JsonSerializable(typeof(PolicyDocument))]
[JsonSerializable(typeof(AwsOpenDocument))]
[JsonSerializable(typeof(AwsCloseDocument))]
[JsonSerializable(typeof(AwsShowDocument))]
[JsonSerializable(typeof(AzureOpenDocument))]
[JsonSerializable(typeof(AzureCloseDocument))]
[JsonSerializable(typeof(AzureShowDocument))]
[JsonSerializable(typeof(CloudOpenDocument))]
[JsonSerializable(typeof(CloudCloseDocument))]
[JsonSerializable(typeof(CloudShowDocument))]
[JsonSerializable(typeof(PlanDocument))]
[JsonSerializable(typeof(ApplyDocument))]
[JsonSerializable(typeof(SuppressionsDocument))]
internal sealed partial class DocumentsContext : JsonSerializerContext;

/// <summary>An enum written as its camel-case name ("critical"), as every document spells them.</summary>
internal sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase)
    where T : struct, Enum;
