using System.Globalization;
using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// Ansible's host ranges: <c>web[01:03].example.com</c> is web01, web02, web03 (the width of a zero-padded start is
/// kept), <c>db-[a:c]</c> is db-a, db-b, db-c, <c>www[01:50:2]</c> steps by 2; several ranges in one name multiply.
/// Source: docs.ansible.com, "How to build your inventory", "Adding ranges of hosts".
/// </summary>
internal static partial class AnsibleHostRange
{
    /// <summary>The host names a pattern stands for (itself when it has no range); a malformed range is an <see cref="InvalidInputException"/>.</summary>
    public static IReadOnlyList<string> Expand(string pattern, Func<string, string> where)
    {
        var match = Range().Match(pattern);
        if (!match.Success)
        {
            return [pattern];
        }

        var head = pattern[..match.Index];
        var tail = pattern[(match.Index + match.Length)..];
        var (start, end, step) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Success ? match.Groups[3].Value : "1");
        if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var stride) || stride < 1)
        {
            throw new InvalidInputException(where($"host range '{match.Value}': the step must be a positive number"));
        }

        var items = new List<string>();
        if (start.All(char.IsAsciiDigit) && end.All(char.IsAsciiDigit) && start.Length > 0)
        {
            var width = start.Length > 1 && start[0] == '0' ? start.Length : 0;
            var (from, to) = (int.Parse(start, CultureInfo.InvariantCulture), int.Parse(end, CultureInfo.InvariantCulture));
            if (from > to || to - from > 100_000)
            {
                throw new InvalidInputException(where($"host range '{match.Value}': the start must not be after the end"));
            }

            for (var i = from; i <= to; i += stride)
            {
                items.Add(i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
            }
        }
        else if (start.Length == 1 && end.Length == 1 && char.IsAsciiLetter(start[0]) && char.IsAsciiLetter(end[0]) && start[0] <= end[0])
        {
            for (var c = start[0]; c <= end[0]; c = (char)(c + stride))
            {
                items.Add(c.ToString());
            }
        }
        else
        {
            throw new InvalidInputException(where($"host range '{match.Value}' is not [start:end] of numbers or of single letters (start before end)"));
        }

        // Later ranges in the name expand in turn: web[1:2]-[a:b] is four hosts.
        return [.. items.SelectMany(item => Expand(head + item + tail, where))];
    }

    /// <summary>True when the name holds a range (Ansible expands it; a pattern in <c>--limit</c> keeps brackets as a glob).</summary>
    public static bool HasRange(string pattern) => Range().IsMatch(pattern);

    [GeneratedRegex(@"\[([0-9a-zA-Z]*):([0-9a-zA-Z]*)(?::([0-9]+))?\]", RegexOptions.CultureInvariant)]
    private static partial Regex Range();
}
