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
        // One default for every verb, cloud and server alike: internet rules for IPv4 and IPv6 (::/0); the file's
        // "ipv6: false" or --ipv4-only keeps them to IPv4.
        var ipv6 = options.Ipv6 ?? file.Ipv6 ?? true;
        var anywhere = ipv6 ? new[] { Cidr.AnyIPv4, Cidr.AnyIPv6 } : [Cidr.AnyIPv4];

        // A value from the file is blamed on the file and its line ("oec-cloudfw.yaml:12: ssh.sources[1]"), a flag on the flag.
        IReadOnlyList<Cidr> SourcesOf(IReadOnlyList<string>? texts, string what, bool fromFile = false)
        {
            if (texts is null || texts.Count == 0)
            {
                return anywhere;
            }

            var result = new List<Cidr>();
            for (var i = 0; i < texts.Count; i++)
            {
                var text = texts[i];
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
                    errors.Add($"{(fromFile ? file.At($"{what}[{i}]") : what)}: {error}");
                }
            }

            return result.Distinct().ToList();
        }

        var requirements = new List<PortRequirement>();
        var sshPortTexts = options.SshPorts.Count > 0 ? options.SshPorts : (IReadOnlyList<string>?)file.Ssh?.Ports ?? ["22"];
        var sshSources = options.SshSources.Count > 0 ? SourcesOf(options.SshSources, "--ssh-source") : SourcesOf(file.Ssh?.Sources, "ssh.sources", fromFile: true);
        var sshPortsFromFile = options.SshPorts.Count == 0 && file.Ssh?.Ports is not null;
        var ssh = PortCatalog.Find(PortCatalog.Ssh)!;
        for (var i = 0; i < sshPortTexts.Count; i++)
        {
            var text = sshPortTexts[i];
            if (PortRange.TryParse(text, out var range, out var error) && range.IsSingle)
            {
                requirements.Add(new PortRequirement(range, Protocol.Tcp, sshSources, ssh.CloudDescription, ssh.ServerComment, IsSsh: true));
            }
            else
            {
                errors.Add($"{(sshPortsFromFile ? file.At($"ssh.ports[{i}]") : "--ssh-port")}: {(error.Length > 0 ? error : $"'{text}' must be a single port")}");
            }
        }

        var webSources = SourcesOf(file.WebSources, "web_sources", fromFile: true);
        foreach (var web in PortCatalog.Required.Where(p => p.Port != PortCatalog.Ssh))
        {
            requirements.Add(new PortRequirement(PortRange.Single(web.Port), Protocol.Tcp, webSources, web.CloudDescription, web.ServerComment));
        }

        void AddOptional(string text, IReadOnlyList<string>? sources, string what, PolicyFile.PortSection? section = null)
        {
            var trimmed = text.Trim();
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ||
                PortCatalog.Find(port) is not { Required: false } entry)
            {
                var known = string.Join(", ", PortCatalog.Optional.Select(p => p.Port));
                errors.Add($"{(section is null ? what : file.At($"{section.Path}.port"))}: '{text}' is not an optional port of the catalog ({known}); use --port (or extra: in the file) for other ports");
                return;
            }

            // A database port is never opened to the internet by default: the guide's warning, made a rule. The
            // operator says "anywhere" to mean it.
            if (port is PortCatalog.PostgreSql or 6432 or 6433 && (sources is null || sources.Count == 0))
            {
                errors.Add($"{(section is null ? what : file.At($"{section.Path}.port"))} {port}: {entry.Name} would be open to the whole internet: name the sources that need it " +
                           $"({(what == "--optional" ? "--source 203.0.113.10/32" : "sources: [203.0.113.10/32]")}), or {(what == "--optional" ? "--source anywhere" : "sources: [anywhere]")} to mean it");
                return;
            }

            requirements.RemoveAll(r => r.Ports == PortRange.Single(port));
            requirements.Add(new PortRequirement(PortRange.Single(port), Protocol.Tcp,
                section is null ? SourcesOf(sources, "--source") : SourcesOf(sources, $"{section.Path}.sources", fromFile: true), entry.CloudDescription, entry.ServerComment));
        }

        foreach (var optional in file.Optional ?? [])
        {
            AddOptional(optional.Port ?? string.Empty, optional.Sources, "optional", optional);
        }

        foreach (var optional in options.Optional)
        {
            AddOptional(optional, options.Sources, "--optional");
        }

        foreach (var extra in file.Extra ?? [])
        {
            if (!PortRange.TryParse(extra.Port, out var range, out var error))
            {
                errors.Add($"{file.At(extra.Port is null ? extra.Path : $"{extra.Path}.port")}: {(extra.Port is null ? "a port is needed (port: 9100 or port: 9100-9101)" : error)}");
                continue;
            }

            if (!ProtocolNames.TryParse(extra.Protocol ?? "tcp", out var protocol) || protocol == Protocol.All)
            {
                errors.Add($"{file.At($"{extra.Path}.protocol")}: '{extra.Protocol}' is not a protocol: use tcp or udp");
                continue;
            }

            var description = extra.Description ?? $"oec-cloudfw {protocol.Value.ToName()}/{range}";
            if (RuleText.Check(description, file.At($"{extra.Path}.description")) is { } bad)
            {
                errors.Add(bad);
                continue;
            }

            requirements.Add(new PortRequirement(range, protocol.Value, SourcesOf(extra.Sources, $"{extra.Path}.sources", fromFile: true), description, description));
        }

        foreach (var text in options.ExtraPorts)
        {
            if (!PortRange.TryParse(text, out var range, out var error))
            {
                errors.Add($"--extra-port: {error}");
                continue;
            }

            if (PortCatalog.Within(range.From, range.To).FirstOrDefault() is { } known)
            {
                errors.Add(known.Required
                    ? $"--extra-port {text}: {known.Name} ({known.Port}) is already in the policy"
                    : $"--extra-port {text}: {known.Name} ({known.Port}) is a catalog port: open it with --optional {known.Port} (and --source)");
                continue;
            }

            var description = $"oec-cloudfw tcp/{range}";
            requirements.RemoveAll(r => r.Protocol == Protocol.Tcp && r.Ports == range);
            requirements.Add(new PortRequirement(range, Protocol.Tcp, SourcesOf(options.Sources, "--source"), description, description));
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
