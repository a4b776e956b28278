using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OecCloudFw.Application.Fleet;

/// <summary>The kinds of inventory <c>--inventory FILE</c> reads, told apart by their content (never the extension).</summary>
internal enum InventoryKind
{
    /// <summary>The tool's own fleet.yaml: a mapping with <c>servers:</c> (and <c>defaults:</c>).</summary>
    Fleet,

    /// <summary>Ansible's YAML inventory: a mapping of groups (<c>all:</c>, …) with <c>hosts:</c>/<c>children:</c>/<c>vars:</c>.</summary>
    AnsibleYaml,

    /// <summary>Ansible's INI inventory: <c>[group]</c> sections and <c>host key=value</c> lines.</summary>
    AnsibleIni,
}

internal static partial class InventoryFormat
{
    /// <summary>The kind of the text, and its YAML root when it is Ansible YAML; YAML that does not parse is an error naming the line.</summary>
    public static (InventoryKind Kind, YamlMappingNode? Root) Detect(string text, string path)
    {
        var first = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l[0] is not ('#' or ';')) ?? "";
        if (IniSection().IsMatch(first))
        {
            return (InventoryKind.AnsibleIni, null);
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
            {
                // fleet.yaml's servers: is a list; an Ansible group that happens to be called servers is a mapping.
                var fleet = root.Children.TryGetValue(new YamlScalarNode("servers"), out var servers) ? servers is YamlSequenceNode
                    : root.Children.ContainsKey(new YamlScalarNode("defaults")) && root.Children.Count == 1;
                return (fleet ? InventoryKind.Fleet : InventoryKind.AnsibleYaml, fleet ? null : root);
            }
        }
        catch (YamlException) when (FleetKey().IsMatch(text))
        {
            // The fleet reader reports it, line and all.
            return (InventoryKind.Fleet, null);
        }
        catch (YamlException ex) when (first == "---" || YamlKey().IsMatch(first))
        {
            throw new Core.InvalidInputException($"inventory '{path}': line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch (YamlException)
        {
            // Neither YAML nor starting like it: INI host lines.
        }

        return FleetKey().IsMatch(text) ? (InventoryKind.Fleet, null) : (InventoryKind.AnsibleIni, null);
    }

    [GeneratedRegex(@"^(servers|defaults)\s*:", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FleetKey();

    [GeneratedRegex(@"^\[[^:\]\s]+(?::\w+)?\]\s*([#;].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IniSection();

    [GeneratedRegex(@"^[\w.-]+\s*:(\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex YamlKey();
}
