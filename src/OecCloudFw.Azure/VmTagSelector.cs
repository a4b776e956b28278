using System.Buffers;
using OecCloudFw.Core;

namespace OecCloudFw.Azure;

/// <summary>
/// Which VMs <c>--inventory azure:tag:…</c> names: those carrying every tag of the selector (a name with a value, or a
/// name alone: any value). As Azure treats tags, names compare case-insensitively and values case-sensitively
/// (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources: "Tag names are
/// case-insensitive for operations … Tag values are case-sensitive").
/// </summary>
/// <param name="Terms">The tags every VM listed must carry: a name, and the value it must have (null: any).</param>
internal sealed record VmTagSelector(IReadOnlyList<VmTagSelector.Term> Terms)
{
    /// <summary>The selector's grammar, for help and messages.</summary>
    public const string Grammar = "tag:KEY=VALUE[,KEY=VALUE…] or tag:KEY";

    // Azure's limits on tags: names up to 512 characters without < > % & \ ? /, values up to 256.
    private const int MaxName = 512;
    private const int MaxValue = 256;
    private static readonly SearchValues<char> ForbiddenInName = SearchValues.Create("<>%&\\?/");

    /// <summary>Reads a selector (what follows <c>azure:</c>); bad input names <c>--inventory</c> and the grammar.</summary>
    public static VmTagSelector Parse(string? selector)
    {
        InvalidInputException Bad(string problem) =>
            new($"--inventory azure:{selector}: {problem}; give {Grammar} (every tag must match)");

        if (string.IsNullOrEmpty(selector) || !selector.StartsWith("tag:", StringComparison.Ordinal))
        {
            throw Bad("Azure VMs are selected by their tags");
        }

        var terms = new List<Term>();
        foreach (var text in selector["tag:".Length..].Split(','))
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (text, null) : (text[..equals], text[(equals + 1)..]);
            if (name.Length == 0)
            {
                throw Bad(text.Length == 0 ? "an empty tag" : $"'{text}' has no tag name");
            }

            if (name.Length > MaxName || name.AsSpan().ContainsAny(ForbiddenInName))
            {
                throw Bad($"'{name}' is not an Azure tag name (up to {MaxName} characters, none of < > % & \\ ? /)");
            }

            if (value?.Length > MaxValue)
            {
                throw Bad($"the value of '{name}' is longer than Azure's {MaxValue} characters");
            }

            terms.Add(new Term(name, value));
        }

        return new VmTagSelector(terms);
    }

    /// <summary>Whether a VM with these tags is selected: it carries every tag of the selector.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Terms.All(term => tags.Any(tag => string.Equals(tag.Key, term.Name, StringComparison.OrdinalIgnoreCase) &&
                                                 (term.Value is null || string.Equals(tag.Value, term.Value, StringComparison.Ordinal))));
    }

    /// <summary>One tag of the selector.</summary>
    /// <param name="Name">The tag's name (compared case-insensitively).</param>
    /// <param name="Value">The value it must have (compared case-sensitively); null: any value.</param>
    internal sealed record Term(string Name, string? Value);
}
