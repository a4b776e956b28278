using OecCloudFw.Core.Net;

namespace OecCloudFw.Server.Facts;

/// <summary>
/// One ipset from <c>ipset save</c>: its type, family and members. Only sets of addresses (hash:ip, hash:net,
/// bitmap:ip, and list:set over them) have an address membership; a hash:net with <c>nomatch</c> entries has none the
/// tool models.
/// </summary>
public sealed record IpSet(string Name, string Type, IpFamily Family, IReadOnlyList<string> Entries, bool HasNoMatch, IReadOnlyList<IpSet> Listed)
{
    private static readonly HashSet<string> AddressTypes = ["hash:ip", "hash:net", "bitmap:ip"];

    /// <summary>The addresses in the set for packets of <paramref name="family"/>; null when it is not a set of addresses.</summary>
    public AddressSet? Members(IpFamily family)
    {
        if (Type == "list:set")
        {
            var result = AddressSet.Empty(family);
            foreach (var member in Listed)
            {
                if (member.Family != family)
                {
                    continue;
                }

                if (member.Members(family) is not { } m)
                {
                    return null;
                }

                result = result.Union(m);
            }

            return result;
        }

        if (!AddressTypes.Contains(Type) || HasNoMatch)
        {
            return null;
        }

        if (family != Family)
        {
            return AddressSet.Empty(family);
        }

        var set = AddressSet.Empty(family);
        foreach (var entry in Entries)
        {
            if (AddressSet.TryParse(entry) is not { } one || one.Family != family)
            {
                return null;
            }

            set = set.Union(one);
        }

        return set;
    }

    /// <summary>Parses <c>ipset save</c> (pure).</summary>
    public static IReadOnlyDictionary<string, IpSet> Parse(string? save)
    {
        var created = new Dictionary<string, (string Type, IpFamily Family, List<string> Entries, bool NoMatch)>(StringComparer.Ordinal);
        foreach (var raw in (save ?? string.Empty).Split('\n'))
        {
            var words = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "create")
            {
                var familyIndex = Array.IndexOf(words, "family");
                var family = familyIndex > 0 && familyIndex + 1 < words.Length && words[familyIndex + 1] == "inet6" ? IpFamily.IPv6 : IpFamily.IPv4;
                created[words[1]] = (words[2], family, [], false);
            }
            else if (words.Length >= 3 && words[0] == "add" && created.TryGetValue(words[1], out var entry))
            {
                entry.Entries.Add(words[2]);
                if (words.Contains("nomatch"))
                {
                    created[words[1]] = entry with { NoMatch = true };
                }
            }
        }

        var result = new Dictionary<string, IpSet>(StringComparer.Ordinal);
        foreach (var (name, value) in created.Where(c => c.Value.Type != "list:set"))
        {
            result[name] = new IpSet(name, value.Type, value.Family, value.Entries, value.NoMatch, []);
        }

        foreach (var (name, value) in created.Where(c => c.Value.Type == "list:set"))
        {
            result[name] = new IpSet(name, value.Type, value.Family, value.Entries, value.NoMatch,
                value.Entries.Select(e => result.GetValueOrDefault(e)).OfType<IpSet>().ToList());
        }

        return result;
    }
}
