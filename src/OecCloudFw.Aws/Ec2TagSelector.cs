using System.Text;
using Amazon.EC2.Model;
using OecCloudFw.Core;

namespace OecCloudFw.Aws;

/// <summary>
/// What follows <c>aws:</c> in <c>--inventory aws:tag:KEY=VALUE[,KEY=VALUE…]</c>: the tags an instance must all carry,
/// each with the value given, or (a key alone) with any value. Keys and values are matched as written: EC2's filter
/// wildcards in them are escaped.
/// </summary>
internal sealed class Ec2TagSelector
{
    /// <summary>The grammar, for help and messages.</summary>
    public const string Grammar = "tag:KEY=VALUE[,KEY=VALUE…] or tag:KEY";

    // EC2's tag limits: a key of at most 128 characters, a value of at most 256.
    private const int MaxKey = 128;
    private const int MaxValue = 256;

    private Ec2TagSelector(IReadOnlyList<(string Key, string? Value)> tags) => Tags = tags;

    /// <summary>Each tag in the order given: its key and value (null: any value).</summary>
    public IReadOnlyList<(string Key, string? Value)> Tags { get; }

    /// <summary>The selector, or bad input naming <c>--inventory aws:…</c> and the grammar (nothing is read before).</summary>
    public static Ec2TagSelector Parse(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        InvalidInputException Bad(string why) => new($"--inventory aws:{Printable(selector)}: {why}: use aws:{Grammar}");
        if (!selector.StartsWith("tag:", StringComparison.Ordinal))
        {
            throw Bad("AWS instances are selected by tag");
        }

        var tags = new List<(string Key, string? Value)>();
        foreach (var part in selector["tag:".Length..].Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? null : part[(equals + 1)..];
            if (key.Length == 0)
            {
                throw Bad(part.Length == 0 ? "a tag is empty" : $"the tag '{Printable(part)}' has no key");
            }

            if (value is { Length: 0 })
            {
                throw Bad($"the tag {Printable(key)} has an empty value (give tag:{Printable(key)} for any value)");
            }

            foreach (var (text, what, max) in new[] { (key, "key", MaxKey), (value, "value", MaxValue) })
            {
                if (text is null)
                {
                    continue;
                }

                if (text.Any(char.IsControl))
                {
                    throw Bad($"the tag {what} '{Printable(text)}' has a control character");
                }

                if (text.Trim().Length != text.Length)
                {
                    throw Bad($"the tag {what} '{text}' starts or ends with a space");
                }

                if (text.Length > max)
                {
                    throw Bad($"the tag {what} '{text[..20]}…' is longer than EC2's {max} characters");
                }
            }

            if (tags.Any(t => t.Key == key))
            {
                throw Bad($"the tag {key} is given twice");
            }

            tags.Add((key, value));
        }

        return new Ec2TagSelector(tags);
    }

    /// <summary>DescribeInstances' filters: running instances carrying every tag (one filter per tag: EC2 ANDs filters and ORs the values of one).</summary>
    public List<Filter> Filters() =>
    [
        new("instance-state-name", ["running"]),
        .. Tags.Select(t => t.Value is null ? new Filter("tag-key", [Literal(t.Key)]) : new Filter("tag:" + t.Key, [Literal(t.Value)])),
    ];

    /// <summary>
    /// A filter value EC2 matches as written: its wildcards (<c>*</c> any characters, <c>?</c> one) and the backslash
    /// that escapes them are escaped with a backslash.
    /// </summary>
    internal static string Literal(string value)
    {
        var literal = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '*' or '?' or '\\')
            {
                literal.Append('\\');
            }

            literal.Append(c);
        }

        return literal.ToString();
    }

    /// <summary>The tags as given (for messages): <c>Role=web,Env</c>.</summary>
    public override string ToString() => string.Join(',', Tags.Select(t => t.Value is null ? t.Key : $"{t.Key}={t.Value}"));

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
