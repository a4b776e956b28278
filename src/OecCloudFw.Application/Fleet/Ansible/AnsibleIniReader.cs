using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OecCloudFw.Core;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// Reads an Ansible INI inventory: hosts before any section are ungrouped; <c>[group]</c> lists hosts
/// (<c>name[:port] key=value …</c>, quoted as a shell would), <c>[group:vars]</c> holds <c>key=value</c> lines and
/// <c>[group:children]</c> names child groups; <c>#</c> and <c>;</c> start comment lines. Sources: docs.ansible.com,
/// "How to build your inventory" (INI examples, "Assigning a variable to many machines: group variables",
/// "Inheriting variable values: group variables for groups of groups") and the ini inventory plugin's documentation.
/// </summary>
internal static partial class AnsibleIniReader
{
    public static AnsibleModel Read(string text, string path)
    {
        var model = new AnsibleModel();
        model.Group("all", 1);
        var ungrouped = model.Group("ungrouped", 1);
        var (group, kind) = (ungrouped, "hosts");
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            var at = number;
            string Where(string message) => $"inventory '{path}': line {at.ToString(CultureInfo.InvariantCulture)}: {message}";
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var section = Section().Match(line);
                if (!section.Success)
                {
                    throw new InvalidInputException(Where($"'{line}' is not a section header: [group], [group:vars] or [group:children]"));
                }

                kind = section.Groups[2].Success ? section.Groups[2].Value : "hosts";
                if (kind is not ("hosts" or "vars" or "children"))
                {
                    throw new InvalidInputException(Where($"section [{section.Groups[1].Value}:{kind}] has an unknown type: use :vars or :children"));
                }

                group = model.Group(section.Groups[1].Value, at);

                continue;
            }

            switch (kind)
            {
                case "vars":
                {
                    var equals = line.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new InvalidInputException(Where($"'{line}' in [{group.Name}:vars] is not key=value"));
                    }

                    group.Vars[line[..equals].Trim()] = new AnsibleValue([Unquote(line[(equals + 1)..].Trim())], false, at);
                    break;
                }

                case "children":
                {
                    var child = Words(line, Where) is [var name] ? name : throw new InvalidInputException(Where($"'{line}' in [{group.Name}:children] is not one group name"));
                    model.Group(child, at);
                    if (!group.Children.Contains(child))
                    {
                        group.Children.Add(child);
                    }
                    break;
                }

                default:
                {
                    var words = Words(line, Where);
                    if (words.Count == 0)
                    {
                        continue;
                    }

                    foreach (var host in AnsibleHostName.Declare(model, words[0], at, group, Where))
                    {
                        foreach (var word in words.Skip(1))
                        {
                            var equals = word.IndexOf('=', StringComparison.Ordinal);
                            if (equals <= 0)
                            {
                                throw new InvalidInputException(Where($"host {host.Name}: '{word}' is not a key=value host variable"));
                            }

                            host.Vars[word[..equals]] = Literal(word[(equals + 1)..], at);
                        }
                    }

                    break;
                }
            }
        }

        // A host named in a group is no longer ungrouped (Ansible's ungrouped holds only hosts in no other group).
        var grouped = model.Groups.Values.Where(g => g.Name is not ("all" or "ungrouped")).SelectMany(g => g.Hosts).ToHashSet(StringComparer.Ordinal);
        ungrouped.Hosts.RemoveAll(grouped.Contains);
        return model;
    }

    /// <summary>A host line's value as Ansible reads it (a Python literal): a list <c>['a', 'b']</c> is a list, anything else its text.</summary>
    private static AnsibleValue Literal(string value, int line)
    {
        if (value.Length >= 2 && value[0] == '[' && value[^1] == ']')
        {
            return new AnsibleValue([.. value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Unquote)], true, line);
        }

        return new AnsibleValue([value], false, line);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'' ? value[1..^1] : value;

    /// <summary>The line's words as a shell (Python's shlex, comments on) splits them: quotes group, <c>#</c> ends the line.</summary>
    internal static List<string> Words(string line, Func<string, string> where)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '#')
            {
                break;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c is '"' or '\'')
            {
                var end = i + 1;
                while (end < line.Length && line[end] != c)
                {
                    if (c == '"' && line[end] == '\\' && end + 1 < line.Length)
                    {
                        end++;
                    }

                    word.Append(line[end]);
                    end++;
                }

                if (end >= line.Length)
                {
                    throw new InvalidInputException(where($"a {(c == '"' ? "double" : "single")} quote is never closed"));
                }

                i = end;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    [GeneratedRegex(@"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Section();
}
