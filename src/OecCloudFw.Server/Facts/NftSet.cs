using System.Text.Json;

namespace OecCloudFw.Server.Facts;

/// <summary>A named nftables set or map from <c>nft -j list ruleset</c>: its key type and its elements as printed.</summary>
internal sealed record NftSet(string Type, IReadOnlyList<JsonElement> Elements)
{
    public static NftSet From(JsonElement set)
    {
        var type = set.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.String ? t.GetString()! : "concat" : "unknown";
        var elements = set.TryGetProperty("elem", out var elem) && elem.ValueKind == JsonValueKind.Array
            ? elem.EnumerateArray().Select(e => e.Clone()).ToList()
            : [];
        return new NftSet(type, elements);
    }
}
