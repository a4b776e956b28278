using System.Globalization;
using OecCloudFw.Core.Net;

namespace OecCloudFw.Core.Policy;

/// <summary>
/// Turns defaults, a policy file and flags into a validated <see cref="FirewallPolicy"/>. Flags override the file.
/// Every problem is collected and reported at once as an <see cref="InvalidInputException"/>.
/// </summary>
public static class PolicyBuilder
{
    public static FirewallPolicy Build(PolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var file = options.PolicyText is not null ? PolicyFile.Parse(options.PolicyText, options.PolicyTextName)
            : options.PolicyFile is null ? new PolicyFile() : PolicyFile.Load(options.PolicyFile);
        var ipv6 = options.Ipv6 ?? file.Ipv6 ?? false;
        var anywhere = ipv6 ? new[] { Cidr.AnyIPv4, Cidr.AnyIPv6 } : [Cidr.AnyIPv4];

        IReadOnlyList<Cidr> SourcesOf(IReadOnlyList<string>? texts, string what)
        {
            if (texts is null || texts.Count == 0)
            {
                return anywhere;
            }

            var result = new List<Cidr>();
            foreach (var text in texts)
            {
                if (text.Trim() is "anywhere" or "internet" or "*")
                {
                    result.AddRange(anywhere);
                }
                else if (Cidr.TryParse(text, out var cidr, out var error))
                {
                    result.Add(cidr);
                }
                else
                {
                    errors.Add($"{what}: {error}");
                }
            }

            return result.Distinct().ToList();
        }

        var requirements = new List<PortRequirement>();
        var sshPortTexts = options.SshPorts.Count > 0 ? options.SshPorts : (IReadOnlyList<string>?)file.Ssh?.Ports ?? ["22"];
        var sshSources = SourcesOf(options.SshSources.Count > 0 ? options.SshSources : file.Ssh?.Sources, "--ssh-source");
        var ssh = PortCatalog.Find(PortCatalog.Ssh)!;
        foreach (var text in sshPortTexts)
        {
            if (PortRange.TryParse(text, out var range, out var error) && range.IsSingle)
            {
                requirements.Add(new PortRequirement(range, Protocol.Tcp, sshSources, ssh.CloudDescription, ssh.ServerComment, IsSsh: true));
            }
            else
            {
                errors.Add($"--ssh-port: {(error.Length > 0 ? error : $"'{text}' must be a single port")}");
            }
        }

        var webSources = SourcesOf(file.WebSources, "web_sources");
        foreach (var web in PortCatalog.Required.Where(p => p.Port != PortCatalog.Ssh))
        {
            requirements.Add(new PortRequirement(PortRange.Single(web.Port), Protocol.Tcp, webSources, web.CloudDescription, web.ServerComment));
        }

        void AddOptional(string text, IReadOnlyList<string>? sources, string what)
        {
            var trimmed = text.Trim();
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ||
                PortCatalog.Find(port) is not { Required: false } entry)
            {
                var known = string.Join(", ", PortCatalog.Optional.Select(p => p.Port));
                errors.Add($"{what}: '{text}' is not an optional port of the catalog ({known}); use --port for other ports");
                return;
            }

            // A database port is never opened to the internet by default: the guide's warning, made a rule. The
            // operator says "anywhere" to mean it.
            if (port is PortCatalog.PostgreSql or 6432 or 6433 && (sources is null || sources.Count == 0))
            {
                errors.Add($"{what} {port}: {entry.Name} would be open to the whole internet: name the sources that need it " +
                           $"({(what == "--optional" ? "--source 203.0.113.10/32" : "sources: [203.0.113.10/32]")}), or {(what == "--optional" ? "--source anywhere" : "sources: [anywhere]")} to mean it");
                return;
            }

            requirements.RemoveAll(r => r.Ports == PortRange.Single(port));
            requirements.Add(new PortRequirement(PortRange.Single(port), Protocol.Tcp, SourcesOf(sources, what == "--optional" ? "--source" : what), entry.CloudDescription, entry.ServerComment));
        }

        foreach (var optional in file.Optional ?? [])
        {
            AddOptional(optional.Port ?? string.Empty, optional.Sources, "optional");
        }

        foreach (var optional in options.Optional)
        {
            AddOptional(optional, options.Sources, "--optional");
        }

        foreach (var extra in file.Extra ?? [])
        {
            if (!PortRange.TryParse(extra.Port, out var range, out var error))
            {
                errors.Add($"extra: {error}");
                continue;
            }

            if (!ProtocolNames.TryParse(extra.Protocol ?? "tcp", out var protocol) || protocol == Protocol.All)
            {
                errors.Add($"extra: '{extra.Protocol}' is not a protocol: use tcp or udp");
                continue;
            }

            var description = extra.Description ?? $"oec-cloudfw {protocol.Value.ToName()}/{range}";
            if (RuleText.Check(description, "extra.description") is { } bad)
            {
                errors.Add(bad);
                continue;
            }

            requirements.Add(new PortRequirement(range, protocol.Value, SourcesOf(extra.Sources, "extra"), description, description));
        }

        var only = new List<PortRange>();
        foreach (var text in options.Ports)
        {
            if (!PortRange.TryParse(text, out var range, out var error))
            {
                errors.Add($"--port: {error}");
                continue;
            }

            only.Add(range);
            if (!requirements.Any(r => r.Ports.Overlaps(range)))
            {
                if (new[] { PortCatalog.PostgreSql, 6432, 6433 }.FirstOrDefault(range.Contains) is var database and > 0 && options.Sources.Count == 0)
                {
                    errors.Add($"--port {text}: {PortCatalog.Find(database)!.Name} ({database}) would be open to the whole internet: name the sources that need it (--source 203.0.113.10/32), or --source anywhere to mean it");
                    continue;
                }

                var entry = range.IsSingle ? PortCatalog.Find(range.From) : null;
                var description = entry?.CloudDescription ?? $"oec-cloudfw tcp/{range}";
                requirements.Add(new PortRequirement(range, Protocol.Tcp, SourcesOf(options.Sources, "--source"), description, entry?.ServerComment ?? description));
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidInputException(string.Join(Environment.NewLine, errors.Distinct()));
        }

        var policy = new FirewallPolicy(requirements, ipv6);
        return only.Count > 0 ? policy.Only(only) : policy;
    }
}
