using OecCloudFw.Core.Yaml;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// The shape of <c>oec-cloudfw.yaml</c>. Every field is optional; see <c>examples/oec-cloudfw.yaml</c>. Each value
/// remembers its line, so a mistake in it is blamed on the file and the line (<see cref="At"/>).
/// </summary>
public sealed class PolicyFile
{
    /// <summary>What the file may contain: a mistake here is a message naming file:line, never a silent default.</summary>
    public static YamlShape Shape { get; } = YamlShape.Map(
        ("version", YamlShape.Value),
        ("ipv6", YamlShape.Value),
        ("ssh", YamlShape.Map(("ports", YamlShape.Values), ("sources", YamlShape.Values))),
        ("web_sources", YamlShape.Values),
        ("optional", YamlShape.ListOf(YamlShape.Map(("port", YamlShape.Value), ("sources", YamlShape.Values), ("description", YamlShape.Value), ("protocol", YamlShape.Value)))),
        ("extra", YamlShape.ListOf(YamlShape.Map(("port", YamlShape.Value), ("protocol", YamlShape.Value), ("sources", YamlShape.Values), ("description", YamlShape.Value)))));

    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>The file's name as the operator gave it (messages start with it).</summary>
    public string Name { get; private init; } = "policy";

    /// <summary>Schema version; only 1 exists.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Internet rules also to ::/0 (the default); false for IPv4 only.</summary>
    public bool? Ipv6 { get; set; }

    public SshSection? Ssh { get; set; }

    /// <summary>Sources for HTTP/HTTPS (default anywhere).</summary>
    public List<string>? WebSources { get; set; }

    /// <summary>Optional catalog ports to open.</summary>
    public List<PortSection>? Optional { get; set; }

    /// <summary>Further ports outside the catalog.</summary>
    public List<PortSection>? Extra { get; set; }

    /// <summary>Where a value was read, as "file:line: path" (e.g. "oec-cloudfw.yaml:12: ssh.sources[1]"); the path alone for a value not from a file.</summary>
    public string At(string path) => _lines.TryGetValue(path, out var line) ? $"{Name}:{line}: {path}" : path;

    /// <summary>Reads and parses a policy file; a malformed file is an <see cref="InvalidInputException"/>.</summary>
    public static PolicyFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"policy file '{path}' not found");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static PolicyFile Parse(string yaml, string name = "policy")
    {
        var root = YamlReader.Read(yaml, name);
        Shape.Check(root, name);
        var file = new PolicyFile { Name = name };
        if (root is not YamlMap map)
        {
            return file;
        }

        if (file.Value(map, "version") is { } version)
        {
            file.Version = int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number == 1
                ? number
                : throw new InvalidInputException($"{file.At("version")}: version {version} is not supported (use version: 1)");
        }

        if (file.Value(map, "ipv6") is { } ipv6)
        {
            file.Ipv6 = ipv6.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw new InvalidInputException($"{file.At("ipv6")}: '{ipv6}' is not true or false"),
            };
        }

        if (map["ssh"] is YamlMap ssh)
        {
            file.Ssh = new SshSection { Ports = file.Values(ssh, "ports", "ssh.ports"), Sources = file.Values(ssh, "sources", "ssh.sources") };
        }

        file.WebSources = file.Values(map, "web_sources", "web_sources");
        file.Optional = file.Sections(map, "optional");
        file.Extra = file.Sections(map, "extra");
        return file;
    }

    private string? Value(YamlMap map, string key, string? path = null)
    {
        if (map[key] is not YamlScalar { IsNull: false } scalar)
        {
            return null;
        }

        _lines[path ?? key] = scalar.Line;
        return scalar.Value;
    }

    private List<string>? Values(YamlMap map, string key, string path)
    {
        if (map[key] is not YamlList list)
        {
            return null;
        }

        _lines[path] = list.Line;
        var values = new List<string>();
        foreach (var item in list.Items.OfType<YamlScalar>().Where(s => !s.IsNull))
        {
            _lines[$"{path}[{values.Count}]"] = item.Line;
            values.Add(item.Value);
        }

        return values;
    }

    private List<PortSection>? Sections(YamlMap map, string key)
    {
        if (map[key] is not YamlList list)
        {
            return null;
        }

        var sections = new List<PortSection>();
        foreach (var item in list.Items.OfType<YamlMap>())
        {
            var path = $"{key}[{sections.Count}]";
            _lines[path] = item.Line;
            sections.Add(new PortSection
            {
                Path = path,
                Port = Value(item, "port", $"{path}.port"),
                Protocol = Value(item, "protocol", $"{path}.protocol"),
                Sources = Values(item, "sources", $"{path}.sources"),
                Description = Value(item, "description", $"{path}.description"),
            });
        }

        return sections;
    }

    public sealed class SshSection
    {
        /// <summary>SSH port(s); the server layer also detects them from sshd.</summary>
        public List<string>? Ports { get; set; }

        /// <summary>Management sources SSH is restricted to; empty means anywhere.</summary>
        public List<string>? Sources { get; set; }
    }

    public sealed class PortSection
    {
        /// <summary>Where the section is in the file ("extra[2]"), for <see cref="At"/>.</summary>
        public string Path { get; set; } = string.Empty;

        public string? Port { get; set; }

        public string? Protocol { get; set; }

        public List<string>? Sources { get; set; }

        public string? Description { get; set; }
    }
}
