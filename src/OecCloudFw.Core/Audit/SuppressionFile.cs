using System.Globalization;
using OecCloudFw.Core.Yaml;

namespace OecCloudFw.Core.Audit;

/// <summary>
/// Reads a suppressions file (<c>suppressions:</c> a list of <c>{id, server, port, reason, owner, expires}</c>): every
/// mistake is an <see cref="InvalidInputException"/> naming the file and the line.
/// </summary>
public static class SuppressionFile
{
    /// <summary>What the file may contain.</summary>
    public static YamlShape Shape { get; } = YamlShape.Map(
        ("suppressions", YamlShape.ListOf(YamlShape.Map(("id", YamlShape.Value), ("server", YamlShape.Value), ("port", YamlShape.Value),
            ("reason", YamlShape.Value), ("owner", YamlShape.Value), ("expires", YamlShape.Value)))));

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<Suppression> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--suppressions '{path}': cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message)})");
        }

        return Parse(text, path);
    }

    /// <summary>Parses a suppressions file's text; <paramref name="name"/> is what messages call it.</summary>
    public static IReadOnlyList<Suppression> Parse(string text, string name)
    {
        var root = YamlReader.Read(text, name);
        Shape.Check(root, name);
        if (root is not YamlMap map || map["suppressions"] is not YamlList list)
        {
            throw new InvalidInputException($"{name}:{root.Line}: no 'suppressions:' list: write suppressions: then one '- id: …' block per accepted finding");
        }

        var errors = new List<string>();
        var result = new List<Suppression>();
        foreach (var (item, i) in list.Items.Select((n, i) => (n, i)))
        {
            if (item is not YamlMap entry)
            {
                continue; // the shape check said it
            }

            string? Text(string key)
            {
                if (entry[key] is YamlScalar { IsNull: false } scalar && scalar.Value.Trim().Length > 0)
                {
                    return scalar.Value.Trim();
                }

                errors.Add($"{name}:{(entry[key] ?? entry).Line}: suppressions[{i}].{key}: required{(key == "expires" ? " (a date, YYYY-MM-DD: a suppression always ends)" : string.Empty)}");
                return null;
            }

            var (id, server, reason, owner, expires) = (Text("id"), Text("server"), Text("reason"), Text("owner"), Text("expires"));
            int? port = null;
            if (entry["port"] is YamlScalar { IsNull: false } portText)
            {
                if (int.TryParse(portText.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535)
                {
                    port = p;
                }
                else
                {
                    errors.Add($"{name}:{portText.Line}: suppressions[{i}].port: '{portText.Value}' is not a port (1-65535)");
                }
            }

            var date = default(DateOnly);
            if (expires is not null && !DateOnly.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                errors.Add($"{name}:{entry["expires"]!.Line}: suppressions[{i}].expires: '{expires}' is not a date: write YYYY-MM-DD");
                expires = null;
            }

            if (id is not null && !id.StartsWith("OECFW-", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{name}:{entry["id"]!.Line}: suppressions[{i}].id: '{id}' is not a finding id (OECFW-…)");
                id = null;
            }

            if (id is not null && server is not null && reason is not null && owner is not null && expires is not null)
            {
                result.Add(new Suppression(id.ToUpperInvariant(), server, port, reason, owner, date, $"{name}:{item.Line}"));
            }
        }

        return errors.Count > 0 ? throw new InvalidInputException(string.Join(Environment.NewLine, errors)) : result;
    }
}
