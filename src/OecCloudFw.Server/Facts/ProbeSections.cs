using System.Globalization;
using System.Text.RegularExpressions;

namespace OecCloudFw.Server.Facts;

/// <summary>Splits the probe's output into its named sections (pure).</summary>
public sealed partial class ProbeSections
{
    private readonly Dictionary<string, (int ExitCode, string Text)> _sections;

    private ProbeSections(Dictionary<string, (int, string)> sections) => _sections = sections;

    public static ProbeSections Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sections = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        string? name = null;
        var rc = 0;
        var body = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            var header = Header().Match(line);
            if (header.Success)
            {
                if (name is not null)
                {
                    sections[name] = (rc, string.Join('\n', body).TrimEnd('\n'));
                }

                name = header.Groups[1].Value;
                rc = int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture);
                body.Clear();
            }
            else if (name is not null)
            {
                body.Add(line);
            }
        }

        if (name is not null)
        {
            sections[name] = (rc, string.Join('\n', body).TrimEnd('\n'));
        }

        return new ProbeSections(sections);
    }

    /// <summary>True when the probe ran to its end marker (not cut short).</summary>
    public bool Complete => _sections.ContainsKey("end");

    public bool Has(string name) => _sections.ContainsKey(name);

    /// <summary>The section's text when its command succeeded, else null.</summary>
    public string? Ok(string name) => _sections.TryGetValue(name, out var s) && s.ExitCode == 0 ? s.Text : null;

    /// <summary>The section's text whatever the exit code, else null.</summary>
    public string? Text(string name) => _sections.TryGetValue(name, out var s) ? s.Text : null;

    [GeneratedRegex(@"^=====OECFW ([a-z0-9-]+) rc=(\d+)=====$", RegexOptions.CultureInvariant)]
    private static partial Regex Header();
}
