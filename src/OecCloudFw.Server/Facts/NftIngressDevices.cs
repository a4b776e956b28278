namespace OecCloudFw.Server.Facts;

/// <summary>
/// The devices of each ingress chain, from <c>nft list chains</c> (nft before 1.0.7 leaves them out of its JSON):
/// <c>type filter hook ingress device "eth0" priority …</c> or <c>devices = { eth0, eth1 }</c>, keyed
/// "family table chain" (pure).
/// </summary>
internal static class NftIngressDevices
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(string? text)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string? table = null, chain = null;
        foreach (var raw in (text ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "table")
            {
                table = $"{words[1]} {words[2]}";
            }
            else if (words.Length >= 2 && words[0] == "chain")
            {
                chain = words[1];
            }
            else if (table is not null && chain is not null && line.StartsWith("type ", StringComparison.Ordinal) && line.Contains(" hook ingress ", StringComparison.Ordinal))
            {
                result[$"{table} {chain}"] = Devices(line);
            }
        }

        return result;
    }

    private static List<string> Devices(string line)
    {
        var at = line.IndexOf(" devices = {", StringComparison.Ordinal);
        if (at >= 0)
        {
            var end = line.IndexOf('}', at);
            var list = end < 0 ? string.Empty : line[(at + 12)..end];
            return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.Trim('"')).ToList();
        }

        at = line.IndexOf(" device ", StringComparison.Ordinal);
        if (at < 0)
        {
            return [];
        }

        var name = line[(at + 8)..].Split(' ', 2)[0];
        return [name.Trim('"')];
    }
}
