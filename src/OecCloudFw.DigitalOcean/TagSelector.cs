using System.Buffers;
using OecCloudFw.Core;

namespace OecCloudFw.DigitalOcean;

/// <summary>
/// What follows <c>digitalocean:</c> (or <c>do:</c>) in <c>--inventory digitalocean:tag:NAME</c>: one tag, checked
/// against DigitalOcean's rules for a tag name before anything is asked — "Tags may contain letters, numbers, colons,
/// dashes, and underscores. There is a limit of 255 characters per tag." (github.com/digitalocean/openapi,
/// specification/resources/tags/models/tags.yml: pattern ^[a-zA-Z0-9_\-\:]+$, maxLength 255).
/// </summary>
internal static class TagSelector
{
    public const string Syntax = "tag:NAME";

    public const int MaxTagLength = 255;

    private const string Prefix = "tag:";

    private static readonly SearchValues<char> TagCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-_");

    /// <summary>The tag of <c>tag:NAME</c>; anything else is an <see cref="InvalidInputException"/> naming <c>--inventory</c>.</summary>
    public static string Tag(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (!selector.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Bad(selector, "DigitalOcean lists droplets by tag only");
        }

        var tag = selector[Prefix.Length..];
        if (tag.Length == 0)
        {
            throw Bad(selector, "the tag is empty");
        }

        if (tag.Length > MaxTagLength)
        {
            throw Bad(selector, $"the tag is {tag.Length} characters long; a tag has at most {MaxTagLength}");
        }

        return tag.AsSpan().IndexOfAnyExcept(TagCharacters) is var at and >= 0
            ? throw Bad(selector, $"'{(char.IsControl(tag[at]) ? '?' : tag[at])}' cannot be in a tag")
            : tag;
    }

    private static InvalidInputException Bad(string selector, string why)
    {
        var shown = string.Concat(selector.Take(80).Select(c => char.IsControl(c) ? '?' : c)) + (selector.Length > 80 ? "…" : string.Empty);
        return new($"--inventory digitalocean:{shown}: {why}; give digitalocean:tag:NAME (or do:tag:NAME), NAME a droplet tag: letters, digits, ':', '-' and '_', at most {MaxTagLength} characters");
    }
}
