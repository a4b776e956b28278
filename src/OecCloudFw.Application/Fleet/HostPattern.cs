using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet;

/// <summary>
/// <c>--limit</c> as Ansible spells a host pattern: host or group names, globs (<c>web*</c>), <c>~regex</c>,
/// <c>all</c>/<c>*</c>; parts joined by <c>,</c> or <c>:</c> are a union, <c>&amp;part</c> an intersection,
/// <c>!part</c> an exclusion (applied after the unions, in order). A group name matches its hosts; a host name matches
/// itself; a glob or regex matches both. Source: docs.ansible.com, "Patterns: targeting hosts and groups".
/// </summary>
internal static partial class HostPattern
{
    /// <summary>The entries the pattern selects, in inventory order; a pattern selecting none is an <see cref="InvalidInputException"/>.</summary>
    public static IReadOnlyList<Inventory.Entry> Select(string pattern, IReadOnlyList<Inventory.Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(entries);
        var parts = Split(pattern);
        if (parts.Count == 0)
        {
            throw new InvalidInputException("--limit is empty: give a host or group pattern (e.g. web*, dbservers:!db1)");
        }

        // Unions first, then intersections, then exclusions (Ansible's order); only exclusions start from all.
        var ordered = parts.Where(p => p[0] is not ('!' or '&')).Concat(parts.Where(p => p[0] == '&')).Concat(parts.Where(p => p[0] == '!')).ToList();
        var chosen = new HashSet<Inventory.Entry>(ordered[0][0] is '!' or '&' ? entries : []);
        foreach (var part in ordered)
        {
            switch (part[0])
            {
                case '!':
                    chosen.ExceptWith(Match(part[1..], entries, pattern));
                    break;
                case '&':
                    chosen.IntersectWith(Match(part[1..], entries, pattern));
                    break;
                default:
                    chosen.UnionWith(Match(part, entries, pattern));
                    break;
            }
        }

        var selected = entries.Where(chosen.Contains).ToList();
        return selected.Count > 0 ? selected
            : throw new InvalidInputException($"--limit '{pattern}' matches no server of the inventory (patterns are case-sensitive host and group names, globs or ~regex)");
    }

    private static List<Inventory.Entry> Match(string part, IReadOnlyList<Inventory.Entry> entries, string pattern)
    {
        Regex regex;
        try
        {
            regex = part.StartsWith('~')
                ? new Regex(part[1..], RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                : new Regex(Glob(part), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidInputException($"--limit '{pattern}': '{part}' is not a regular expression: {ex.Message}", ex);
        }

        // Python's re.match: anchored at the start only (a glob's translation is anchored at both ends).
        bool Matches(string name) => regex.Match(name) is { Success: true, Index: 0 };
        var groups = entries.SelectMany(e => e.Groups).Distinct(StringComparer.Ordinal).Where(Matches).ToHashSet(StringComparer.Ordinal);
        var special = part.StartsWith('~') || part.IndexOfAny(['.', '?', '*', '[']) >= 0;
        return [.. entries.Where(e => e.Groups.Overlaps(groups) || ((groups.Count == 0 || special) && Matches(e.Name ?? e.Host ?? "")))];
    }

    /// <summary>fnmatch's translation: <c>*</c>, <c>?</c>, <c>[…]</c>, the rest literal; the whole name.</summary>
    private static string Glob(string glob)
    {
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            var close = c == '[' ? glob.IndexOf(']', i + 1) : -1;
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                '[' when close > i + 1 => "[" + (glob[i + 1] == '!' ? "^" + Regex.Escape(glob[(i + 2)..close]) : Regex.Escape(glob[(i + 1)..close])).Replace(@"\-", "-", StringComparison.Ordinal) + "]",
                _ => Regex.Escape(c.ToString()),
            });
            if (c == '[' && close > i + 1)
            {
                i = close;
            }
        }

        return regex.Append(@"\z").ToString();
    }

    /// <summary>Ansible's split: on commas when there are any, else on colons outside brackets (an IPv6 address stays whole).</summary>
    private static List<string> Split(string pattern)
    {
        var trimmed = pattern.Trim();
        if (trimmed.Contains(',', StringComparison.Ordinal))
        {
            return [.. trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }

        if (System.Net.IPAddress.TryParse(trimmed.Trim('[', ']'), out _))
        {
            return [trimmed];
        }

        return [.. Parts().Matches(trimmed).Select(m => m.Value.Trim()).Where(p => p.Length > 0)];
    }

    [GeneratedRegex(@"(?:[^\s:\[\]]|\[[^\]]*\])+", RegexOptions.CultureInvariant)]
    private static partial Regex Parts();
}
