using System.Text.Json;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// An nft rule that sets the packet's mark (<c>meta mark set 0x4f45</c>, or with a mask <c>meta mark set meta mark and
/// 0xffff0000 or 0x4f45</c>): the new mark is <c>(mark &amp; And) | Or</c>. Known is false for a value the tool does not
/// model (a ct mark, a map); Accepts says whether the same rule accepts right after, so that whoever it admits carries
/// the mark on to the next base chain; Chain is the chain the rule is in.
/// </summary>
public sealed record NftMarkSet(uint And, uint Or, bool Known, bool Accepts, string Chain)
{
    /// <summary>The new mark of a packet that had <paramref name="mark"/>.</summary>
    public uint Apply(uint mark) => (mark & And) | Or;

    internal static NftMarkSet From(JsonElement value, bool accepts, string chain)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var constant))
        {
            return new NftMarkSet(0, constant, true, accepts, chain);
        }

        // {"|": [{"&": [{"meta": {"key": "mark"}}, AND]}, OR]}
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("|", out var or) && or.ValueKind == JsonValueKind.Array && or.GetArrayLength() == 2 &&
            or[0].ValueKind == JsonValueKind.Object && or[0].TryGetProperty("&", out var and) && and.ValueKind == JsonValueKind.Array && and.GetArrayLength() == 2 &&
            NftRuleReader.IsMetaMark(and[0]) && and[1].ValueKind == JsonValueKind.Number && and[1].TryGetUInt32(out var keep) &&
            or[1].ValueKind == JsonValueKind.Number && or[1].TryGetUInt32(out var set))
        {
            return new NftMarkSet(keep, set, true, accepts, chain);
        }

        return new NftMarkSet(0, 0, false, accepts, chain);
    }
}
