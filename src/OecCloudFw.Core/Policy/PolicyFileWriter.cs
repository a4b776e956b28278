using System.Globalization;
using System.Text;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// Writes an effective <see cref="FirewallPolicy"/> back in the policy-file format (<c>oec-cloudfw.yaml</c>), every
/// source spelled out, so that <see cref="PolicyBuilder"/> reads it back as the same policy. Comment lines first.
/// </summary>
public static class PolicyFileWriter
{
    /// <param name="policy">The policy as applied (after the file and the flags).</param>
    /// <param name="header">Lines written as comments before the policy (who applied it, when, from what).</param>
    public static string Write(FirewallPolicy policy, IEnumerable<string> header)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(header);
        var yaml = new StringBuilder();
        foreach (var line in header)
        {
            yaml.Append("# ").Append(line.ReplaceLineEndings(" ")).Append('\n');
        }

        yaml.Append("version: 1\n");
        yaml.Append("ipv6: ").Append(policy.Ipv6 ? "true" : "false").Append('\n');
        var ssh = policy.Ssh.ToList();
        if (ssh.Count > 0)
        {
            yaml.Append("ssh:\n");
            yaml.Append("  ports: ").Append(List(ssh.Select(r => r.Ports.ToString()))).Append('\n');
            yaml.Append("  sources: ").Append(Sources(ssh[0].Sources)).Append('\n');
        }

        var web = policy.Requirements.FirstOrDefault(r => !r.IsSsh && r.Ports.IsSingle && PortCatalog.Find(r.Ports.From) is { Required: true });
        if (web is not null)
        {
            yaml.Append("web_sources: ").Append(Sources(web.Sources)).Append('\n');
        }

        var optional = policy.Requirements.Where(r => !r.IsSsh && r.Ports.IsSingle && PortCatalog.Find(r.Ports.From) is { Required: false }).ToList();
        yaml.Append("optional:").Append(optional.Count == 0 ? " []\n" : "\n");
        foreach (var port in optional)
        {
            yaml.Append("  - port: ").Append(Quote(port.Ports.ToString())).Append('\n');
            yaml.Append("    sources: ").Append(Sources(port.Sources)).Append('\n');
        }

        var extra = policy.Requirements.Where(r => !r.IsSsh && !(r.Ports.IsSingle && PortCatalog.Find(r.Ports.From) is not null)).ToList();
        yaml.Append("extra:").Append(extra.Count == 0 ? " []\n" : "\n");
        foreach (var port in extra)
        {
            yaml.Append("  - port: ").Append(Quote(port.Ports.ToString())).Append('\n');
            yaml.Append("    protocol: ").Append(port.Protocol.ToName()).Append('\n');
            yaml.Append("    sources: ").Append(Sources(port.Sources)).Append('\n');
            yaml.Append("    description: ").Append(Quote(port.Description)).Append('\n');
        }

        return yaml.ToString();
    }

    private static string Sources(IEnumerable<Cidr> sources) => List(sources.Select(s => s.ToString()));

    private static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
