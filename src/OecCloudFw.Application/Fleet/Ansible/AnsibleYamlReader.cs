using System.Globalization;
using OecCloudFw.Core;
using YamlDotNet.RepresentationModel;

namespace OecCloudFw.Application.Fleet.Ansible;

/// <summary>
/// Reads an Ansible YAML inventory: top-level groups (usually <c>all:</c>), each a mapping of <c>hosts:</c> (host
/// name → its vars or nothing), <c>vars:</c> and <c>children:</c> (child group name → a group of the same shape).
/// Sources: docs.ansible.com, "How to build your inventory" (the YAML examples) and the yaml inventory plugin's
/// documentation.
/// </summary>
internal static class AnsibleYamlReader
{
    public static AnsibleModel Read(YamlMappingNode root, string path)
    {
        var model = new AnsibleModel();
        model.Group("all", 1);
        var ungrouped = model.Group("ungrouped", 1);
        foreach (var (key, value) in root.Children)
        {
            Group(model, Name(key, path), value, path);
        }

        var grouped = model.Groups.Values.Where(g => g.Name is not ("all" or "ungrouped")).SelectMany(g => g.Hosts).ToHashSet(StringComparer.Ordinal);
        // Hosts declared only under all: are ungrouped, as Ansible has them.
        foreach (var host in model.Groups["all"].Hosts.Where(h => !grouped.Contains(h) && !ungrouped.Hosts.Contains(h)).ToList())
        {
            ungrouped.Hosts.Add(host);
        }

        ungrouped.Hosts.RemoveAll(grouped.Contains);
        return model;
    }

    private static void Group(AnsibleModel model, string name, YamlNode node, string path)
    {
        var group = model.Group(name, Line(node));
        if (IsNull(node))
        {
            return;
        }

        if (node is not YamlMappingNode map)
        {
            throw new InvalidInputException($"{Where(path, node)}: group '{name}' must be a mapping of hosts:, vars: and children:");
        }

        foreach (var (key, value) in map.Children)
        {
            switch (Name(key, path))
            {
                case "hosts":
                    if (IsNull(value))
                    {
                        break;
                    }

                    foreach (var (hostKey, hostValue) in Mapping(value, path, $"hosts of group '{name}'").Children)
                    {
                        var line = Line(hostKey);
                        foreach (var host in AnsibleHostName.Declare(model, Name(hostKey, path), line, group, m => $"inventory '{path}': line {line.ToString(CultureInfo.InvariantCulture)}: {m}"))
                        {
                            Vars(host.Vars, hostValue, path, $"host {host.Name}");
                        }
                    }

                    break;
                case "vars":
                    Vars(group.Vars, value, path, $"vars of group '{name}'");
                    break;
                case "children":
                    if (IsNull(value))
                    {
                        break;
                    }

                    foreach (var (childKey, childValue) in Mapping(value, path, $"children of group '{name}'").Children)
                    {
                        var child = Name(childKey, path);
                        if (!group.Children.Contains(child))
                        {
                            group.Children.Add(child);
                        }

                        Group(model, child, childValue, path);
                    }

                    break;
                case var other:
                    throw new InvalidInputException($"{Where(path, key)}: '{other}' in group '{name}' is not hosts:, vars: or children: (is a host missing its hosts: line?)");
            }
        }
    }

    private static void Vars(Dictionary<string, AnsibleValue> vars, YamlNode node, string path, string owner)
    {
        if (IsNull(node))
        {
            return;
        }

        foreach (var (key, value) in Mapping(node, path, owner).Children)
        {
            vars[Name(key, path)] = value switch
            {
                YamlScalarNode scalar => new AnsibleValue([scalar.Value ?? ""], false, Line(value)),
                YamlSequenceNode list => new AnsibleValue([.. list.Children.Select(i => i is YamlScalarNode s ? s.Value ?? "" : "")], true, Line(value)),
                // A mapping (an application's own structured var) is kept as nothing the tool reads.
                _ => new AnsibleValue([], false, Line(value)),
            };
        }
    }

    private static YamlMappingNode Mapping(YamlNode node, string path, string what) =>
        node as YamlMappingNode ?? throw new InvalidInputException($"{Where(path, node)}: the {what} must be a mapping (name: value lines)");

    private static string Name(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw new InvalidInputException($"{Where(path, node)}: a name must be a plain word");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static string Where(string path, YamlNode node) => $"inventory '{path}': line {Line(node).ToString(CultureInfo.InvariantCulture)}";
}
