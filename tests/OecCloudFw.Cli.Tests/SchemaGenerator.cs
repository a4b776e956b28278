using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OecCloudFw.Core.Audit;

namespace OecCloudFw.Cli.Tests;

/// <summary>
/// Derives a document's JSON Schema (draft 2020-12) from the type that writes it, as the serializer writes it:
/// camel-case names, a property that may be null is optional (nulls are not written) unless it is always written,
/// lists as arrays, nested records as $defs, no other property allowed. The shipped schemas are compared with it, so
/// a document cannot change shape without a new schema version.
/// </summary>
internal static class SchemaGenerator
{
    public static JsonObject Generate(string name, Type root)
    {
        var defs = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var body = ObjectSchema(root, defs, $"oec-cloudfw/{name}");
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://oec.sh/schemas/oec-cloudfw/{name}.json",
            ["title"] = $"oec-cloudfw/{name}",
        };
        foreach (var (key, value) in body)
        {
            schema[key] = value?.DeepClone();
        }

        if (defs.Count > 0)
        {
            schema["$defs"] = new JsonObject(defs.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)));
        }

        return schema;
    }

    private static JsonObject ObjectSchema(Type type, SortedDictionary<string, JsonNode> defs, string? schemaConst)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var nullability = new NullabilityInfoContext();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
                     .OrderBy(p => p.GetCustomAttribute<JsonPropertyOrderAttribute>()?.Order ?? 0)
                     .ThenBy(p => p.MetadataToken))
        {
            var jsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null || nullability.Create(property).ReadState == NullabilityState.Nullable;
            var alwaysWritten = property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Never };
            var schema = TypeSchema(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, defs);
            if (jsonName == "schema" && schemaConst is not null)
            {
                schema = new JsonObject { ["const"] = schemaConst };
            }

            if (nullable)
            {
                schema = new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
            }

            properties[jsonName] = schema;
            if (!nullable || alwaysWritten)
            {
                required.Add(jsonName);
            }
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
    }

    private static JsonObject TypeSchema(Type type, SortedDictionary<string, JsonNode> defs)
    {
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(int))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(Severity))
        {
            return new JsonObject { ["enum"] = new JsonArray([.. Enum.GetNames<Severity>().Select(n => (JsonNode)JsonNamingPolicy.CamelCase.ConvertName(n))]) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var generic &&
            (generic == typeof(IReadOnlyDictionary<,>) || generic == typeof(Dictionary<,>)))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(type.GetGenericArguments()[1], defs) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var list &&
            (list == typeof(IReadOnlyList<>) || list == typeof(List<>) || list == typeof(IEnumerable<>)))
        {
            return new JsonObject { ["type"] = "array", ["items"] = TypeSchema(type.GetGenericArguments()[0], defs) };
        }

        if (type.IsClass && (type.Namespace?.StartsWith("OecCloudFw.Reports", StringComparison.Ordinal) == true || type.Namespace?.StartsWith("OecCloudFw.Application", StringComparison.Ordinal) == true))
        {
            if (!defs.ContainsKey(type.Name))
            {
                defs[type.Name] = new JsonObject();
                defs[type.Name] = ObjectSchema(type, defs, null);
            }

            return new JsonObject { ["$ref"] = $"#/$defs/{type.Name}" };
        }

        throw new InvalidOperationException($"no schema for {type}: teach SchemaGenerator the type");
    }
}
