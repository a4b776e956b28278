using OecCloudFw.Core;

namespace OecCloudFw.Hetzner;

/// <summary>
/// What follows <c>hetzner:</c> in <c>--inventory hetzner:label:SELECTOR</c>: a label selector in the language of the
/// API's introduction, "Label Selector" (https://docs.hetzner.cloud/#label-selector): <c>k==v</c>, <c>k=v</c>,
/// <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (v1,v2)</c>, <c>k notin (v1,v2)</c>, terms joined by commas (all must
/// hold). Only its shape is checked here, before anything is asked; the API judges the rest (a 400 invalid_input).
/// </summary>
internal static class HetznerServerSelector
{
    public const string Syntax = "label:SELECTOR";

    private const string Prefix = "label:";

    private const string Grammar =
        "give hetzner:label:SELECTOR with a Hetzner label selector: k==v, k=v, k!=v, k, !k, k in (v1,v2), k notin (v1,v2), terms joined by ',' (all must hold), e.g. hetzner:label:role=web,env!=dev";

    /// <summary>The label selector of <c>label:SELECTOR</c>, trimmed; bad shape is an <see cref="InvalidInputException"/> naming <c>--inventory</c>.</summary>
    public static string LabelSelector(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (!selector.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw Bad(selector, "Hetzner lists servers by label only");
        }

        var labels = selector[Prefix.Length..].Trim();
        if (labels.Length == 0)
        {
            throw Bad(selector, "the label selector is empty");
        }

        if (labels.Any(char.IsControl))
        {
            throw Bad(selector, "the label selector holds a control character");
        }

        var depth = 0;
        var term = 0;
        for (var i = 0; i <= labels.Length; i++)
        {
            var c = i < labels.Length ? labels[i] : ',';
            switch (c)
            {
                case '(':
                    // The language has one level: a value list after in/notin.
                    if (++depth > 1)
                    {
                        throw Bad(selector, "parentheses are nested (only a value list after in/notin is parenthesized)");
                    }

                    break;
                case ')':
                    if (--depth < 0)
                    {
                        throw Bad(selector, "a ')' closes no '('");
                    }

                    break;
                case ',' when depth == 0:
                    if (labels[term..i].Trim().Length == 0)
                    {
                        throw Bad(selector, "a term of the label selector is empty (two commas in a row, or one at an end)");
                    }

                    term = i + 1;
                    break;
            }
        }

        return depth == 0 ? labels : throw Bad(selector, "a '(' is not closed");
    }

    private static InvalidInputException Bad(string selector, string why) =>
        new($"--inventory hetzner:{string.Concat(selector.Select(c => char.IsControl(c) ? '?' : c))}: {why}; {Grammar}");
}
