using System.Security.Cryptography;
using System.Text;

namespace OecCloudFw.Core.Layers;

/// <summary>
/// The digest of a layer's state: SHA-256 over a canonical text of what was read (each adapter chooses the lines and
/// their order: rules, not counters or timestamps; sorted where the order means nothing), written "sha256:hex". Equal digests mean the same rules.
/// </summary>
public static class LayerDigest
{
    public static string Of(IEnumerable<string> canonicalLines)
    {
        ArgumentNullException.ThrowIfNull(canonicalLines);
        var text = string.Join('\n', canonicalLines);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
