using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// The shape of <c>oec-cloudfw.yaml</c>. Every field is optional; see <c>examples/oec-cloudfw.yaml</c>.
/// </summary>
public sealed class PolicyFile
{
    /// <summary>Schema version; only 1 exists.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Also open internet rules to ::/0.</summary>
    public bool? Ipv6 { get; set; }

    public SshSection? Ssh { get; set; }

    /// <summary>Sources for HTTP/HTTPS (default anywhere).</summary>
    public List<string>? WebSources { get; set; }

    /// <summary>Optional catalog ports to open.</summary>
    public List<PortSection>? Optional { get; set; }

    /// <summary>Further ports outside the catalog.</summary>
    public List<PortSection>? Extra { get; set; }

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
        var deserializer = new StaticDeserializerBuilder(new PolicyYamlContext())
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        try
        {
            var file = deserializer.Deserialize<PolicyFile?>(yaml) ?? new PolicyFile();
            if (file.Version != 1)
            {
                throw new InvalidInputException($"{name}: version {file.Version} is not supported (use version: 1)");
            }

            return file;
        }
        catch (YamlException ex)
        {
            throw new InvalidInputException($"{name}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
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
        public string? Port { get; set; }

        public string? Protocol { get; set; }

        public List<string>? Sources { get; set; }

        public string? Description { get; set; }
    }
}
